//! `sb_plan::examples`: values made from schemas.

use std::path::Path;

use sb_plan::examples::synthesize;
use sb_spec::Spec;
use serde_json::json;

fn spec() -> Spec {
    Spec::from_str(
        Path::new("t.yaml"),
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [name, kind, age]
      properties:
        name: {type: string, minLength: 10}
        kind: {type: string, enum: [dog, cat]}
        age: {type: integer, minimum: 3}
        tag: {type: string}
    Coded:
      type: object
      required: [code]
      properties:
        code: {type: string, pattern: '^[A-Z]{3}$'}
"#,
    )
    .unwrap()
}

#[test]
fn synthesises_required_properties_within_bounds() {
    let spec = spec();
    let value = synthesize(&spec, &json!({"$ref": "#/components/schemas/Pet"}), 0).unwrap();
    assert_eq!(
        value,
        json!({"name": "examplexxx", "kind": "dog", "age": 3})
    );
    let validator = spec
        .validator(&json!({"$ref": "#/components/schemas/Pet"}))
        .unwrap();
    assert!(validator.is_valid(&value));
}

#[test]
fn patterns_give_matching_values() {
    let spec = spec();
    let schema = json!({"$ref": "#/components/schemas/Coded"});
    let value = synthesize(&spec, &schema, 0).unwrap();
    assert!(spec.validator(&schema).unwrap().is_valid(&value), "{value}");
    for pattern in [
        "^[a-z](|[a-zA-Z0-9-]*[a-zA-Z0-9])$",
        r"^\d{3}-\d{4}$",
        "^[A-Za-z0-9+/]{2,}={0,2}$",
        r"^([0-9a-f]{8})-[0-9a-f]{4}$",
        "x+",
        // Nexus's `Name`: a negative look-ahead, which the validator enforces.
        "^(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)^[a-z][a-z0-9-]*[a-zA-Z0-9]$",
    ] {
        let schema = json!({"type": "string", "pattern": pattern, "maxLength": 40});
        let value = synthesize(&spec, &schema, 0).unwrap_or_else(|| panic!("{pattern}"));
        assert!(
            spec.validator(&schema).unwrap().is_valid(&value),
            "{pattern}: {value}"
        );
        assert!(value.as_str().unwrap().is_ascii(), "{pattern}: {value}");
    }
}

#[test]
fn patterns_it_cannot_generate_give_none() {
    let spec = spec();
    // A back-reference: regex-syntax does not parse it; a repetition beyond MAX_LEN;
    // a look-ahead that excludes every candidate.
    for pattern in [r"^(a)\1$", "^a{100000}$", "^(?!a)a$"] {
        let schema = json!({"type": "string", "pattern": pattern});
        assert_eq!(synthesize(&spec, &schema, 0), None, "{pattern}");
    }
}

#[test]
fn sizes_from_the_spec_are_clamped() {
    let spec = spec();
    for (schema, expected) in [
        (
            json!({"type": "string", "minLength": 1_000_000_000_000_u64}),
            None,
        ),
        (
            json!({"type": "string", "maxLength": 2_147_483_647}),
            Some(json!("example")),
        ),
        (
            json!({"type": "string", "maxLength": 3}),
            Some(json!("exa")),
        ),
        (
            json!({"type": "string", "maxLength": u64::MAX}),
            Some(json!("example")),
        ),
        (
            json!({"type": "array", "items": {"type": "integer"}, "minItems": 2_147_483_647}),
            None,
        ),
        (
            json!({"type": "integer", "minimum": 1e300}),
            Some(json!(i64::MAX)),
        ),
    ] {
        assert_eq!(synthesize(&spec, &schema, 0), expected, "{schema}");
    }
}
