//! The rule corpus of issue 12: spec pairs built from the fixture, each diffed in both
//! directions and checked for the rule id (and so the level) reported at a pointer. Cases
//! cover changes behind `$ref`, inside compositions, inside SSE event unions and inside
//! `additionalProperties`, plus the false alarms oasdiff's cases exposed.

use sb_diff::{Change, Format, IgnoreList, Level, Severity, render};
use serde_json::{Value, json};

use crate::fixture::{at, base, diff, remove};

const GET: &str = "/paths/~1items~1{itemId}/get";
const PUT: &str = "/paths/~1items~1{itemId}/put";
const SCHEMAS: &str = "/components/schemas";
const ITEM: &str = "/components/schemas/Item/properties";
const INPUT: &str = "/components/schemas/ItemInput/properties";
const GET_JSON: &str = "/paths/~1items~1{itemId}/get/responses/200/content/application~1json";
const PUT_BODY: &str = "/paths/~1items~1{itemId}/put/requestBody";

type Edit = fn(&mut Value);

/// One spec pair: `setup` turns the fixture into the old spec, `edit` the old into the new.
/// The forward diff must report `forward` (id at pointer); the backward diff (new -> old)
/// must report `backward`, or nothing breaking when it is `None`.
struct Case {
    name: &'static str,
    setup: Edit,
    edit: Edit,
    forward: (&'static str, &'static str),
    backward: Option<(&'static str, &'static str)>,
}

fn none(_: &mut Value) {}

fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| format!("  {} {} {}", c.id, c.pointer, c.message))
        .collect::<Vec<_>>()
        .join("\n")
}

fn find<'a>(changes: &'a [Change], id: &str, pointer: &str) -> Option<&'a Change> {
    changes
        .iter()
        .find(|c| c.id == id && (pointer.is_empty() || c.pointer == pointer))
}

/// Expands `{ITEM}`-style placeholders so the table stays readable.
fn ptr(template: &str) -> String {
    template
        .replace("{GET_JSON}", GET_JSON)
        .replace("{PUT_BODY}", PUT_BODY)
        .replace("{ITEM}", ITEM)
        .replace("{INPUT}", INPUT)
        .replace("{SCHEMAS}", SCHEMAS)
        .replace("{GET}", GET)
        .replace("{PUT}", PUT)
}

fn cases() -> Vec<Case> {
    vec![
        // additionalProperties: map values compared like properties.
        Case {
            name: "response map value type changed",
            setup: |d| {
                at(d, ITEM)["meta"] =
                    json!({"type": "object", "additionalProperties": {"type": "string"}});
            },
            edit: |d| *at(d, &format!("{ITEM}/meta/additionalProperties/type")) = json!("boolean"),
            forward: (
                "response-property-type-changed",
                "{ITEM}/meta/additionalProperties/type",
            ),
            backward: Some((
                "response-property-type-changed",
                "{ITEM}/meta/additionalProperties/type",
            )),
        },
        Case {
            name: "response map value lost a required field",
            setup: |d| {
                at(d, ITEM)["meta"] = json!({"type": "object", "additionalProperties": {
                    "type": "object", "required": ["at"], "properties": {"at": {"type": "string"}}}});
            },
            edit: |d| remove(d, &format!("{ITEM}/meta/additionalProperties/required")),
            forward: (
                "response-property-became-optional",
                "{ITEM}/meta/additionalProperties/properties/at",
            ),
            backward: None,
        },
        Case {
            name: "request map value behind $ref tightened",
            setup: |d| {
                at(d, SCHEMAS)["Label"] = json!({"type": "string", "maxLength": 20});
                at(d, INPUT)["labels"] = json!({"type": "object",
                    "additionalProperties": {"$ref": "#/components/schemas/Label"}});
            },
            edit: |d| *at(d, &format!("{SCHEMAS}/Label/maxLength")) = json!(10),
            forward: (
                "request-property-max-length-decreased",
                "{SCHEMAS}/Label/maxLength",
            ),
            backward: None,
        },
        Case {
            name: "map values got a schema",
            setup: |d| {
                at(d, INPUT)["labels"] = json!({"type": "object", "additionalProperties": true})
            },
            edit: |d| {
                *at(d, &format!("{INPUT}/labels/additionalProperties")) = json!({"type": "string"})
            },
            forward: (
                "request-property-additional-properties-schema-added",
                "{INPUT}/labels/additionalProperties",
            ),
            backward: None,
        },
        Case {
            name: "map inside an SSE event widened",
            setup: |d| {
                at(d, &format!("{SCHEMAS}/Done/properties"))["stats"] =
                    json!({"type": "object", "additionalProperties": {"type": "integer"}});
            },
            edit: |d| {
                *at(
                    d,
                    &format!("{SCHEMAS}/Done/properties/stats/additionalProperties/type"),
                ) = json!("number")
            },
            forward: (
                "response-property-type-generalized",
                "{SCHEMAS}/Done/properties/stats/additionalProperties/type",
            ),
            backward: None,
        },
        // default on request properties and parameters.
        Case {
            name: "request property default removed",
            setup: none,
            edit: |d| remove(d, &format!("{INPUT}/count/default")),
            forward: (
                "request-property-default-value-removed",
                "{INPUT}/count/default",
            ),
            backward: Some((
                "request-property-default-value-added",
                "{INPUT}/count/default",
            )),
        },
        Case {
            name: "request parameter default changed",
            setup: |d| at(d, &format!("{GET}/parameters/1/schema"))["default"] = json!(false),
            edit: |d| *at(d, &format!("{GET}/parameters/1/schema/default")) = json!(true),
            forward: (
                "request-parameter-default-value-changed",
                "{GET}/parameters/1/schema/default",
            ),
            backward: Some((
                "request-parameter-default-value-changed",
                "{GET}/parameters/1/schema/default",
            )),
        },
        // Response constraints relaxed.
        Case {
            name: "response minLength lowered",
            setup: |d| at(d, &format!("{ITEM}/name"))["minLength"] = json!(3),
            edit: |d| *at(d, &format!("{ITEM}/name/minLength")) = json!(1),
            forward: (
                "response-property-min-length-decreased",
                "{ITEM}/name/minLength",
            ),
            backward: None,
        },
        Case {
            name: "response maxLength dropped",
            setup: |d| at(d, &format!("{ITEM}/name"))["maxLength"] = json!(30),
            edit: |d| remove(d, &format!("{ITEM}/name/maxLength")),
            forward: (
                "response-property-max-length-unset",
                "{ITEM}/name/maxLength",
            ),
            backward: None,
        },
        Case {
            name: "response minItems lowered",
            setup: |d| at(d, &format!("{ITEM}/tags"))["minItems"] = json!(2),
            edit: |d| *at(d, &format!("{ITEM}/tags/minItems")) = json!(1),
            forward: (
                "response-property-min-items-decreased",
                "{ITEM}/tags/minItems",
            ),
            backward: None,
        },
        Case {
            name: "constraint relaxed inside an SSE event union",
            setup: |d| {
                at(d, &format!("{SCHEMAS}/Progress/properties/percent"))["maximum"] = json!(100)
            },
            edit: |d| remove(d, &format!("{SCHEMAS}/Progress/properties/percent/maximum")),
            forward: (
                "response-property-max-unset",
                "{SCHEMAS}/Progress/properties/percent/maximum",
            ),
            backward: None,
        },
        // Request bodies and media types.
        Case {
            name: "request body removed",
            setup: none,
            edit: |d| remove(d, PUT_BODY),
            forward: ("request-body-removed", "{PUT_BODY}"),
            backward: Some(("request-body-added-required", "{PUT_BODY}")),
        },
        Case {
            name: "schema added to a request media type that had none",
            setup: |d| remove(d, &format!("{PUT_BODY}/content/application~1json/schema")),
            edit: |d| {
                at(d, &format!("{PUT_BODY}/content/application~1json"))["schema"] =
                    json!({"$ref": "#/components/schemas/ItemInput"})
            },
            forward: (
                "request-body-media-type-schema-added",
                "{PUT_BODY}/content/application~1json/schema",
            ),
            backward: None,
        },
        Case {
            name: "response media type schema removed",
            setup: none,
            edit: |d| remove(d, &format!("{GET_JSON}/schema")),
            forward: (
                "response-body-media-type-schema-removed",
                "{GET_JSON}/schema",
            ),
            backward: None,
        },
        Case {
            name: "request body re-wrapped in an overlapping oneOf",
            setup: none,
            edit: |d| {
                *at(d, &format!("{PUT_BODY}/content/application~1json/schema")) = json!({
                "oneOf": [
                    {"$ref": "#/components/schemas/ItemInput"},
                    {"type": "object", "properties": {"name": {"type": "string"}}}
                ]})
            },
            forward: (
                "request-body-wrapped-in-one-of",
                "{PUT_BODY}/content/application~1json/schema",
            ),
            // The plain schema is compared where it lives, behind its `$ref`.
            backward: Some(("request-body-unwrapped-from-union", "{SCHEMAS}/ItemInput")),
        },
        // allOf members.
        Case {
            name: "allOf member added to a request body",
            setup: |d| {
                at(d, SCHEMAS)["Audit"] = json!({"type": "object",
                    "properties": {"note": {"type": "string", "maxLength": 10}}});
            },
            edit: |d| {
                at(d, &format!("{SCHEMAS}/ItemInput"))["allOf"] =
                    json!([{"$ref": "#/components/schemas/Audit"}])
            },
            forward: ("request-body-all-of-added", "{SCHEMAS}/ItemInput/allOf/0"),
            backward: Some(("request-body-all-of-removed", "{SCHEMAS}/ItemInput/allOf/0")),
        },
        Case {
            name: "allOf member added to a response is information",
            setup: |d| {
                at(d, SCHEMAS)["Audit"] =
                    json!({"type": "object", "properties": {"note": {"type": "string"}}});
            },
            edit: |d| {
                at(d, &format!("{SCHEMAS}/Item"))["allOf"] =
                    json!([{"$ref": "#/components/schemas/Audit"}])
            },
            forward: ("response-body-all-of-added", "{SCHEMAS}/Item/allOf/0"),
            // Removing it also removes its `note` field, which is reported on its own.
            backward: Some(("response-body-all-of-removed", "{SCHEMAS}/Item/allOf/0")),
        },
        Case {
            name: "annotation-only allOf member",
            setup: none,
            edit: |d| {
                at(d, &format!("{SCHEMAS}/ItemInput"))["allOf"] =
                    json!([{"description": "an item to store"}])
            },
            forward: (
                "request-body-all-of-added-annotation-only",
                "{SCHEMAS}/ItemInput/allOf/0",
            ),
            backward: None,
        },
        // Properties under a schema whose type is not `object`.
        Case {
            name: "property removed under a 3.1 type list",
            setup: |d| {
                at(d, ITEM)["owner"] = json!({"type": ["object", "null"],
                    "required": ["id"], "properties": {"id": {"type": "string"}}});
            },
            edit: |d| {
                remove(d, &format!("{ITEM}/owner/properties/id"));
                remove(d, &format!("{ITEM}/owner/required"));
            },
            forward: (
                "response-required-property-removed",
                "{ITEM}/owner/properties/id",
            ),
            backward: None,
        },
        Case {
            name: "property made required under a string-typed schema",
            setup: |d| {
                at(d, INPUT)["link"] =
                    json!({"type": "string", "properties": {"rel": {"type": "string"}}});
            },
            edit: |d| at(d, &format!("{INPUT}/link"))["required"] = json!(["rel"]),
            forward: (
                "request-property-became-required",
                "{INPUT}/link/properties/rel",
            ),
            backward: None,
        },
        // readOnly / writeOnly.
        Case {
            name: "required response property stops being writeOnly",
            setup: |d| {
                at(d, ITEM)["secret"] = json!({"type": "string", "writeOnly": true});
                at(d, "/components/schemas/Item/required")
                    .as_array_mut()
                    .unwrap()
                    .push(json!("secret"));
            },
            edit: |d| remove(d, &format!("{ITEM}/secret/writeOnly")),
            forward: (
                "response-required-property-became-not-write-only",
                "{ITEM}/secret",
            ),
            backward: Some(("response-property-became-write-only", "{ITEM}/secret")),
        },
        Case {
            name: "required readOnly request property becomes a request field",
            setup: |d| {
                at(d, INPUT)["id"] = json!({"type": "string", "readOnly": true});
                at(d, "/components/schemas/ItemInput/required")
                    .as_array_mut()
                    .unwrap()
                    .push(json!("id"));
            },
            edit: |d| remove(d, &format!("{INPUT}/id/readOnly")),
            forward: (
                "request-required-property-became-not-read-only",
                "{INPUT}/id",
            ),
            backward: Some(("request-property-became-read-only", "{INPUT}/id")),
        },
        // Deprecation.
        Case {
            name: "operation deprecated",
            setup: none,
            edit: |d| at(d, GET)["deprecated"] = json!(true),
            forward: ("endpoint-deprecated", "{GET}/deprecated"),
            backward: Some(("endpoint-reactivated", "{GET}")),
        },
        Case {
            name: "parameter deprecated",
            setup: none,
            edit: |d| at(d, &format!("{GET}/parameters/1"))["deprecated"] = json!(true),
            forward: (
                "request-parameter-deprecated",
                "{GET}/parameters/1/deprecated",
            ),
            backward: Some(("request-parameter-reactivated", "{GET}/parameters/1")),
        },
        Case {
            name: "response property deprecated",
            setup: none,
            edit: |d| at(d, &format!("{ITEM}/score"))["deprecated"] = json!(true),
            forward: ("response-property-deprecated", "{ITEM}/score/deprecated"),
            backward: Some(("response-property-reactivated", "{ITEM}/score")),
        },
        Case {
            name: "request property deprecated",
            setup: none,
            edit: |d| at(d, &format!("{INPUT}/link"))["deprecated"] = json!(true),
            forward: ("request-property-deprecated", "{INPUT}/link/deprecated"),
            backward: Some(("request-property-reactivated", "{INPUT}/link")),
        },
        // Discriminators (outside event streams, where they name event types).
        Case {
            name: "discriminator added to a response union",
            setup: |d| {
                *at(d, &format!("{GET_JSON}/schema")) = json!({"oneOf": [
                    {"$ref": "#/components/schemas/Progress"},
                    {"$ref": "#/components/schemas/Done"}]});
            },
            edit: |d| {
                at(d, &format!("{GET_JSON}/schema"))["discriminator"] =
                    json!({"propertyName": "type"})
            },
            forward: (
                "response-body-discriminator-added",
                "{GET_JSON}/schema/discriminator",
            ),
            backward: Some((
                "response-body-discriminator-removed",
                "{GET_JSON}/schema/discriminator",
            )),
        },
        Case {
            name: "discriminator remapped",
            setup: |d| {
                *at(d, &format!("{GET_JSON}/schema")) = json!({"oneOf": [
                    {"$ref": "#/components/schemas/Progress"},
                    {"$ref": "#/components/schemas/Done"}],
                    "discriminator": {"propertyName": "type",
                        "mapping": {"done": "#/components/schemas/Done"}}});
            },
            edit: |d| {
                *at(d, &format!("{GET_JSON}/schema/discriminator/mapping/done")) =
                    json!("#/components/schemas/Progress")
            },
            forward: (
                "response-body-discriminator-mapping-changed",
                "{GET_JSON}/schema/discriminator/mapping/done",
            ),
            backward: None,
        },
        // Security schemes in components.
        Case {
            name: "security scheme added to components",
            setup: none,
            edit: |d| {
                at(d, "/components/securitySchemes")["apiKey"] =
                    json!({"type": "apiKey", "in": "header", "name": "X-Key"})
            },
            forward: (
                "api-security-component-added",
                "/components/securitySchemes/apiKey",
            ),
            backward: Some((
                "api-security-component-removed",
                "/components/securitySchemes/apiKey",
            )),
        },
        // Patterns that match everything are no pattern.
        Case {
            name: "pattern replaced by .* is a removal",
            setup: none,
            edit: |d| *at(d, &format!("{INPUT}/name/pattern")) = json!(".*"),
            forward: ("request-property-pattern-removed", "{INPUT}/name/pattern"),
            backward: Some(("request-property-pattern-added", "{INPUT}/name/pattern")),
        },
        // Inside a composition: an inline oneOf branch of a response.
        Case {
            name: "constraint relaxed inside an inline response oneOf branch",
            setup: |d| {
                at(d, ITEM)["code"] =
                    json!({"oneOf": [{"type": "string", "maxLength": 4}, {"type": "integer"}]})
            },
            edit: |d| *at(d, &format!("{ITEM}/code/oneOf/0/maxLength")) = json!(8),
            forward: (
                "response-property-max-length-increased",
                "{ITEM}/code/oneOf/0/maxLength",
            ),
            backward: None,
        },
    ]
}

#[test]
fn every_case_reports_its_rule_both_ways() {
    let mut failures = Vec::new();
    for case in cases() {
        let mut old = base();
        (case.setup)(&mut old);
        let mut new = old.clone();
        (case.edit)(&mut new);
        let forward = diff(&old, &new);
        let backward = diff(&new, &old);
        let (id, pointer) = case.forward;
        if find(&forward, id, &ptr(pointer)).is_none() {
            failures.push(format!(
                "{}: expected {id} at {}, got:\n{}",
                case.name,
                ptr(pointer),
                describe(&forward)
            ));
        }
        match case.backward {
            Some((id, pointer)) => {
                if find(&backward, id, &ptr(pointer)).is_none() {
                    failures.push(format!(
                        "{} (backward): expected {id} at {}, got:\n{}",
                        case.name,
                        ptr(pointer),
                        describe(&backward)
                    ));
                }
            }
            None => {
                if backward.iter().any(|c| c.severity == Severity::Breaking) {
                    failures.push(format!(
                        "{} (backward): expected nothing breaking, got:\n{}",
                        case.name,
                        describe(&backward)
                    ));
                }
            }
        }
        for change in forward.iter().chain(&backward) {
            match sb_diff::find_rule(&change.id) {
                Some(rule) if rule.severity == change.severity => {}
                _ => failures.push(format!(
                    "{}: `{}` is not in the catalogue at {:?}",
                    case.name, change.id, change.severity
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn levels_follow_the_issue() {
    let level = |id: &str| sb_diff::find_rule(id).map(|r| Level::from(r.severity));
    for (id, expected) in [
        ("response-property-min-length-decreased", Level::Error),
        ("response-property-max-length-unset", Level::Error),
        ("response-property-min-items-decreased", Level::Error),
        ("request-body-removed", Level::Error),
        ("request-body-media-type-schema-added", Level::Error),
        ("request-body-wrapped-in-one-of", Level::Error),
        ("request-body-all-of-added", Level::Error),
        ("request-property-default-value-changed", Level::Error),
        ("request-parameter-default-value-removed", Level::Error),
        (
            "response-required-property-became-not-write-only",
            Level::Warning,
        ),
        ("endpoint-deprecated", Level::Info),
        ("response-body-discriminator-mapping-changed", Level::Info),
        ("api-security-component-removed", Level::Info),
        ("response-body-all-of-removed", Level::Info),
    ] {
        assert_eq!(level(id), Some(expected), "{id}");
    }
}

#[test]
fn readonly_fields_are_not_request_fields() {
    // A shared component used as a request body: a new required readOnly property is
    // filled in by the server, so clients are not broken.
    let mut old = base();
    *at(
        &mut old,
        &format!("{PUT_BODY}/content/application~1json/schema"),
    ) = json!({"$ref": "#/components/schemas/Item"});
    let mut new = old.clone();
    at(&mut new, ITEM)["etag"] = json!({"type": "string", "readOnly": true});
    at(&mut new, "/components/schemas/Item/required")
        .as_array_mut()
        .unwrap()
        .push(json!("etag"));
    let changes = diff(&old, &new);
    assert!(
        !changes.iter().any(|c| c.severity == Severity::Breaking),
        "{}",
        describe(&changes)
    );
    assert!(find(&changes, "new-read-only-request-property", "").is_some());
    assert!(find(&changes, "response-required-property-added", "").is_some());
}

#[test]
fn empty_and_match_all_patterns_are_no_change() {
    for pattern in ["", ".*", "^.*$"] {
        let old = base();
        let mut new = old.clone();
        at(&mut new, &format!("{INPUT}/link"))["pattern"] = json!(pattern);
        at(&mut new, &format!("{ITEM}/name"))["pattern"] = json!(pattern);
        assert_eq!(diff(&old, &new), [], "pattern {pattern:?}");
        assert_eq!(diff(&new, &old), [], "pattern {pattern:?}");
    }
}

#[test]
fn catalogue_ids_are_unique_kebab_case_and_counted() {
    let rules = sb_diff::rules();
    assert!(rules.len() > 400, "{} rules", rules.len());
    for rule in &rules {
        assert!(
            rule.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            rule.id
        );
        assert!(!rule.description.is_empty(), "{}", rule.id);
    }
}

fn removed_body_changes() -> Vec<Change> {
    let old = base();
    let mut new = old.clone();
    remove(&mut new, PUT_BODY);
    at(&mut new, GET)["deprecated"] = json!(true);
    diff(&old, &new)
}

#[test]
fn ignore_file_in_plain_lines_marks_changes_accepted() {
    let ignore = IgnoreList::parse(
        std::path::Path::new("diff-ignore.txt"),
        "# accepted for 2.0\nrequest-body-removed put /items/{id} the body was never read\n",
    )
    .unwrap();
    let mut changes = removed_body_changes();
    let unused = ignore.apply(&mut changes);
    assert!(unused.is_empty());
    let accepted = find(&changes, "request-body-removed", "").unwrap();
    assert_eq!(accepted.ignored.as_deref(), Some("the body was never read"));
    assert!(!sb_diff::FailOn::Breaking.fails(&changes));
    let text = render(&changes, Format::Text { color: false });
    assert!(text.contains("accepted: the body was never read"), "{text}");
    assert!(text.contains("1 ignored"), "{text}");
    let markdown = render(&changes, Format::Markdown);
    assert!(
        markdown.contains("### Accepted (ignore file)"),
        "{markdown}"
    );
}

#[test]
fn ignore_file_in_yaml_reports_unused_entries() {
    let yaml = "ignore:\n  - id: request-body-removed\n    operation: putItem\n    reason: moved to PATCH\n  - id: endpoint-deprecated\n    operation: otherOp\n    reason: not this one\n";
    let ignore = IgnoreList::parse(std::path::Path::new("diff-ignore.yaml"), yaml).unwrap();
    let mut changes = removed_body_changes();
    let unused = ignore.apply(&mut changes);
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0].line, 5);
    assert!(
        find(&changes, "endpoint-deprecated", "")
            .unwrap()
            .ignored
            .is_none()
    );
}

#[test]
fn ignore_file_errors_name_the_file_line_and_fix() {
    let path = std::path::Path::new("diff-ignore.txt");
    let unknown = IgnoreList::parse(path, "\nrequest-body-gone putItem because\n")
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("diff-ignore.txt:2"), "{unknown}");
    assert!(
        unknown.contains("unknown rule id `request-body-gone`"),
        "{unknown}"
    );
    let no_reason = IgnoreList::parse(path, "request-body-removed putItem\n")
        .unwrap_err()
        .to_string();
    assert!(no_reason.contains("no reason"), "{no_reason}");
    let yaml = IgnoreList::parse(path, "- id: request-body-removed\n  operation: putItem\n")
        .unwrap_err()
        .to_string();
    assert!(yaml.contains("diff-ignore.txt:1"), "{yaml}");
}

#[test]
fn changelog_lists_changes_by_level_without_pointers() {
    let changes = removed_body_changes();
    let changelog = render(&changes, Format::Changelog);
    assert!(changelog.starts_with("# API changelog\n"));
    let breaking = changelog.find("## Breaking changes").unwrap();
    let other = changelog.find("## Other changes").unwrap();
    assert!(breaking < other, "{changelog}");
    assert!(
        changelog.contains("- `PUT /items/{itemId}` (putItem): request body removed"),
        "{changelog}"
    );
    assert!(changelog.contains("[endpoint-deprecated]"), "{changelog}");
    assert!(!changelog.contains("/paths/"), "{changelog}");
}

#[test]
fn markdown_groups_by_level_then_operation_then_rule() {
    let changes = removed_body_changes();
    let markdown = render(&changes, Format::Markdown);
    let breaking = markdown.find("### Breaking (error)").unwrap();
    let info = markdown.find("### Non-breaking (info)").unwrap();
    assert!(breaking < info, "{markdown}");
    let body = markdown.find("`request-body-removed`").unwrap();
    let deprecated = markdown.find("`endpoint-deprecated`").unwrap();
    assert!(body < info && deprecated > info, "{markdown}");
    assert!(markdown.contains("#### `putItem` · `PUT /items/{itemId}` (fixture)"));
}
