//! What the relation checks send, from the spec alone: which declared relations an operation
//! has (the applicability rules of the relation rows of the check table), and the request
//! bodies that vary or leave out the request fields an `x-invariants` entry names.

use sb_spec::{Expectation, Expr, Operation, Spec};
use serde_json::Value;

use crate::plan::{Applicability, Subject};

/// A request body for an invariant check, with what it varies.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyCase {
    /// The body to send.
    pub body: Value,
    /// What differs from the example, for messages ("count 1 (its minimum)").
    pub description: String,
}

/// Links of the success response that are followed once (no `x-poll`).
pub fn plain_links(op: &Operation) -> impl Iterator<Item = &sb_spec::Link> {
    op.relations.links.iter().filter(|l| l.poll.is_none())
}

/// Links of the success response that are polled (`x-poll`).
pub fn polled_links(op: &Operation) -> impl Iterator<Item = &sb_spec::Link> {
    op.relations.links.iter().filter(|l| l.poll.is_some())
}

/// The success response declares a link to follow once.
pub fn links(s: Subject<'_>) -> Applicability {
    match plain_links(s.op).next() {
        Some(_) => Ok(()),
        None => Err(
            "the success response declares no link without x-poll (links, see openapi/EXTENSIONS.md)"
                .into(),
        ),
    }
}

/// The success response declares a link with `x-poll`.
pub fn poll(s: Subject<'_>) -> Applicability {
    match polled_links(s.op).next() {
        Some(_) => Ok(()),
        None => Err(
            "the success response declares no link with x-poll (see openapi/EXTENSIONS.md)".into(),
        ),
    }
}

/// The success response declares `x-invariants`.
pub fn invariants(s: Subject<'_>) -> Applicability {
    match s.op.relations.invariants.is_empty() {
        false => Ok(()),
        true => {
            Err("the success response declares no x-invariants (see openapi/EXTENSIONS.md)".into())
        }
    }
}

/// An `x-invariants` entry names an optional request field with a documented `default`.
pub fn default_applied(s: Subject<'_>) -> Applicability {
    invariants(s)?;
    match omitted_defaults(s.spec, s.op).is_empty() {
        false => Ok(()),
        true => Err(
            "no x-invariants entry names an optional request body field with a documented default"
                .into(),
        ),
    }
}

/// The request body fields (`$request.body#/...`) the invariants compare.
fn body_fields(op: &Operation) -> impl Iterator<Item = (&Expectation, &str)> {
    op.relations
        .invariants
        .iter()
        .filter_map(|e| match &e.equals {
            Expr::RequestBody(pointer) if !pointer.is_empty() => Some((e, pointer.as_str())),
            _ => None,
        })
}

/// The example body, when the operation has a JSON body with an example (or one made from
/// its schema).
fn example_body(spec: &Spec, op: &Operation) -> Option<Value> {
    let body = op.request_body.as_ref()?;
    (body.encoding() == sb_spec::BodyEncoding::Json)
        .then(|| crate::examples::body_example(spec, body))
        .flatten()
}

/// Whether the field at `pointer` of the body is optional (not in its object's `required`).
fn optional(spec: &Spec, op: &Operation, pointer: &str) -> bool {
    let Some(body) = op.request_body.as_ref() else {
        return false;
    };
    let Ok(mut node) = sb_spec::resolve::deref(spec, &body.schema, &body.pointer) else {
        return false;
    };
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(sb_spec::resolve::unescape_pointer)
        .collect();
    for (i, segment) in segments.iter().enumerate() {
        let Ok(view) = sb_spec::resolve::object_view(spec, &node) else {
            return false;
        };
        if i + 1 == segments.len() {
            return view.properties.contains_key(segment) && !view.required.contains(segment);
        }
        let Some(property) = view.properties.get(segment) else {
            return false;
        };
        match sb_spec::resolve::deref(spec, property.schema, &property.pointer) {
            Ok(next) => node = next,
            Err(_) => return false,
        }
    }
    false
}

/// Bodies leaving out each optional field with a documented default that an invariant
/// compares, with that default: `(body, pointer, default)`.
pub fn omitted_defaults(spec: &Spec, op: &Operation) -> Vec<(BodyCase, String, Value)> {
    let (Some(example), Some(body)) = (example_body(spec, op), op.request_body.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, pointer) in body_fields(op) {
        if !optional(spec, op, pointer) {
            continue;
        }
        let Some(default) = spec.body_default(&body.schema, pointer) else {
            continue;
        };
        let mut without = example.clone();
        let (parent, field) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if let Some(Value::Object(map)) = without.pointer_mut(parent) {
            map.remove(&sb_spec::resolve::unescape_pointer(field));
        }
        out.push((
            BodyCase {
                body: without,
                description: format!("{pointer} left out (documented default {default})"),
            },
            pointer.to_string(),
            default,
        ));
    }
    out
}

/// The example body, then for each integer request field an invariant compares, the body
/// with that field at its documented minimum and maximum (where they differ from the
/// example): a server that ignores the field answers them alike.
pub fn invariant_bodies(spec: &Spec, op: &Operation) -> Vec<BodyCase> {
    let Some(example) = example_body(spec, op) else {
        return Vec::new();
    };
    let mut out = vec![BodyCase {
        body: example.clone(),
        description: "the example body".into(),
    }];
    let Some(body) = op.request_body.as_ref() else {
        return out;
    };
    for (_, pointer) in body_fields(op) {
        let Some(schema) = field_schema(spec, &body.schema, &body.pointer, pointer) else {
            continue;
        };
        if schema.get("type").and_then(Value::as_str) != Some("integer") {
            continue;
        }
        for bound in ["minimum", "maximum"] {
            let Some(n) = schema.get(bound).and_then(Value::as_i64) else {
                continue;
            };
            if example.pointer(pointer).and_then(Value::as_i64) == Some(n) {
                continue;
            }
            let mut varied = example.clone();
            let (parent, field) = pointer.rsplit_once('/').unwrap_or(("", pointer));
            if let Some(Value::Object(map)) = varied.pointer_mut(parent) {
                map.insert(sb_spec::resolve::unescape_pointer(field), Value::from(n));
                out.push(BodyCase {
                    body: varied,
                    description: format!("{pointer} {n} (its {bound})"),
                });
            }
        }
    }
    out
}

/// The schema (top-level `$ref` resolved) of the body field at `pointer`.
fn field_schema<'a>(
    spec: &'a Spec,
    schema: &'a Value,
    at: &str,
    pointer: &str,
) -> Option<&'a Value> {
    let mut node = sb_spec::resolve::deref(spec, schema, at).ok()?;
    for segment in pointer.split('/').skip(1) {
        let view = sb_spec::resolve::object_view(spec, &node).ok()?;
        let property = view
            .properties
            .get(&sb_spec::resolve::unescape_pointer(segment))?;
        node = sb_spec::resolve::deref(spec, property.schema, &property.pointer).ok()?;
    }
    Some(node.value)
}
