//! Invalid inputs derived from the spec: the request body's example with one rule broken
//! (a required field removed, a wrong type, a value out of range, a bad enum value), and
//! path parameters that name nothing.
//!
//! Invalid inputs stay small whatever the spec says: a string over `maxLength` needs
//! `maxLength + 1` characters, and is only made when that is at most
//! [`crate::examples::MAX_LEN`]; beyond it (`maxLength: 2147483647`) that one mutation is
//! left out, since sending gigabytes tests the deployment's memory, not its contract. The same
//! goes for `minLength - 1` and for arrays over `maxItems` ([`crate::examples::MAX_ITEMS`]).
//! The property's other bounds still give their mutations.

use sb_spec::{Location, Operation, Spec};
use serde_json::{Map, Value, json};

use crate::examples::{MAX_ITEMS, MAX_LEN};
use crate::plan::Check;

/// One broken body: what was broken (for messages) and the body to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    pub description: String,
    pub body: Value,
}

/// The mutations of `op`'s example body for a negative check (empty: the check does not
/// apply). Top-level properties first, then those one object deeper.
pub fn body_mutations(spec: &Spec, op: &Operation, check: Check) -> Vec<Mutation> {
    let Some(body) = &op.request_body else {
        return Vec::new();
    };
    let Some(Value::Object(example)) = crate::examples::body_example(spec, body) else {
        return Vec::new();
    };
    let example = &example;
    let Some(schema) = object_schema(spec, &body.schema) else {
        return Vec::new();
    };
    let mut out = mutations_of(spec, &schema, example, "", check);
    if out.is_empty() && check != Check::ErrorMissingRequired {
        // Look one level down: brandAssets.primaryColor and the like.
        for (name, value) in example {
            let (Value::Object(inner), Some(prop)) = (value, property(spec, &schema, name)) else {
                continue;
            };
            let Some(inner_schema) = object_schema(spec, &prop) else {
                continue;
            };
            for m in mutations_of(spec, &inner_schema, inner, &format!("{name}."), check) {
                let mut whole = example.clone();
                whole.insert(name.clone(), m.body);
                out.push(Mutation {
                    description: m.description,
                    body: Value::Object(whole),
                });
            }
        }
    }
    out
}

fn mutations_of(
    spec: &Spec,
    schema: &Map<String, Value>,
    example: &Map<String, Value>,
    prefix: &str,
    check: Check,
) -> Vec<Mutation> {
    let mut out = Vec::new();
    let with = |name: &str, value: Value| {
        let mut body = example.clone();
        body.insert(name.to_string(), value);
        Value::Object(body)
    };
    match check {
        Check::ErrorMissingRequired => {
            for name in required(schema) {
                let mut body = example.clone();
                body.remove(&name);
                out.push(Mutation {
                    description: format!("required field `{prefix}{name}` missing"),
                    body: Value::Object(body),
                });
            }
        }
        Check::ErrorWrongType => {
            for (name, prop) in properties(spec, schema) {
                if let Some(value) = wrong_type(&prop) {
                    out.push(Mutation {
                        description: format!("`{prefix}{name}` of the wrong type ({value})"),
                        body: with(&name, value),
                    });
                    break;
                }
            }
        }
        Check::ErrorOutOfRange => {
            // Every bound of every property: an empty prompt and a too long one both count.
            for (name, prop) in properties(spec, schema) {
                let candidates = out_of_range(&prop, example.get(&name));
                for value in invalid_among(spec, &prop, candidates) {
                    out.push(Mutation {
                        description: format!("`{prefix}{name}` out of range ({})", short(&value)),
                        body: with(&name, value),
                    });
                }
            }
        }
        Check::ErrorBadEnum => {
            for (name, prop) in properties(spec, schema) {
                if prop.get("enum").is_some() {
                    let value = json!("not-a-documented-value");
                    out.push(Mutation {
                        description: format!("`{prefix}{name}` not one of its enum values"),
                        body: with(&name, value),
                    });
                    break;
                }
            }
        }
        _ => {}
    }
    out
}

/// Valid bodies a correct server must accept that its examples do not show (issue 16): an
/// unknown extra field where the schema allows one, non-ASCII text in each free string, and
/// each string at its `maxLength` and each number at its `minimum`/`maximum`. Ids, enums,
/// formats and patterns keep their example values; every variant is checked against the
/// body's schema and dropped if it does not validate. Sizes are bounded by `MAX_LEN`.
pub fn positive_variants(spec: &Spec, op: &Operation) -> Vec<Mutation> {
    let Some(body) = &op.request_body else {
        return Vec::new();
    };
    if !body.media_type.contains("json") {
        return Vec::new();
    }
    let Some(Value::Object(example)) = crate::examples::body_example(spec, body) else {
        return Vec::new();
    };
    let Some(schema) = object_schema(spec, &body.schema) else {
        return Vec::new();
    };
    let Ok(validator) = spec.validator(&body.schema) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |description: String, whole: Map<String, Value>| {
        let value = Value::Object(whole);
        if validator.is_valid(&value) {
            out.push(Mutation {
                description,
                body: value,
            });
        }
    };
    if schema.get("additionalProperties") != Some(&Value::Bool(false)) {
        let mut whole = example.clone();
        whole.insert(
            "contractProbeExtra".into(),
            json!("an extra field the schema allows"),
        );
        push("an extra field the schema allows".into(), whole);
    }
    for (name, prop) in properties(spec, &schema) {
        let free_string = prop.get("type").and_then(Value::as_str) == Some("string")
            && !name.ends_with("Id")
            && name != "id"
            && ["enum", "format", "pattern"]
                .iter()
                .all(|k| prop.get(*k).is_none());
        if free_string {
            let min = prop.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            let mut text = String::from("Grüße, café ✓ 日本語 🚀");
            while (text.chars().count() as u64) < min.min(MAX_LEN) {
                text.push('ü');
            }
            if let Some(max) = prop.get("maxLength").and_then(Value::as_u64) {
                text = text
                    .chars()
                    .take(usize::try_from(max.min(MAX_LEN)).unwrap_or(0))
                    .collect();
            }
            let mut whole = example.clone();
            whole.insert(name.clone(), json!(text));
            push(format!("`{name}` in non-ASCII text"), whole);
            if let Some(max) = prop.get("maxLength").and_then(Value::as_u64)
                && max <= MAX_LEN
                && max > 0
            {
                let mut whole = example.clone();
                whole.insert(
                    name.clone(),
                    json!("a".repeat(usize::try_from(max).unwrap_or(0))),
                );
                push(format!("`{name}` at its maxLength {max}"), whole);
            }
        }
        if matches!(
            prop.get("type").and_then(Value::as_str),
            Some("integer" | "number")
        ) && !name.ends_with("Id")
        {
            for key in ["minimum", "maximum"] {
                if let Some(bound) = prop.get(key).filter(|b| b.is_number()) {
                    let mut whole = example.clone();
                    whole.insert(name.clone(), bound.clone());
                    push(format!("`{name}` at its {key} {bound}"), whole);
                }
            }
        }
    }
    out
}

/// Query parameters with an enum, each with a value outside it: `(parameter, value)`.
pub fn query_enum_mutations(op: &Operation) -> Vec<(String, String)> {
    op.parameters
        .iter()
        .filter(|p| p.location == Location::Query && p.schema.get("enum").is_some())
        .map(|p| (p.name.clone(), "not-a-documented-value".to_string()))
        .collect()
}

/// Ids in the request body (`siteId`, `templateId`, ...: top-level strings whose name ends
/// in `Id`) set to a value that names nothing, one body per id.
pub fn body_id_mutations(spec: &Spec, op: &Operation) -> Vec<Mutation> {
    let Some(body) = &op.request_body else {
        return Vec::new();
    };
    let Some(Value::Object(example)) = crate::examples::body_example(spec, body) else {
        return Vec::new();
    };
    let Some(schema) = object_schema(spec, &body.schema) else {
        return Vec::new();
    };
    let unknown = json!(format!("unknown-{}", uuid::Uuid::new_v4().simple()));
    properties(spec, &schema)
        .into_iter()
        .filter(|(name, prop)| {
            (name.ends_with("Id") || name == "id")
                && prop.get("type").and_then(Value::as_str) == Some("string")
                && prop.get("enum").is_none()
                && spec
                    .validator(&Value::Object(prop.clone()))
                    .is_ok_and(|v| v.is_valid(&unknown))
        })
        .map(|(name, _)| {
            let mut whole = example.clone();
            whole.insert(name.clone(), unknown.clone());
            Mutation {
                description: format!("`{name}` names nothing ({unknown})"),
                body: Value::Object(whole),
            }
        })
        .collect()
}

/// A method the operation's path does not document (for the 405 check).
pub fn undocumented_method(spec: &Spec, op: &Operation) -> Option<&'static str> {
    let item = spec
        .doc
        .pointer(&format!("/paths/{}", sb_spec::escape_pointer(&op.path)))?;
    ["delete", "put", "patch"]
        .into_iter()
        .find(|m| item.get(*m).is_none())
}

/// A path parameter value that names nothing but still matches the parameter's schema, for
/// the 404 check: `(parameter, value)`.
pub fn unknown_id(spec: &Spec, op: &Operation) -> Option<(String, String)> {
    let param = op
        .parameters
        .iter()
        .rfind(|p| p.location == Location::Path && !op.is_tenant_param(p))?;
    let example = param.example.as_ref().and_then(Value::as_str).unwrap_or("");
    let candidates = [
        format!("unknown-{}", uuid::Uuid::new_v4().simple()),
        zero_trailing_hex(example),
    ];
    let validator = spec.validator(&param.schema).ok()?;
    candidates
        .into_iter()
        .find(|c| c != example && validator.is_valid(&Value::String(c.clone())))
        .map(|value| (param.name.clone(), value))
}

/// `logo-3f9a1c2b7d4e5f60` -> `logo-0000000000000000`: same shape, almost surely unknown.
#[doc(hidden)] // pub for the integration tests (crates/runtime/tests/runtime/plan/negative.rs)
pub fn zero_trailing_hex(example: &str) -> String {
    let keep = example
        .trim_end_matches(|c: char| c.is_ascii_hexdigit())
        .len();
    let zeros = "0".repeat(example.len() - keep);
    format!("{}{zeros}", &example[..keep])
}

/// An object schema with its `allOf` members merged (through the model's one merge,
/// `sb_spec::resolve::object_view`, which is bounded against `$ref` cycles): its own
/// keywords, plus all `properties` and `required` names. `None` when it has no properties.
pub(crate) fn object_schema(spec: &Spec, schema: &Value) -> Option<Map<String, Value>> {
    let node = sb_spec::resolve::deref(spec, schema, "").ok()?;
    let view = sb_spec::resolve::object_view(spec, &node).ok()?;
    if view.properties.is_empty() {
        return None;
    }
    let mut merged = node.value.as_object()?.clone();
    merged.remove("allOf");
    merged.insert(
        "properties".into(),
        Value::Object(
            view.properties
                .iter()
                .map(|(name, prop)| (name.clone(), prop.schema.clone()))
                .collect(),
        ),
    );
    merged.insert(
        "required".into(),
        Value::Array(view.required.iter().cloned().map(Value::String).collect()),
    );
    Some(merged)
}

fn required(schema: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Properties sorted by name, each resolved.
pub(crate) fn properties(
    spec: &Spec,
    schema: &Map<String, Value>,
) -> Vec<(String, Map<String, Value>)> {
    let mut out: Vec<_> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter_map(|(name, prop)| {
                    let resolved = spec.resolve(prop, "").ok()?.as_object()?.clone();
                    Some((name.clone(), resolved))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn property(spec: &Spec, schema: &Map<String, Value>, name: &str) -> Option<Value> {
    let prop = schema.get("properties")?.get(name)?;
    spec.resolve(prop, "").ok().cloned()
}

#[doc(hidden)] // pub for the integration tests (crates/runtime/tests/runtime/plan/negative.rs)
pub fn wrong_type(prop: &Map<String, Value>) -> Option<Value> {
    Some(match prop.get("type")?.as_str()? {
        "string" => json!(12345),
        "integer" | "number" => json!("not-a-number"),
        "boolean" => json!("not-a-boolean"),
        "array" => json!("not-an-array"),
        "object" => json!(7),
        _ => return None,
    })
}

/// Values just outside the property's bounds; bounds too large to exceed within
/// [`MAX_LEN`]/[`MAX_ITEMS`] give none (see the module docs).
#[doc(hidden)] // pub for the integration tests (crates/runtime/tests/runtime/plan/negative.rs)
pub fn out_of_range(prop: &Map<String, Value>, example: Option<&Value>) -> Vec<Value> {
    let number = |key: &str| prop.get(key).and_then(Value::as_f64);
    let count = |key: &str| prop.get(key).and_then(Value::as_u64);
    let integer = prop.get("type").and_then(Value::as_str) == Some("integer");
    let num = |x: f64| if integer { json!(x as i64) } else { json!(x) };
    let mut out = Vec::new();
    if let Some(max) = number("maximum") {
        out.push(num(if integer { max + 1.0 } else { max + 0.5 }));
    }
    if let Some(min) = number("minimum") {
        out.push(num(if integer { min - 1.0 } else { min - 0.5 }));
    }
    if let Some(max) = count("maxLength").filter(|&m| m < MAX_LEN) {
        out.push(json!("x".repeat(max as usize + 1)));
    }
    if let Some(min) = count("minLength").filter(|&m| m > 0 && m <= MAX_LEN + 1) {
        out.push(json!("x".repeat(min as usize - 1)));
    }
    if prop.get("pattern").is_some() {
        out.push(json!("does not match the pattern"));
    }
    if let Some(max) = count("maxItems").filter(|&m| m < MAX_ITEMS) {
        let item = example
            .and_then(Value::as_array)
            .and_then(|a| a.first().cloned())
            .unwrap_or(Value::Null);
        out.push(Value::Array(vec![item; max as usize + 1]));
    }
    if count("minItems").is_some_and(|m| m > 0) {
        out.push(json!([]));
    }
    out
}

/// The candidates the property's schema rejects.
fn invalid_among(spec: &Spec, prop: &Map<String, Value>, candidates: Vec<Value>) -> Vec<Value> {
    let Ok(validator) = spec.validator(&Value::Object(prop.clone())) else {
        return Vec::new();
    };
    candidates
        .into_iter()
        .filter(|c| !validator.is_valid(c))
        .collect()
}

/// The first 40 characters of a value's JSON, for descriptions.
#[doc(hidden)] // pub for the integration tests (crates/runtime/tests/runtime/plan/negative.rs)
pub fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
