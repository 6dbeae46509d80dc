//! Example values for requests: the spec's own `example` first, else one synthesised from
//! the schema (the first enum value, the minimum, a string of the minimum length, the
//! required properties of an object), so specs that give few examples still get tests.
//! A `pattern` cannot be satisfied in general, so a patterned string without an example
//! yields `None` and the operation is reported as skipped.

use sb_spec::{Parameter, RequestBody, Spec};
use serde_json::{Map, Value, json};

/// The example of a parameter.
pub fn param_example(spec: &Spec, param: &Parameter) -> Option<Value> {
    param
        .example
        .clone()
        .or_else(|| synthesize(spec, &param.schema, 0))
}

/// The example of a request body.
pub fn body_example(spec: &Spec, body: &RequestBody) -> Option<Value> {
    body.example
        .clone()
        .or_else(|| synthesize(spec, &body.schema, 0))
}

/// A value valid for `schema`, when one can be made without guessing a pattern.
pub fn synthesize(spec: &Spec, schema: &Value, depth: usize) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    let schema = spec.resolve(schema, "").ok()?;
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    if let Some(default) = schema.get("default") {
        return Some(default.clone());
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return Some(first.clone());
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            if key != "allOf" {
                return parts.iter().find_map(|p| synthesize(spec, p, depth + 1));
            }
            let mut merged = Map::new();
            for part in parts {
                match synthesize(spec, part, depth + 1)? {
                    Value::Object(object) => merged.extend(object),
                    other => return Some(other),
                }
            }
            return Some(Value::Object(merged));
        }
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    match schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object")
    {
        "integer" => Some(json!(
            number("minimum").map(|m| m.ceil() as i64).unwrap_or(1)
        )),
        "number" => Some(json!(number("minimum").unwrap_or(1.0))),
        "boolean" => Some(json!(true)),
        "string" => {
            if schema.get("pattern").is_some() {
                return None;
            }
            let text = match schema.get("format").and_then(Value::as_str) {
                Some("uuid") => "00000000-0000-0000-0000-000000000000".to_string(),
                Some("date-time") => "2026-01-01T00:00:00Z".to_string(),
                Some("date") => "2026-01-01".to_string(),
                Some("uri") | Some("url") => "https://example.com/".to_string(),
                Some("email") => "user@example.com".to_string(),
                _ => {
                    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                    let mut text = "example".to_string();
                    while text.len() < min {
                        text.push('x');
                    }
                    text
                }
            };
            Some(Value::String(text))
        }
        "array" => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
            let item = schema.get("items");
            match (min, item) {
                (0, _) => Some(json!([])),
                (n, Some(item)) => Some(Value::Array(vec![synthesize(spec, item, depth + 1)?; n])),
                _ => None,
            }
        }
        _ => {
            let mut object = Map::new();
            let required = schema.get("required").and_then(Value::as_array);
            for name in required.into_iter().flatten().filter_map(Value::as_str) {
                let prop =
                    schema.pointer(&format!("/properties/{}", sb_spec::escape_pointer(name)));
                let value = prop.and_then(|p| synthesize(spec, p, depth + 1))?;
                object.insert(name.to_string(), value);
            }
            Some(Value::Object(object))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
    fn gives_up_on_patterns() {
        assert_eq!(
            synthesize(&spec(), &json!({"$ref": "#/components/schemas/Coded"}), 0),
            None
        );
    }
}
