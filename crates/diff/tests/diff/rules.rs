//! Every diff rule on the fixture, in the direction that breaks clients (flagged with its
//! severity, area and pointer) and in the opposite direction (not breaking).

use sb_diff::{Area, Severity};
use serde_json::{Value, json};

use crate::fixture::{at, base, both, diff, expect, not_breaking, remove, worst};

const GET: &str = "/paths/~1items~1{itemId}/get";
const PUT: &str = "/paths/~1items~1{itemId}/put";
const ITEM: &str = "/components/schemas/Item/properties";
const INPUT: &str = "/components/schemas/ItemInput/properties";

#[test]
fn removed_path_is_breaking_and_added_path_is_not() {
    let path = "/paths/~1items~1{itemId}~1events";
    let (removed, added) = both(|d| remove(d, path));
    let change = expect(&removed, Severity::Breaking, Area::Path, path);
    assert_eq!(change.operation_id.as_deref(), Some("streamItem"));
    not_breaking(&added);
    expect(
        &added,
        Severity::NonBreaking,
        Area::Path,
        &format!("{path}/post"),
    );
}

#[test]
fn removed_operation_is_breaking_and_added_operation_is_not() {
    let (removed, added) = both(|d| remove(d, PUT));
    expect(&removed, Severity::Breaking, Area::Operation, PUT);
    not_breaking(&added);
    expect(&added, Severity::NonBreaking, Area::Operation, PUT);
}

#[test]
fn removed_response_status_is_breaking_and_added_status_is_not() {
    let status = format!("{GET}/responses/404");
    let (removed, added) = both(|d| remove(d, &status));
    expect(&removed, Severity::Breaking, Area::Response, &status);
    not_breaking(&added);
    expect(&added, Severity::NonBreaking, Area::Response, &status);
}

#[test]
fn new_required_request_field_is_breaking_and_its_removal_is_not() {
    let (added, removed) = both(|d| {
        at(d, INPUT)["owner"] = json!({"type": "string"});
        at(d, "/components/schemas/ItemInput/required")
            .as_array_mut()
            .unwrap()
            .push(json!("owner"));
    });
    let change = expect(
        &added,
        Severity::Breaking,
        Area::SchemaProperty,
        &format!("{INPUT}/owner"),
    );
    assert!(
        change
            .message
            .contains("new required request field `owner`")
    );
    assert_eq!(change.operation_id.as_deref(), Some("putItem"));
    not_breaking(&removed);
    expect(
        &removed,
        Severity::PotentiallyBreaking,
        Area::SchemaProperty,
        &format!("{INPUT}/owner"),
    );
}

#[test]
fn new_optional_request_field_is_not_breaking() {
    let (added, _) = both(|d| at(d, INPUT)["note"] = json!({"type": "string"}));
    worst(&added, Severity::NonBreaking);
    expect(
        &added,
        Severity::NonBreaking,
        Area::SchemaProperty,
        &format!("{INPUT}/note"),
    );
}

#[test]
fn request_field_made_required_is_breaking_and_made_optional_is_not() {
    let (required, optional) = both(|d| {
        at(d, "/components/schemas/ItemInput/required")
            .as_array_mut()
            .unwrap()
            .push(json!("count"));
    });
    expect(
        &required,
        Severity::Breaking,
        Area::SchemaProperty,
        &format!("{INPUT}/count"),
    );
    not_breaking(&optional);
    expect(
        &optional,
        Severity::NonBreaking,
        Area::SchemaProperty,
        &format!("{INPUT}/count"),
    );
}

#[test]
fn new_required_parameter_is_breaking_and_its_removal_is_not() {
    let (added, removed) = both(|d| {
        at(d, &format!("{PUT}/parameters"))
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "X-Owner", "in": "header", "required": true, "schema": {"type": "string"}}));
    });
    expect(
        &added,
        Severity::Breaking,
        Area::Parameter,
        &format!("{PUT}/parameters/1"),
    );
    not_breaking(&removed);
    expect(
        &removed,
        Severity::PotentiallyBreaking,
        Area::Parameter,
        &format!("{PUT}/parameters/1"),
    );
}

#[test]
fn new_optional_parameter_is_not_breaking() {
    let (added, _) = both(|d| {
        at(d, &format!("{PUT}/parameters"))
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "dryRun", "in": "query", "schema": {"type": "boolean"}}));
    });
    worst(&added, Severity::NonBreaking);
}

#[test]
fn parameter_made_required_is_breaking_and_made_optional_is_not() {
    let param = format!("{GET}/parameters/1");
    let (required, optional) = both(|d| at(d, &param)["required"] = json!(true));
    expect(&required, Severity::Breaking, Area::Parameter, &param);
    not_breaking(&optional);
    expect(&optional, Severity::NonBreaking, Area::Parameter, &param);
}

#[test]
fn parameter_schema_is_compared_as_a_request() {
    let param = format!("{GET}/parameters/2/schema");
    let (tightened, relaxed) = both(|d| at(d, &param)["maxLength"] = json!(8));
    expect(
        &tightened,
        Severity::Breaking,
        Area::Constraint,
        &format!("{param}/maxLength"),
    );
    not_breaking(&relaxed);
}

#[test]
fn removed_response_field_is_breaking_and_added_response_field_is_not() {
    let (removed, added) = both(|d| remove(d, &format!("{ITEM}/score")));
    let change = expect(
        &removed,
        Severity::Breaking,
        Area::SchemaProperty,
        &format!("{ITEM}/score"),
    );
    assert!(change.message.contains("response field `score` removed"));
    // The component is used by two operations; each reports it.
    let ops: Vec<_> = removed
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .filter_map(|c| c.operation_id.clone())
        .collect();
    assert_eq!(ops, ["getItem", "putItem"]);
    not_breaking(&added);
    expect(
        &added,
        Severity::NonBreaking,
        Area::SchemaProperty,
        &format!("{ITEM}/score"),
    );
}

#[test]
fn response_field_no_longer_required_is_breaking_and_now_required_is_not() {
    let (optional, required) = both(|d| {
        at(d, "/components/schemas/Item/required")
            .as_array_mut()
            .unwrap()
            .retain(|v| v != "name");
    });
    let change = expect(
        &optional,
        Severity::Breaking,
        Area::SchemaProperty,
        &format!("{ITEM}/name"),
    );
    assert!(change.message.contains("no longer required"));
    not_breaking(&required);
}

#[test]
fn new_response_field_in_a_closed_schema_is_potentially_breaking() {
    let old = {
        let mut d = base();
        at(&mut d, "/components/schemas/Item")["additionalProperties"] = json!(false);
        d
    };
    let mut new = old.clone();
    at(&mut new, ITEM)["extra"] = json!({"type": "string"});
    let changes = diff(&old, &new);
    worst(&changes, Severity::PotentiallyBreaking);
    expect(
        &changes,
        Severity::PotentiallyBreaking,
        Area::SchemaProperty,
        &format!("{ITEM}/extra"),
    );
}

#[test]
fn type_change_is_breaking_both_ways() {
    let (forward, backward) = both(|d| at(d, &format!("{ITEM}/id"))["type"] = json!("integer"));
    let pointer = format!("{ITEM}/id/type");
    expect(&forward, Severity::Breaking, Area::Type, &pointer);
    expect(&backward, Severity::Breaking, Area::Type, &pointer);
}

#[test]
fn integer_widened_to_number_breaks_responses_but_not_requests() {
    let (request_widened, request_narrowed) =
        both(|d| at(d, &format!("{INPUT}/count"))["type"] = json!("number"));
    not_breaking(&request_widened);
    expect(
        &request_narrowed,
        Severity::Breaking,
        Area::Type,
        &format!("{INPUT}/count/type"),
    );
    let (response_narrowed, response_widened) =
        both(|d| at(d, &format!("{ITEM}/score"))["type"] = json!("integer"));
    not_breaking(&response_narrowed);
    expect(
        &response_widened,
        Severity::Breaking,
        Area::Type,
        &format!("{ITEM}/score/type"),
    );
}

#[test]
fn format_added_to_a_request_field_is_breaking_and_removed_is_not() {
    let (added, removed) = both(|d| at(d, &format!("{INPUT}/link"))["format"] = json!("uri"));
    expect(
        &added,
        Severity::Breaking,
        Area::Format,
        &format!("{INPUT}/link/format"),
    );
    not_breaking(&removed);
}

#[test]
fn format_changed_is_breaking_and_removed_from_a_response_is_breaking() {
    let (changed, _) = both(|d| at(d, &format!("{ITEM}/createdAt"))["format"] = json!("date"));
    expect(
        &changed,
        Severity::Breaking,
        Area::Format,
        &format!("{ITEM}/createdAt/format"),
    );
    let (removed, added) = both(|d| remove(d, &format!("{ITEM}/createdAt/format")));
    expect(
        &removed,
        Severity::Breaking,
        Area::Format,
        &format!("{ITEM}/createdAt/format"),
    );
    not_breaking(&added);
}

#[test]
fn request_enum_value_removed_is_breaking_and_added_is_only_potentially() {
    let (removed, added) = both(|d| {
        at(d, &format!("{INPUT}/mode/enum"))
            .as_array_mut()
            .unwrap()
            .pop();
    });
    let change = expect(
        &removed,
        Severity::Breaking,
        Area::Enum,
        &format!("{INPUT}/mode/enum/1"),
    );
    assert!(change.message.contains("\"slow\" removed"));
    not_breaking(&added);
    expect(
        &added,
        Severity::PotentiallyBreaking,
        Area::Enum,
        &format!("{INPUT}/mode/enum/1"),
    );
}

#[test]
fn response_enum_value_added_is_breaking_and_removed_is_not() {
    let (added, removed) = both(|d| {
        at(d, &format!("{ITEM}/status/enum"))
            .as_array_mut()
            .unwrap()
            .push(json!("archived"));
    });
    expect(
        &added,
        Severity::Breaking,
        Area::Enum,
        &format!("{ITEM}/status/enum/2"),
    );
    not_breaking(&removed);
    expect(
        &removed,
        Severity::NonBreaking,
        Area::Enum,
        &format!("{ITEM}/status/enum/2"),
    );
}

#[test]
fn request_constraints_tightened_are_breaking_and_relaxed_are_not() {
    // (property, keyword, new value); each tightens the request schema.
    let cases: [(&str, &str, Value); 11] = [
        ("count", "minimum", json!(2)),
        ("count", "maximum", json!(6)),
        ("ratio", "exclusiveMinimum", json!(true)),
        ("ratio", "exclusiveMaximum", json!(true)),
        ("count", "multipleOf", json!(2)),
        ("name", "minLength", json!(3)),
        ("name", "maxLength", json!(50)),
        ("link", "pattern", json!("^https://")),
        ("colors", "minItems", json!(2)),
        ("colors", "maxItems", json!(3)),
        ("colors", "uniqueItems", json!(true)),
    ];
    for (property, keyword, value) in cases {
        let (tightened, relaxed) =
            both(|d| at(d, &format!("{INPUT}/{property}"))[keyword] = value.clone());
        let pointer = format!("{INPUT}/{property}/{keyword}");
        let change = expect(&tightened, Severity::Breaking, Area::Constraint, &pointer);
        assert!(
            change.message.contains("tightened"),
            "{keyword}: {change:?}"
        );
        not_breaking(&relaxed);
        expect(&relaxed, Severity::NonBreaking, Area::Constraint, &pointer);
    }
}

#[test]
fn pattern_changed_is_breaking_both_ways() {
    // Whether one regular expression accepts less than another is not decidable here.
    let pointer = format!("{INPUT}/name/pattern");
    let (changed, back) = both(|d| *at(d, &pointer) = json!("^[a-z]{2,}$"));
    expect(&changed, Severity::Breaking, Area::Constraint, &pointer);
    expect(&back, Severity::Breaking, Area::Constraint, &pointer);
}

#[test]
fn response_range_widened_is_breaking_and_narrowed_is_not() {
    // Issue 12: a relaxed response constraint is breaking (was potentially breaking before
    // the rule ids; oasdiff: ERR).
    let pointer = format!("{ITEM}/score/maximum");
    let (widened, narrowed) = both(|d| *at(d, &pointer) = json!(100));
    let change = expect(&widened, Severity::Breaking, Area::Constraint, &pointer);
    assert_eq!(change.id, "response-property-max-increased");
    worst(&widened, Severity::Breaking);
    expect(&narrowed, Severity::NonBreaking, Area::Constraint, &pointer);
    worst(&narrowed, Severity::NonBreaking);
}

#[test]
fn request_default_changed_is_breaking() {
    // Issue 12: clients that leave `count` out now get other behaviour (was potentially
    // breaking before the rule ids; oasdiff: ERR for parameters).
    let pointer = format!("{INPUT}/count/default");
    let (changed, _) = both(|d| *at(d, &pointer) = json!(2));
    let change = expect(&changed, Severity::Breaking, Area::Default, &pointer);
    assert_eq!(change.id, "request-property-default-value-changed");
    worst(&changed, Severity::Breaking);
}

#[test]
fn nullable_breaks_responses_and_not_requests() {
    let (response_nullable, _) = both(|d| at(d, &format!("{ITEM}/name"))["nullable"] = json!(true));
    expect(
        &response_nullable,
        Severity::Breaking,
        Area::Type,
        &format!("{ITEM}/name"),
    );
    let (request_nullable, request_not_nullable) =
        both(|d| at(d, &format!("{INPUT}/link"))["nullable"] = json!(true));
    not_breaking(&request_nullable);
    expect(
        &request_not_nullable,
        Severity::Breaking,
        Area::Type,
        &format!("{INPUT}/link"),
    );
}

#[test]
fn sse_event_type_removed_is_breaking_and_added_is_not() {
    let (removed, added) = both(|d| {
        remove(d, "/components/schemas/Event/oneOf/1");
        remove(d, "/components/schemas/Event/discriminator/mapping/done");
    });
    let change = expect(
        &removed,
        Severity::Breaking,
        Area::SseEvent,
        "/components/schemas/Event/oneOf/1",
    );
    assert!(change.message.contains("event type `done` removed"));
    assert_eq!(change.operation_id.as_deref(), Some("streamItem"));
    not_breaking(&added);
    expect(
        &added,
        Severity::PotentiallyBreaking,
        Area::SseEvent,
        "/components/schemas/Event/oneOf/1",
    );
}

#[test]
fn sse_discriminator_value_renamed_is_breaking() {
    let (renamed, _) = both(|d| {
        remove(d, "/components/schemas/Event/discriminator/mapping/done");
        at(d, "/components/schemas/Event/discriminator/mapping")["finished"] =
            json!("#/components/schemas/Done");
    });
    let change = expect(
        &renamed,
        Severity::Breaking,
        Area::SseEvent,
        "/components/schemas/Event/oneOf/1",
    );
    assert!(change.message.contains("`done` removed"), "{change:?}");
}

#[test]
fn sse_type_enum_value_removed_is_breaking() {
    let mut old = base();
    // One event schema whose `type` enum lists the event types.
    at(&mut old, "/components/schemas")["Event"] = json!({
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "enum": ["progress", "done"]}, "detail": {"type": "string"}}
    });
    let mut new = old.clone();
    at(&mut new, "/components/schemas/Event/properties/type/enum")
        .as_array_mut()
        .unwrap()
        .pop();
    let changes = diff(&old, &new);
    expect(
        &changes,
        Severity::Breaking,
        Area::SseEvent,
        "/components/schemas/Event/properties/type/enum/1",
    );
    not_breaking(&diff(&new, &old));
}

#[test]
fn sse_event_field_removed_inside_a_one_of_branch_is_breaking() {
    let field = "/components/schemas/Done/properties/result";
    let (removed, added) = both(|d| remove(d, field));
    let change = expect(&removed, Severity::Breaking, Area::SseEvent, field);
    assert!(
        change
            .message
            .contains("event `done` field `result` removed"),
        "{change:?}"
    );
    not_breaking(&added);
    expect(&added, Severity::NonBreaking, Area::SseEvent, field);
}

#[test]
fn security_requirement_added_is_breaking_and_removed_is_not() {
    let op_security = "/paths/~1items~1{itemId}~1events/post/security";
    let (public, secured) = both(|d| {
        at(d, "/paths/~1items~1{itemId}~1events/post")["security"] = json!([]);
    });
    not_breaking(&public);
    expect(&public, Severity::NonBreaking, Area::Security, op_security);
    let change = expect(&secured, Severity::Breaking, Area::Security, "/security");
    assert!(change.message.contains("security requirement added"));
}

#[test]
fn security_requirement_changed_is_breaking() {
    let (changed, _) = both(|d| {
        at(d, "/components/securitySchemes")["apiKey"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
        *at(d, "/security") = json!([{"apiKey": []}]);
    });
    expect(&changed, Severity::Breaking, Area::Security, "/security");
    // An extra alternative keeps old clients working.
    let (alternative, _) = both(|d| {
        at(d, "/components/securitySchemes")["apiKey"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
        at(d, "/security")
            .as_array_mut()
            .unwrap()
            .push(json!({"apiKey": []}));
    });
    not_breaking(&alternative);
    // A scheme redefined under the same name.
    let (redefined, _) = both(|d| {
        *at(d, "/components/securitySchemes/bearerAuth") =
            json!({"type": "apiKey", "in": "query", "name": "token"});
    });
    expect(
        &redefined,
        Severity::Breaking,
        Area::Security,
        "/components/securitySchemes/bearerAuth",
    );
}

#[test]
fn request_media_type_changed_is_breaking_and_added_is_not() {
    let content = format!("{PUT}/requestBody/content");
    let (changed, _) = both(|d| {
        let media = remove_key(at(d, &content), "application/json");
        at(d, &content)["application/x-www-form-urlencoded"] = media;
    });
    let change = expect(
        &changed,
        Severity::Breaking,
        Area::MediaType,
        &format!("{content}/application~1json"),
    );
    assert!(
        change
            .message
            .contains("now `application/x-www-form-urlencoded`")
    );
    let (added, removed) = both(|d| {
        let media = at(d, &format!("{content}/application~1json")).clone();
        at(d, &content)["application/xml"] = media;
    });
    not_breaking(&added);
    expect(
        &removed,
        Severity::Breaking,
        Area::MediaType,
        &format!("{content}/application~1xml"),
    );
}

#[test]
fn response_media_type_removed_is_breaking() {
    let content = format!("{GET}/responses/200/content");
    let (changed, _) = both(|d| {
        let media = remove_key(at(d, &content), "application/json");
        at(d, &content)["application/hal+json"] = media;
    });
    expect(
        &changed,
        Severity::Breaking,
        Area::MediaType,
        &format!("{content}/application~1json"),
    );
}

#[test]
fn response_header_removed_is_breaking_and_added_is_not() {
    let header = format!("{GET}/responses/200/headers/X-Request-Id");
    let (removed, added) = both(|d| remove(d, &header));
    expect(&removed, Severity::Breaking, Area::ResponseHeader, &header);
    not_breaking(&added);
}

#[test]
fn request_body_made_required_is_breaking() {
    let body = format!("{PUT}/requestBody");
    let (optional, required) = both(|d| at(d, &body)["required"] = json!(false));
    not_breaking(&optional);
    expect(&required, Severity::Breaking, Area::RequestBody, &body);
}

#[test]
fn change_inside_an_inline_one_of_branch_is_found() {
    let mut old = base();
    at(&mut old, INPUT)["target"] =
        json!({"oneOf": [{"type": "string", "maxLength": 5}, {"type": "integer"}]});
    let mut new = old.clone();
    *at(&mut new, &format!("{INPUT}/target/oneOf/0/maxLength")) = json!(3);
    let changes = diff(&old, &new);
    expect(
        &changes,
        Severity::Breaking,
        Area::Constraint,
        &format!("{INPUT}/target/oneOf/0/maxLength"),
    );
    // Dropping an alternative a client may send breaks it.
    let mut fewer = old.clone();
    remove(&mut fewer, &format!("{INPUT}/target/oneOf/1"));
    expect(
        &diff(&old, &fewer),
        Severity::Breaking,
        Area::Composition,
        &format!("{INPUT}/target/oneOf/1"),
    );
    not_breaking(&diff(&fewer, &old));
}

#[test]
fn recursive_schemas_terminate_and_still_report() {
    // Item.parent refers to Item itself.
    let (changed, _) = both(|d| at(d, &format!("{ITEM}/tags/items"))["type"] = json!("integer"));
    expect(
        &changed,
        Severity::Breaking,
        Area::Type,
        &format!("{ITEM}/tags/items/type"),
    );
}

#[test]
fn path_parameter_renamed_is_not_breaking() {
    let (renamed, _) = both(|d| {
        let paths = at(d, "/paths").as_object_mut().unwrap();
        let item = paths.remove("/items/{itemId}").unwrap();
        paths.insert("/items/{id}".to_string(), item);
        for method in ["get", "put"] {
            *at(
                d,
                &format!("/paths/~1items~1{{id}}/{method}/parameters/0/name"),
            ) = json!("id");
        }
    });
    not_breaking(&renamed);
    expect(
        &renamed,
        Severity::NonBreaking,
        Area::Parameter,
        "/paths/~1items~1{id}/get/parameters/0/name",
    );
}

#[test]
fn operation_id_renamed_is_potentially_breaking() {
    let (renamed, _) = both(|d| at(d, GET)["operationId"] = json!("readItem"));
    expect(
        &renamed,
        Severity::PotentiallyBreaking,
        Area::Operation,
        &format!("{GET}/operationId"),
    );
    worst(&renamed, Severity::PotentiallyBreaking);
}

#[test]
fn whole_spec_removed_is_breaking_and_added_is_not() {
    let spec = crate::fixture::spec_of(crate::fixture::BASE);
    let removed = sb_diff::diff_specs(Some(&spec), None).unwrap();
    expect(&removed, Severity::Breaking, Area::Spec, "");
    assert!(removed[0].message.contains("getItem, putItem, streamItem"));
    let added = sb_diff::diff_specs(None, Some(&spec)).unwrap();
    not_breaking(&added);
}

#[test]
fn identical_specs_have_no_changes() {
    let doc = base();
    assert_eq!(diff(&doc, &doc), []);
}

#[test]
fn dangling_ref_is_an_error_naming_the_pointer() {
    let old = base();
    let mut new = old.clone();
    *at(&mut new, &format!("{ITEM}/parent")) = json!({"$ref": "#/components/schemas/Nope"});
    let old = crate::fixture::spec_of(&old.to_string());
    let new = crate::fixture::spec_of(&new.to_string());
    let error = sb_diff::diff_specs(Some(&old), Some(&new))
        .unwrap_err()
        .to_string();
    assert!(error.contains("#/components/schemas/Nope"), "{error}");
    assert!(error.contains("fixture-api.yaml"), "{error}");
}

#[test]
fn percent_encoded_refs_are_followed() {
    // `{`/`}` of a path and a space of a component name are percent-encoded in a `$ref`
    // fragment (RFC 6901 section 6); the diff reads through them to the change.
    let mut old = base();
    let get_200 = "#/paths/~1items~1%7BitemId%7D/get/responses/200";
    *at(&mut old, &format!("{PUT}/responses/200")) = json!({"$ref": get_200});
    let item = remove_key(at(&mut old, "/components/schemas"), "Item");
    at(&mut old, "/components/schemas")["Stored Item"] = item;
    *at(
        &mut old,
        &format!("{GET}/responses/200/content/application~1json/schema"),
    ) = json!({"$ref": "#/components/schemas/Stored%20Item"});
    *at(
        &mut old,
        "/components/schemas/Stored Item/properties/parent",
    ) = json!({"$ref": "#/components/schemas/Stored%20Item"});
    assert_eq!(diff(&old, &old), []);
    let mut new = old.clone();
    remove(
        &mut new,
        &format!("{GET}/responses/200/headers/X-Request-Id"),
    );
    remove(&mut new, "/components/schemas/Stored Item/properties/name");
    let changes = diff(&old, &new);
    let header = format!("{GET}/responses/200/headers/X-Request-Id");
    let name = "/components/schemas/Stored Item/properties/name";
    for operation in ["getItem", "putItem"] {
        for (area, pointer) in [
            (Area::ResponseHeader, header.as_str()),
            (Area::SchemaProperty, name),
        ] {
            assert!(
                changes.iter().any(|c| c.severity == Severity::Breaking
                    && c.area == area
                    && c.pointer == pointer
                    && c.operation_id.as_deref() == Some(operation)),
                "{operation}: no breaking {area:?} at {pointer} in {changes:#?}"
            );
        }
    }
}

#[test]
fn a_path_item_behind_a_ref_is_the_same_path_item() {
    let old = base();
    let mut moved = old.clone();
    let item = remove_key(at(&mut moved, "/paths"), "/items/{itemId}");
    moved["x-path-items"] = json!({ "item": item });
    at(&mut moved, "/paths")["/items/{itemId}"] = json!({"$ref": "#/x-path-items/item"});
    assert_eq!(diff(&old, &moved), []);
    let mut changed = moved.clone();
    remove(&mut changed, "/x-path-items/item/put");
    expect(
        &diff(&moved, &changed),
        Severity::Breaking,
        Area::Operation,
        "/x-path-items/item/put",
    );
    // A path item `$ref` that leads nowhere would read as a removed path: it is an error.
    let mut dangling = moved.clone();
    at(&mut dangling, "/paths")["/items/{itemId}"] = json!({"$ref": "#/x-path-items/nope"});
    let old = crate::fixture::spec_of(&moved.to_string());
    let new = crate::fixture::spec_of(&dangling.to_string());
    let error = sb_diff::diff_specs(Some(&old), Some(&new))
        .unwrap_err()
        .to_string();
    assert!(error.contains("/paths/~1items~1{itemId}"), "{error}");
    assert!(error.contains("#/x-path-items/nope"), "{error}");
}

#[test]
fn fail_on_thresholds() {
    let (changes, _) = both(|d| at(d, GET)["operationId"] = json!("readItem"));
    use sb_diff::FailOn;
    assert!(!FailOn::Breaking.fails(&changes));
    assert!(FailOn::PotentiallyBreaking.fails(&changes));
    assert!(FailOn::NonBreaking.fails(&changes));
    assert!(!FailOn::None.fails(&changes));
    assert!(!FailOn::NonBreaking.fails(&[]));
}

fn remove_key(map: &mut Value, key: &str) -> Value {
    map.as_object_mut()
        .and_then(|m| m.remove(key))
        .unwrap_or_else(|| panic!("no {key}"))
}
