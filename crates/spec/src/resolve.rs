//! The one `$ref` resolver and the one `allOf` merge of the project: a value read through its
//! `$ref`s with the pointer where it really lives, the merged object view of a schema, and
//! keyword lookup through `allOf`. The model, the diff, compat and the runtime all read
//! schemas through this module.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Spec, SpecError, escape_pointer};
use serde_json::Value;

/// How many `$ref` hops or nested `allOf`s are followed before giving up (a cycle).
pub const MAX_DEPTH: usize = 32;

/// A value of a spec after following its `$ref`s, with where it really lives.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The resolved value.
    pub value: &'a Value,
    /// The JSON pointer of the resolved value.
    pub pointer: String,
    /// The name of the first component referenced (`CompleteEvent`), if `$ref` was followed.
    pub ref_name: Option<String>,
}

/// Follows the chain of local `$ref`s from `value` (found at `pointer`); `#/...` fragments
/// may be percent-encoded (`#/paths/~1a%7Bb%7D`).
pub fn deref<'a>(spec: &'a Spec, value: &'a Value, pointer: &str) -> Result<Node<'a>, SpecError> {
    let mut current = value;
    let mut at = pointer.to_string();
    let mut ref_name = None;
    for _ in 0..MAX_DEPTH {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Ok(Node {
                value: current,
                pointer: at,
                ref_name,
            });
        };
        let target = reference
            .strip_prefix('#')
            .and_then(crate::load::percent_decode)
            .unwrap_or_default();
        current = spec
            .lookup_ref(reference)
            .ok_or_else(|| SpecError::DanglingRef {
                file: spec.file.clone(),
                pointer: at.clone(),
                reference: reference.to_string(),
            })?;
        if ref_name.is_none() {
            ref_name = target.rsplit('/').next().map(unescape_pointer);
        }
        at = target;
    }
    Err(SpecError::DanglingRef {
        file: spec.file.clone(),
        pointer: pointer.to_string(),
        reference: "a cycle of $refs".to_string(),
    })
}

/// Reverses `escape_pointer` for one segment.
pub fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// `base` + `/` + escaped `segment`.
pub fn child(base: &str, segment: &str) -> String {
    format!("{base}/{}", escape_pointer(segment))
}

/// A keyword of a schema, looked up on the schema itself first and then in its `allOf`
/// members (resolved), so `SiteVersion: allOf [VersionSummary, {...}]` reads as one schema.
pub fn keyword<'a>(
    spec: &'a Spec,
    schema: &Node<'a>,
    name: &str,
) -> Result<Option<(&'a Value, String)>, SpecError> {
    keyword_at(spec, schema, name, 0, &mut BTreeSet::new())
}

/// `seen` holds the schemas already looked in: `A: allOf [B, B]` chains stay linear.
fn keyword_at<'a>(
    spec: &'a Spec,
    schema: &Node<'a>,
    name: &str,
    depth: usize,
    seen: &mut BTreeSet<String>,
) -> Result<Option<(&'a Value, String)>, SpecError> {
    if let Some(value) = schema.value.get(name) {
        return Ok(Some((value, child(&schema.pointer, name))));
    }
    if depth >= MAX_DEPTH {
        return Ok(None);
    }
    for (index, member) in all_of(schema) {
        let member_ptr = format!("{}/allOf/{index}", schema.pointer);
        let member = deref(spec, member, &member_ptr)?;
        if !seen.insert(member.pointer.clone()) {
            continue;
        }
        if let Some(found) = keyword_at(spec, &member, name, depth + 1, seen)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn all_of<'a>(schema: &Node<'a>) -> impl Iterator<Item = (usize, &'a Value)> {
    schema
        .value
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// The `oneOf` or `anyOf` of a schema: its keyword and branches.
pub fn branches<'a>(schema: &Node<'a>) -> Option<(&'static str, &'a Vec<Value>)> {
    for kind in ["oneOf", "anyOf"] {
        if let Some(list) = schema.value.get(kind).and_then(Value::as_array) {
            return Some((kind, list));
        }
    }
    None
}

/// The JSON type of a schema: `type` (through `allOf`), else inferred from `properties`
/// or `items`; `None` means any type.
pub fn type_of(spec: &Spec, schema: &Node<'_>) -> Result<Option<String>, SpecError> {
    if let Some((value, _)) = keyword(spec, schema, "type")? {
        return Ok(value.as_str().map(str::to_string));
    }
    if keyword(spec, schema, "properties")?.is_some() {
        return Ok(Some("object".to_string()));
    }
    if keyword(spec, schema, "items")?.is_some() {
        return Ok(Some("array".to_string()));
    }
    Ok(None)
}

/// Whether a schema allows `null` (`nullable: true`).
pub fn nullable(spec: &Spec, schema: &Node<'_>) -> Result<bool, SpecError> {
    Ok(keyword(spec, schema, "nullable")?
        .and_then(|(v, _)| v.as_bool())
        .unwrap_or(false))
}

/// Whether a schema is `readOnly: true` (through `allOf`): a property only servers send,
/// which is not a request field.
pub fn read_only(spec: &Spec, schema: &Node<'_>) -> Result<bool, SpecError> {
    flag(spec, schema, "readOnly")
}

/// Whether a schema is `writeOnly: true` (through `allOf`): a property only clients send,
/// which is not a response field.
pub fn write_only(spec: &Spec, schema: &Node<'_>) -> Result<bool, SpecError> {
    flag(spec, schema, "writeOnly")
}

fn flag(spec: &Spec, schema: &Node<'_>, name: &str) -> Result<bool, SpecError> {
    Ok(keyword(spec, schema, name)?
        .and_then(|(v, _)| v.as_bool())
        .unwrap_or(false))
}

/// One property of an object view: its schema (unresolved) and pointer.
#[derive(Debug, Clone)]
pub struct Property<'a> {
    pub schema: &'a Value,
    pub pointer: String,
}

/// An object schema with its `allOf` members merged.
#[derive(Debug, Default)]
pub struct ObjectView<'a> {
    pub properties: BTreeMap<String, Property<'a>>,
    pub required: BTreeSet<String>,
    /// `additionalProperties: false` somewhere in the merged schema.
    pub closed: bool,
}

/// Merges a schema's own `properties`/`required` with those of its `allOf` members.
pub fn object_view<'a>(spec: &'a Spec, schema: &Node<'a>) -> Result<ObjectView<'a>, SpecError> {
    let mut view = ObjectView::default();
    collect(spec, schema, &mut view, 0, &mut BTreeSet::new())?;
    Ok(view)
}

/// `seen` holds the members already merged, so shared and repeated members are read once.
fn collect<'a>(
    spec: &'a Spec,
    schema: &Node<'a>,
    view: &mut ObjectView<'a>,
    depth: usize,
    seen: &mut BTreeSet<String>,
) -> Result<(), SpecError> {
    if depth >= MAX_DEPTH {
        return Ok(());
    }
    if let Some(props) = schema.value.get("properties").and_then(Value::as_object) {
        let base = child(&schema.pointer, "properties");
        for (name, prop) in props {
            view.properties
                .entry(name.clone())
                .or_insert_with(|| Property {
                    schema: prop,
                    pointer: child(&base, name),
                });
        }
    }
    if let Some(required) = schema.value.get("required").and_then(Value::as_array) {
        view.required.extend(
            required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
    }
    if schema.value.get("additionalProperties") == Some(&Value::Bool(false)) {
        view.closed = true;
    }
    for (index, member) in all_of(schema) {
        let member_ptr = format!("{}/allOf/{index}", schema.pointer);
        let member = deref(spec, member, &member_ptr)?;
        if seen.insert(member.pointer.clone()) {
            collect(spec, &member, view, depth + 1, seen)?;
        }
    }
    Ok(())
}
