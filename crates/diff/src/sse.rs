//! Server-Sent Event types of a `text/event-stream` schema: the event union split into one
//! schema per event type, keyed by the value of its discriminator property (`type`).

use std::collections::BTreeMap;

use sb_spec::{Spec, SpecError};
use serde_json::Value;

use crate::resolve::{self, Node};

/// Whether a media type is an event stream.
pub(crate) fn is_event_stream(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
}

/// One event type of a stream.
#[derive(Debug, Clone)]
pub(crate) struct Event<'a> {
    /// The event's schema (unresolved; may be a `$ref`).
    pub schema: &'a Value,
    /// Pointer of `schema`.
    pub schema_pointer: String,
    /// Where the event type is declared: the `oneOf` branch or the `enum` value.
    pub pointer: String,
}

/// The event types of a stream schema and its discriminator property.
#[derive(Debug, Default)]
pub(crate) struct Events<'a> {
    /// The property naming the event type (`type` unless a discriminator says otherwise).
    pub property: String,
    /// The events by type.
    pub events: BTreeMap<String, Event<'a>>,
}

/// Splits a stream schema into its event types.
///
/// A `oneOf`/`anyOf` union gives one event per branch, named by the discriminator mapping,
/// else by the branch's single `enum`/`const` value of the discriminator property, else by
/// the branch's component name. A mapping entry whose target is not a branch still counts.
/// A single object schema whose discriminator property has an `enum` gives one event per
/// value, all sharing that schema. Anything else is one event named `*`.
pub(crate) fn events<'a>(
    spec: &'a Spec,
    schema: &'a Value,
    pointer: &str,
) -> Result<Events<'a>, SpecError> {
    let node = resolve::deref(spec, schema, pointer)?;
    let discriminator = node.value.get("discriminator");
    let property = discriminator
        .and_then(|d| d.get("propertyName"))
        .and_then(Value::as_str)
        .unwrap_or("type")
        .to_string();
    let mapping: BTreeMap<&str, &str> = discriminator
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Events {
        property: property.clone(),
        events: BTreeMap::new(),
    };
    if let Some((kind, list)) = resolve::branches(&node) {
        for (index, branch) in list.iter().enumerate() {
            let branch_ptr = format!("{}/{kind}/{index}", node.pointer);
            let reference = branch.get("$ref").and_then(Value::as_str);
            let mapped = reference.and_then(|r| {
                mapping
                    .iter()
                    .find(|(_, target)| **target == r)
                    .map(|(name, _)| name.to_string())
            });
            let resolved = resolve::deref(spec, branch, &branch_ptr)?;
            let name = match mapped {
                Some(name) => name,
                None => match single_value(spec, &resolved, &property)? {
                    Some(name) => name,
                    None => resolved
                        .ref_name
                        .clone()
                        .unwrap_or_else(|| format!("#{index}")),
                },
            };
            out.events.entry(name).or_insert(Event {
                schema: branch,
                schema_pointer: branch_ptr.clone(),
                pointer: branch_ptr,
            });
        }
        for (name, target) in &mapping {
            if out.events.contains_key(*name) {
                continue;
            }
            let Some(target_value) = target.strip_prefix('#').and_then(|p| spec.doc.pointer(p))
            else {
                continue;
            };
            let mapping_ptr = resolve::child(
                &resolve::child(&resolve::child(&node.pointer, "discriminator"), "mapping"),
                name,
            );
            out.events.insert(
                (*name).to_string(),
                Event {
                    schema: target_value,
                    schema_pointer: target.trim_start_matches('#').to_string(),
                    pointer: mapping_ptr,
                },
            );
        }
        return Ok(out);
    }
    let view = resolve::object_view(spec, &node)?;
    if let Some(prop) = view.properties.get(&property) {
        let prop_node = resolve::deref(spec, prop.schema, &prop.pointer)?;
        if let Some(values) = prop_node.value.get("enum").and_then(Value::as_array) {
            for (index, value) in values.iter().enumerate() {
                if let Some(name) = value.as_str() {
                    out.events.insert(
                        name.to_string(),
                        Event {
                            schema,
                            schema_pointer: pointer.to_string(),
                            pointer: format!("{}/enum/{index}", prop_node.pointer),
                        },
                    );
                }
            }
            return Ok(out);
        }
    }
    out.events.insert(
        "*".to_string(),
        Event {
            schema,
            schema_pointer: pointer.to_string(),
            pointer: node.pointer.clone(),
        },
    );
    Ok(out)
}

/// The one value a branch allows for the discriminator property, from `enum: [x]` or `const`.
fn single_value(
    spec: &Spec,
    branch: &Node<'_>,
    property: &str,
) -> Result<Option<String>, SpecError> {
    let view = resolve::object_view(spec, branch)?;
    let Some(prop) = view.properties.get(property) else {
        return Ok(None);
    };
    let prop = resolve::deref(spec, prop.schema, &prop.pointer)?;
    if let Some(value) = prop.value.get("const").and_then(Value::as_str) {
        return Ok(Some(value.to_string()));
    }
    Ok(match prop.value.get("enum").and_then(Value::as_array) {
        Some(values) if values.len() == 1 => values[0].as_str().map(str::to_string),
        _ => None,
    })
}
