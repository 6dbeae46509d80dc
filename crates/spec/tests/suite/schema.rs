//! OpenAPI 3.0 -> JSON Schema, one test per rule, each showing the rule both accept and reject.

use serde_json::{Value, json};

use sb_spec::{Spec, SpecError};

use crate::{inline_spec, real_spec};

const COMPONENTS: &str = r##"
openapi: 3.0.3
info: {title: Schemas, version: '1'}
paths: {}
components:
  schemas:
    Name: {type: string, minLength: 1}
    Status: {type: string, enum: [PENDING, DONE], nullable: true}
    Owner:
      type: object
      required: [name]
      properties:
        name: {$ref: '#/components/schemas/Name'}
    Site:
      type: object
      required: [owner]
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
    Node:
      type: object
      required: [value]
      properties:
        value: {type: integer}
        children:
          type: array
          items: {$ref: '#/components/schemas/Node'}
    Tagged:
      type: object
      description: kept
      example: {a: 1}
      xml: {name: tagged}
      externalDocs: {url: 'http://127.0.0.1/docs'}
      deprecated: true
      x-internal: true
      properties:
        id: {type: string, readOnly: true}
        secret: {type: string, writeOnly: true}
"##;

fn components() -> Spec {
    inline_spec(COMPONENTS)
}

/// Whether `instance` passes `schema` (translated by `spec`).
fn valid(spec: &Spec, schema: &Value, instance: Value) -> bool {
    spec.validator(schema)
        .expect("validator")
        .is_valid(&instance)
}

/// Every key anywhere in `value`.
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn nullable_adds_null_to_type() {
    let spec = components();
    let schema = json!({"type": "string", "nullable": true, "minLength": 2});
    let converted = spec.json_schema(&schema).expect("json schema");
    assert_eq!(converted["type"], json!(["string", "null"]));
    assert!(converted.get("nullable").is_none());
    assert!(valid(&spec, &schema, json!(null)));
    assert!(valid(&spec, &schema, json!("ab")));
    assert!(!valid(&spec, &schema, json!("a")));
    assert!(!valid(&spec, &schema, json!(3)));
    // Without nullable, null is rejected.
    assert!(!valid(&spec, &json!({"type": "string"}), json!(null)));
}

#[test]
fn nullable_enum_accepts_null() {
    let spec = components();
    let status = json!({"$ref": "#/components/schemas/Status"});
    assert_eq!(
        spec.json_schema(&status).expect("json schema")["$defs"]["Status"]["enum"],
        json!(["PENDING", "DONE", null])
    );
    assert!(valid(&spec, &status, json!(null)));
    assert!(valid(&spec, &status, json!("DONE")));
    assert!(!valid(&spec, &status, json!("LATER")));
}

#[test]
fn nullable_ref_and_all_of_become_any_of_with_null() {
    let spec = components();
    for schema in [
        json!({"$ref": "#/components/schemas/Owner", "nullable": true}),
        json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true}),
    ] {
        let converted = spec.json_schema(&schema).expect("json schema");
        assert_eq!(
            converted["anyOf"][1],
            json!({"type": "null"}),
            "{converted}"
        );
        assert!(valid(&spec, &schema, json!(null)));
        assert!(valid(&spec, &schema, json!({"name": "Ada"})));
        assert!(!valid(&spec, &schema, json!({"name": ""})));
    }
    // A ref that is not nullable stays a plain ref and rejects null.
    let plain = json!({"$ref": "#/components/schemas/Owner"});
    assert_eq!(
        spec.json_schema(&plain).expect("json schema")["$ref"],
        json!("#/$defs/Owner")
    );
    assert!(!valid(&spec, &plain, json!(null)));
}

#[test]
fn nested_refs_validate_deep_values() {
    let spec = components();
    let site = json!({"$ref": "#/components/schemas/Site"});
    assert!(valid(&spec, &site, json!({"owner": {"name": "Ada"}})));
    let violations = spec
        .violations(&site, &json!({"owner": {"name": ""}}))
        .expect("violations");
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].instance_path, "/owner/name");
    assert_eq!(
        violations[0].to_string(),
        "/owner/name: \"\" is shorter than 1 character"
    );
}

#[test]
fn cyclic_component_refs_terminate_and_validate() {
    let spec = components();
    let node = json!({"$ref": "#/components/schemas/Node"});
    let converted = spec.json_schema(&node).expect("json schema");
    assert_eq!(
        converted["$defs"]["Node"]["properties"]["children"]["items"],
        json!({"$ref": "#/$defs/Node"})
    );
    assert!(valid(
        &spec,
        &node,
        json!({"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]})
    ));
    let violations = spec
        .violations(
            &node,
            &json!({"value": 1, "children": [{"value": 2, "children": [{"value": "three"}]}]}),
        )
        .expect("violations");
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].instance_path, "/children/0/children/0/value");
}

#[test]
fn a_self_referencing_inline_ref_is_an_error_not_a_loop() {
    let spec = inline_spec(&format!(
        "{COMPONENTS}    Loop:\n      type: object\n      properties:\n        next: {{$ref: '#/components/schemas/Loop/properties/next'}}\n"
    ));
    let err = spec
        .json_schema(&json!({"type": "string"}))
        .expect_err("the Loop component refers to itself outside components.schemas");
    assert!(matches!(err, SpecError::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("refers to itself"), "{err}");
}

#[test]
fn dangling_refs_are_errors() {
    let spec = inline_spec("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let err = spec
        .json_schema(&json!({"$ref": "#/components/schemas/Missing"}))
        .expect_err("dangling");
    assert!(matches!(err, SpecError::DanglingRef { .. }), "{err}");
}

#[test]
fn exclusive_bounds_use_the_numeric_form() {
    let spec = inline_spec("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let schema = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true});
    let converted = spec.json_schema(&schema).expect("json schema");
    assert_eq!(converted["exclusiveMinimum"], json!(0));
    assert_eq!(converted["exclusiveMaximum"], json!(10));
    assert!(converted.get("minimum").is_none() && converted.get("maximum").is_none());
    assert!(!valid(&spec, &schema, json!(0)));
    assert!(valid(&spec, &schema, json!(0.1)));
    assert!(valid(&spec, &schema, json!(9.9)));
    assert!(!valid(&spec, &schema, json!(10)));
    // `false` keeps the bounds inclusive.
    let inclusive = json!({"type": "number", "minimum": 0, "exclusiveMinimum": false});
    assert!(valid(&spec, &inclusive, json!(0)));
    assert!(!valid(&spec, &inclusive, json!(-0.5)));
}

#[test]
fn one_of_with_discriminator_selects_the_variant() {
    let spec = real_spec("generation");
    let event = json!({"$ref": "#/components/schemas/GenerationEvent"});
    let converted = spec.json_schema(&event).expect("json schema");
    assert!(
        converted["$defs"]["GenerationEvent"]
            .get("discriminator")
            .is_none()
    );
    assert!(valid(
        &spec,
        &event,
        json!({"type": "progress", "progress": 0, "stage": "start", "message": ""})
    ));
    assert!(valid(
        &spec,
        &event,
        json!({"type": "chunk", "content": "<html>"})
    ));
    assert!(valid(
        &spec,
        &event,
        json!({"type": "complete", "generationId": "g", "siteId": "s", "versionId": "v1", "brandScore": 8.5})
    ));
    assert!(!valid(
        &spec,
        &event,
        json!({"type": "complete", "generationId": "g"})
    ));
    assert!(!valid(
        &spec,
        &event,
        json!({"type": "progress", "progress": 101, "stage": "x", "message": ""})
    ));
    assert!(!valid(&spec, &event, json!({"type": "unknown"})));
    assert!(!valid(&spec, &event, json!({"content": "no type"})));
    // The discriminator names the variant's own problem, not only "not valid under oneOf".
    let messages: Vec<String> = spec
        .violations(&event, &json!({"type": "chunk"}))
        .expect("violations")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m == "\"content\" is a required property"),
        "{messages:?}"
    );
}

#[test]
fn formats_are_asserted() {
    let spec = inline_spec("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let date = json!({"type": "string", "format": "date-time"});
    assert!(valid(&spec, &date, json!("2026-01-15T10:00:03Z")));
    assert!(!valid(&spec, &date, json!("2026-01-15")));
    assert!(!valid(&spec, &date, json!("yesterday")));
    let uri = json!({"type": "string", "format": "uri"});
    assert!(valid(
        &spec,
        &uri,
        json!("http://127.0.0.1:8080/v1/agents/logos/logo-1")
    ));
    assert!(!valid(&spec, &uri, json!("not a uri")));
    // OpenAPI-only formats are not JSON Schema formats and do not reject anything.
    assert!(valid(
        &spec,
        &json!({"type": "integer", "format": "int32"}),
        json!(5)
    ));
}

#[test]
fn ranges_item_counts_patterns_and_additional_properties() {
    let spec = real_spec("agents");
    let request = json!({"$ref": "#/components/schemas/LogoRequest"});
    assert!(valid(
        &spec,
        &request,
        json!({"prompt": "p", "count": 8, "colors": ["#0066CC"]})
    ));
    assert!(!valid(&spec, &request, json!({"prompt": "p", "count": 0})));
    assert!(!valid(&spec, &request, json!({"prompt": "p", "count": 9})));
    assert!(!valid(
        &spec,
        &request,
        json!({"prompt": "p", "count": 2.5})
    ));
    assert!(!valid(
        &spec,
        &request,
        json!({"prompt": "p", "colors": ["#0066CC", "#0066CC", "#0066CC", "#0066CC", "#0066CC", "#0066CC"]})
    ));
    assert!(!valid(
        &spec,
        &request,
        json!({"prompt": "p", "colors": ["blue"]})
    ));
    assert!(!valid(
        &spec,
        &request,
        json!({"prompt": "p", "style": "baroque"})
    ));
    assert!(!valid(&spec, &request, json!({"prompt": ""})));
    assert!(!valid(&spec, &request, json!({})));
    let response = json!({"$ref": "#/components/schemas/LogoResponse"});
    assert!(!valid(
        &spec,
        &response,
        json!({"type": "logo", "results": []})
    ));

    let closed = json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false});
    assert!(valid(&spec, &closed, json!({"a": "x"})));
    assert!(!valid(&spec, &closed, json!({"a": "x", "b": 1})));
    let typed = json!({"type": "object", "additionalProperties": {"type": "integer"}});
    assert!(valid(&spec, &typed, json!({"a": 1, "b": 2})));
    assert!(!valid(&spec, &typed, json!({"a": "1"})));
}

#[test]
fn openapi_only_keywords_are_dropped() {
    let spec = components();
    let converted = spec
        .json_schema(&json!({"$ref": "#/components/schemas/Tagged"}))
        .expect("json schema");
    let tagged = &converted["$defs"]["Tagged"];
    let mut found = Vec::new();
    keys(tagged, &mut found);
    for dropped in [
        "example",
        "xml",
        "externalDocs",
        "deprecated",
        "x-internal",
        "readOnly",
        "writeOnly",
    ] {
        assert!(
            !found.iter().any(|k| k == dropped),
            "{dropped} kept in {tagged}"
        );
    }
    assert_eq!(tagged["description"], json!("kept"));
    assert_eq!(converted["$schema"], json!(sb_spec::DRAFT));
}

#[test]
fn a_bad_pattern_is_an_error_not_a_panic() {
    let spec = inline_spec("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let err = spec
        .validator(&json!({"type": "string", "pattern": "(["}))
        .expect_err("bad regex");
    assert!(matches!(err, SpecError::Schema { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("inline.yaml: schema {\"pattern\":\"([\""),
        "{err}"
    );
}

#[test]
fn validators_are_reused() {
    let spec = real_spec("generation");
    let schema = json!({"$ref": "#/components/schemas/Generation"});
    let first = spec.validator(&schema).expect("validator");
    let started = std::time::Instant::now();
    for _ in 0..1000 {
        spec.validator(&schema).expect("validator");
    }
    // 1000 compilations of the whole spec would take far longer than this.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let generation = json!({"generationId": "g", "siteId": "s", "status": "COMPLETE", "prompt": "p",
        "createdAt": "2026-01-15T10:00:00Z", "completedAt": null, "templateId": null, "html": null, "brandScore": null});
    assert!(first.is_valid(&generation));
    let mut late = generation.clone();
    late["completedAt"] = json!("soon");
    assert!(!first.is_valid(&late));
}
