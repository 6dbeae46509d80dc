//! Event streams (`text/event-stream`): the event union split into one schema per event type
//! (the one event-type extraction of the project), and the stream's semantics declared by the
//! `x-stream` extension (which events end the stream, which one a valid request ends with,
//! which one invalid input yields, where progress and content are). See `openapi/EXTENSIONS.md`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::{Spec, SpecError};

/// Whether a media type is an event stream (parameters and case ignored).
pub fn is_event_stream(media_type: &str) -> bool {
    crate::media_essence(media_type) == "text/event-stream"
}

/// One event type of a stream.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// The event's schema (unresolved; may be a `$ref`).
    pub schema: &'a Value,
    /// Pointer of `schema`.
    pub schema_pointer: String,
    /// Where the event type is declared: the `oneOf` branch or the `enum` value.
    pub pointer: String,
}

/// The event types of a stream schema and its discriminator property.
#[derive(Debug, Default)]
pub struct EventTypes<'a> {
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
pub fn event_types<'a>(
    spec: &'a Spec,
    schema: &'a Value,
    pointer: &str,
) -> Result<EventTypes<'a>, SpecError> {
    let node = crate::resolve::deref(spec, schema, pointer)?;
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
    let mut out = EventTypes {
        property: property.clone(),
        events: BTreeMap::new(),
    };
    if let Some((kind, list)) = crate::resolve::branches(&node) {
        for (index, branch) in list.iter().enumerate() {
            let branch_ptr = format!("{}/{kind}/{index}", node.pointer);
            let reference = branch.get("$ref").and_then(Value::as_str);
            let mapped = reference.and_then(|r| {
                mapping
                    .iter()
                    .find(|(_, target)| **target == r)
                    .map(|(name, _)| name.to_string())
            });
            let resolved = crate::resolve::deref(spec, branch, &branch_ptr)?;
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
            let mapping_ptr = crate::resolve::child(
                &crate::resolve::child(
                    &crate::resolve::child(&node.pointer, "discriminator"),
                    "mapping",
                ),
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
    let view = crate::resolve::object_view(spec, &node)?;
    if let Some(prop) = view.properties.get(&property) {
        let prop_node = crate::resolve::deref(spec, prop.schema, &prop.pointer)?;
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
    branch: &crate::resolve::Node<'_>,
    property: &str,
) -> Result<Option<String>, SpecError> {
    let view = crate::resolve::object_view(spec, branch)?;
    let Some(prop) = view.properties.get(property) else {
        return Ok(None);
    };
    let prop = crate::resolve::deref(spec, prop.schema, &prop.pointer)?;
    if let Some(value) = prop.value.get("const").and_then(Value::as_str) {
        return Ok(Some(value.to_string()));
    }
    Ok(match prop.value.get("enum").and_then(Value::as_array) {
        Some(values) if values.len() == 1 => values[0].as_str().map(str::to_string),
        _ => None,
    })
}

/// The event stream of an operation's success response, as the model keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventStream {
    /// JSON pointer of the `text/event-stream` media type object.
    pub pointer: String,
    /// The media type as written.
    pub media_type: String,
    /// The schema of one event's `data:` JSON, raw (`$ref` kept).
    pub schema: Value,
    /// The property naming an event's type (the discriminator's `propertyName`, else `type`).
    pub property: String,
    /// The event types by name (`*` alone when the schema names no types).
    pub events: BTreeMap<String, StreamEvent>,
    /// What the stream means, from `x-stream`; `None` when the spec does not say, and then the
    /// checks that need it say why they do not apply.
    pub semantics: Option<StreamSemantics>,
}

/// One event type of a stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamEvent {
    /// Its schema, raw (a `$ref` where the spec has one).
    pub schema: Value,
    /// Where the schema lives.
    pub schema_pointer: String,
    /// Where the event type is declared (a `oneOf` branch, a mapping entry, an `enum` value).
    pub pointer: String,
}

/// The `x-stream` extension of a `text/event-stream` media type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamSemantics {
    /// JSON pointer of the `x-stream` object.
    pub pointer: String,
    /// Event types after which nothing more may come; exactly one of them ends a stream.
    pub terminal: Vec<String>,
    /// The terminal event a valid request ends with (`complete`).
    pub success: Option<String>,
    /// The event invalid input yields, alone in its stream (`error`).
    pub error: Option<String>,
    /// The event and field that report progress.
    pub progress: Option<ProgressField>,
    /// The event and field that carry the content, in pieces.
    pub content: Option<EventField>,
}

/// An event type and one of its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventField {
    pub event: String,
    pub field: String,
}

/// The progress reported by a stream: an event type, its numeric field, and the value the
/// first progress event must carry (if any). Progress never decreases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressField {
    pub event: String,
    pub field: String,
    pub start: Option<f64>,
}

impl EventStream {
    /// The type of an event's JSON (the value of [`EventStream::property`]).
    pub fn type_of<'v>(&self, data: &'v Value) -> Option<&'v str> {
        data.get(&self.property)?.as_str()
    }

    /// Whether the stream names its event types (a union or an enum of the type property).
    pub fn names_types(&self) -> bool {
        !self.events.contains_key("*")
    }

    /// Whether `kind` ends the stream (per `x-stream`; never without it).
    pub fn is_terminal(&self, kind: &str) -> bool {
        self.semantics
            .as_ref()
            .is_some_and(|s| s.terminal.iter().any(|t| t == kind))
    }

    /// The schema of event type `kind` (as a `$ref` or inline schema), if it is documented.
    pub fn event_schema(&self, kind: &str) -> Option<&Value> {
        self.events.get(kind).map(|e| &e.schema)
    }
}

impl Spec {
    /// Builds the stream model of the media type `media` found at `pointer`.
    pub(crate) fn event_stream(
        &self,
        name: &str,
        media: &Value,
        pointer: &str,
    ) -> Result<Option<EventStream>, SpecError> {
        let Some(schema) = media.get("schema") else {
            return Ok(None);
        };
        let schema_ptr = format!("{pointer}/schema");
        let types = event_types(self, schema, &schema_ptr)?;
        let events: BTreeMap<String, StreamEvent> = types
            .events
            .into_iter()
            .map(|(name, e)| {
                (
                    name,
                    StreamEvent {
                        schema: e.schema.clone(),
                        schema_pointer: e.schema_pointer,
                        pointer: e.pointer,
                    },
                )
            })
            .collect();
        let semantics = match media.get("x-stream") {
            Some(x) => Some(self.stream_semantics(x, &format!("{pointer}/x-stream"), &events)?),
            None => None,
        };
        Ok(Some(EventStream {
            pointer: pointer.to_string(),
            media_type: name.to_string(),
            schema: schema.clone(),
            property: types.property,
            events,
            semantics,
        }))
    }

    fn stream_semantics(
        &self,
        x: &Value,
        pointer: &str,
        events: &BTreeMap<String, StreamEvent>,
    ) -> Result<StreamSemantics, SpecError> {
        let known = || events.keys().cloned().collect::<Vec<_>>().join(", ");
        let x = x.as_object().ok_or_else(|| {
            self.invalid(
                pointer,
                "x-stream is not a mapping; give terminal, success, error, progress and content (openapi/EXTENSIONS.md)",
            )
        })?;
        let event = |value: &Value, at: &str| -> Result<String, SpecError> {
            let name = value.as_str().ok_or_else(|| {
                self.invalid(
                    at,
                    format!("not an event type name; use one of: {}", known()),
                )
            })?;
            if !events.contains_key(name) {
                return Err(self.invalid(
                    at,
                    format!(
                        "event type `{name}` is not one the stream's schema documents; use one of: {}",
                        known()
                    ),
                ));
            }
            Ok(name.to_string())
        };
        let field = |value: &Value, at: &str| -> Result<EventField, SpecError> {
            let ev = value.get("event").ok_or_else(|| {
                self.invalid(
                    at,
                    "has no `event`; name the event type, e.g. {event: chunk, field: content}",
                )
            })?;
            let event = event(ev, &format!("{at}/event"))?;
            let field = value
                .get("field")
                .and_then(Value::as_str)
                .filter(|f| !f.is_empty())
                .ok_or_else(|| self.invalid(at, "has no `field`; name the event's property"))?
                .to_string();
            Ok(EventField { event, field })
        };
        for key in x.keys() {
            if !["terminal", "success", "error", "progress", "content"].contains(&key.as_str()) {
                return Err(self.invalid(
                    &format!("{pointer}/{}", crate::escape_pointer(key)),
                    format!("x-stream key `{key}` is unknown; use terminal, success, error, progress or content"),
                ));
            }
        }
        let mut terminal = Vec::new();
        if let Some(list) = x.get("terminal") {
            let at = format!("{pointer}/terminal");
            let list = list
                .as_array()
                .ok_or_else(|| self.invalid(&at, "terminal is not a list of event types"))?;
            for (i, item) in list.iter().enumerate() {
                terminal.push(event(item, &format!("{at}/{i}"))?);
            }
        }
        let one = |key: &str| -> Result<Option<String>, SpecError> {
            x.get(key)
                .map(|v| event(v, &format!("{pointer}/{key}")))
                .transpose()
        };
        let success = one("success")?;
        let error = one("error")?;
        for (key, name) in [("success", &success), ("error", &error)] {
            if let Some(name) = name
                && !terminal.contains(name)
            {
                return Err(self.invalid(
                    &format!("{pointer}/{key}"),
                    format!("{key} event `{name}` is not listed in `terminal`; add it there"),
                ));
            }
        }
        let progress = match x.get("progress") {
            Some(v) => {
                let at = format!("{pointer}/progress");
                let EventField { event, field } = field(v, &at)?;
                let start = match v.get("start") {
                    None => None,
                    Some(s) => Some(s.as_f64().ok_or_else(|| {
                        self.invalid(&format!("{at}/start"), "start is not a number")
                    })?),
                };
                Some(ProgressField {
                    event,
                    field,
                    start,
                })
            }
            None => None,
        };
        let content = x
            .get("content")
            .map(|v| field(v, &format!("{pointer}/content")))
            .transpose()?;
        Ok(StreamSemantics {
            pointer: pointer.to_string(),
            terminal,
            success,
            error,
            progress,
            content,
        })
    }
}
