//! Comparing two schemas with a polarity: request schemas break clients when they accept
//! less, response schemas when they promise less. Follows `$ref`s on both sides (comparing
//! resolved content), merges `allOf`, matches `oneOf`/`anyOf` branches, and guards cycles.

use std::collections::BTreeSet;

use sb_spec::resolve::{self, Node};
use sb_spec::stream::event_types;
use sb_spec::{Spec, SpecError};
use serde_json::Value;

use crate::change::{Area, RawChange, Severity};

/// Which way data flows through a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Polarity {
    /// Clients send it: narrowing breaks them.
    Request,
    /// Clients receive it: widening breaks them.
    Response,
}

impl Polarity {
    /// The severity for a change, given what it means in each direction.
    fn pick(self, request: Severity, response: Severity) -> Severity {
        match self {
            Polarity::Request => request,
            Polarity::Response => response,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Polarity::Request => "request",
            Polarity::Response => "response",
        }
    }
}

/// Where in an operation a schema sits, for messages.
#[derive(Debug, Clone)]
pub(crate) struct Loc {
    /// `request body application/json`, `response 200 text/event-stream`, ...
    pub context: String,
    /// Dotted path from the body root (`brandAssets.primaryColor`, `results[].id`).
    pub field: String,
    /// The SSE event type, inside an event stream.
    pub event: Option<String>,
    /// The property naming the event type (`type`), inside an event stream.
    pub event_property: Option<String>,
}

impl Loc {
    /// A location at the root of a body or parameter.
    pub fn root(context: impl Into<String>) -> Loc {
        Loc {
            context: context.into(),
            field: String::new(),
            event: None,
            event_property: None,
        }
    }

    fn property(&self, name: &str) -> Loc {
        let field = if self.field.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.field)
        };
        Loc {
            field,
            ..self.clone()
        }
    }

    fn items(&self) -> Loc {
        Loc {
            field: format!("{}[]", self.field),
            ..self.clone()
        }
    }

    /// `field `a.b`` or `event `complete` field `a``, or `the schema` at the root.
    fn subject(&self, polarity: Polarity) -> String {
        match (&self.event, self.field.is_empty()) {
            (Some(event), true) => format!("event `{event}`"),
            (Some(event), false) => format!("event `{event}` field `{}`", self.field),
            (None, true) => format!("{} schema", polarity.noun()),
            (None, false) => format!("{} field `{}`", polarity.noun(), self.field),
        }
    }
}

/// Compares schemas of one operation and records changes.
pub(crate) struct Walker<'a> {
    pub old: &'a Spec,
    pub new: &'a Spec,
    pub operation_id: Option<String>,
    pub endpoint: Option<String>,
    pub out: &'a mut Vec<RawChange>,
    /// Pairs of resolved pointers being compared, to stop on recursive schemas.
    stack: Vec<(String, String, bool)>,
}

impl<'a> Walker<'a> {
    /// A walker recording into `out`.
    pub fn new(
        old: &'a Spec,
        new: &'a Spec,
        operation_id: Option<String>,
        endpoint: Option<String>,
        out: &'a mut Vec<RawChange>,
    ) -> Walker<'a> {
        Walker {
            old,
            new,
            operation_id,
            endpoint,
            out,
            stack: Vec::new(),
        }
    }

    /// Records one change.
    pub fn emit(
        &mut self,
        severity: Severity,
        area: Area,
        pointer: &str,
        what: String,
        context: Option<&str>,
    ) {
        self.out.push(RawChange {
            severity,
            area,
            operation_id: self.operation_id.clone(),
            endpoint: self.endpoint.clone(),
            pointer: pointer.to_string(),
            what,
            context: context.map(str::to_string),
        });
    }

    /// Compares an old and a new schema (either may be a `$ref`).
    pub fn schema(
        &mut self,
        old: &'a Value,
        old_ptr: &str,
        new: &'a Value,
        new_ptr: &str,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let o = resolve::deref(self.old, old, old_ptr)?;
        let n = resolve::deref(self.new, new, new_ptr)?;
        let key = (
            o.pointer.clone(),
            n.pointer.clone(),
            polarity == Polarity::Request,
        );
        if self.stack.contains(&key) {
            return Ok(());
        }
        self.stack.push(key);
        let result = self.schema_resolved(&o, &n, polarity, loc);
        self.stack.pop();
        result
    }

    fn schema_resolved(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        match (resolve::branches(o), resolve::branches(n)) {
            (Some((old_kind, old_list)), Some((new_kind, new_list))) => {
                if old_kind != new_kind {
                    self.emit(
                        Severity::PotentiallyBreaking,
                        Area::Composition,
                        &n.pointer,
                        format!("{subject} changed from `{old_kind}` to `{new_kind}`"),
                        ctx,
                    );
                }
                self.branches(o, old_kind, old_list, n, new_kind, new_list, polarity, loc)?;
            }
            (Some((kind, _)), None) => {
                self.emit(
                    polarity.pick(Severity::Breaking, Severity::PotentiallyBreaking),
                    Area::Composition,
                    &n.pointer,
                    format!("{subject} is no longer a `{kind}` of alternatives"),
                    ctx,
                );
            }
            (None, Some((kind, _))) => {
                self.emit(
                    polarity.pick(Severity::PotentiallyBreaking, Severity::Breaking),
                    Area::Composition,
                    &n.pointer,
                    format!("{subject} became a `{kind}` of alternatives"),
                    ctx,
                );
            }
            (None, None) => {}
        }

        let old_nullable = resolve::nullable(self.old, o)?;
        let new_nullable = resolve::nullable(self.new, n)?;
        if !old_nullable && new_nullable {
            self.emit(
                polarity.pick(Severity::NonBreaking, Severity::Breaking),
                Area::Type,
                &n.pointer,
                format!("{subject} may now be null"),
                ctx,
            );
        } else if old_nullable && !new_nullable {
            self.emit(
                polarity.pick(Severity::Breaking, Severity::NonBreaking),
                Area::Type,
                &n.pointer,
                format!("{subject} no longer allows null"),
                ctx,
            );
        }

        let old_type = resolve::type_of(self.old, o)?;
        let new_type = resolve::type_of(self.new, n)?;
        if old_type != new_type {
            let composed = resolve::branches(o).is_some() || resolve::branches(n).is_some();
            let severity = match (old_type.as_deref(), new_type.as_deref()) {
                (Some("integer"), Some("number")) => {
                    polarity.pick(Severity::NonBreaking, Severity::Breaking)
                }
                (Some("number"), Some("integer")) => {
                    polarity.pick(Severity::Breaking, Severity::NonBreaking)
                }
                (None, Some(_)) => polarity.pick(Severity::Breaking, Severity::NonBreaking),
                (Some(_), None) => polarity.pick(Severity::NonBreaking, Severity::Breaking),
                _ => Severity::Breaking,
            };
            if !composed {
                let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "any".to_string());
                let pointer = resolve::keyword(self.new, n, "type")?
                    .map(|(_, p)| p)
                    .unwrap_or_else(|| n.pointer.clone());
                self.emit(
                    severity,
                    Area::Type,
                    &pointer,
                    format!(
                        "{subject} type changed from {} to {}",
                        show(&old_type),
                        show(&new_type)
                    ),
                    ctx,
                );
                // Everything below the type means something else now.
                return Ok(());
            }
        }

        self.format(o, n, polarity, &subject, ctx)?;
        // The event type property's enum is the event's identity: its values are compared
        // as event types, not as an enum.
        let is_event_tag = loc.event.is_some() && loc.event_property.as_ref() == Some(&loc.field);
        if !is_event_tag {
            self.enumeration(o, n, polarity, &subject, ctx)?;
        }
        self.default(o, n, &subject, ctx)?;
        self.constraints(o, n, polarity, &subject, ctx)?;

        let is_object = |t: &Option<String>| t.as_deref() == Some("object");
        if is_object(&old_type) || is_object(&new_type) {
            self.object(o, n, polarity, loc)?;
        }
        if let (Some((old_items, old_items_ptr)), Some((new_items, new_items_ptr))) = (
            resolve::keyword(self.old, o, "items")?,
            resolve::keyword(self.new, n, "items")?,
        ) {
            self.schema(
                old_items,
                &old_items_ptr,
                new_items,
                &new_items_ptr,
                polarity,
                &loc.items(),
            )?;
        }
        Ok(())
    }

    fn format(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        subject: &str,
        ctx: Option<&str>,
    ) -> Result<(), SpecError> {
        let old = resolve::keyword(self.old, o, "format")?;
        let new = resolve::keyword(self.new, n, "format")?;
        let text = |v: &Value| v.as_str().unwrap_or("?").to_string();
        match (old, new) {
            (Some((a, _)), Some((b, ptr))) if a != b => self.emit(
                Severity::Breaking,
                Area::Format,
                &ptr,
                format!("{subject} format changed from {} to {}", text(a), text(b)),
                ctx,
            ),
            (None, Some((b, ptr))) => self.emit(
                polarity.pick(Severity::Breaking, Severity::NonBreaking),
                Area::Format,
                &ptr,
                format!("{subject} now has format {}", text(b)),
                ctx,
            ),
            (Some((a, ptr)), None) => self.emit(
                polarity.pick(Severity::NonBreaking, Severity::Breaking),
                Area::Format,
                &ptr,
                format!("{subject} no longer has format {}", text(a)),
                ctx,
            ),
            _ => {}
        }
        Ok(())
    }

    fn enumeration(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        subject: &str,
        ctx: Option<&str>,
    ) -> Result<(), SpecError> {
        let old = resolve::keyword(self.old, o, "enum")?;
        let new = resolve::keyword(self.new, n, "enum")?;
        match (old, new) {
            (Some((a, a_ptr)), Some((b, b_ptr))) => {
                let a = a.as_array().map(Vec::as_slice).unwrap_or_default();
                let b = b.as_array().map(Vec::as_slice).unwrap_or_default();
                for (index, value) in a.iter().enumerate() {
                    if !b.contains(value) {
                        self.emit(
                            polarity.pick(Severity::Breaking, Severity::NonBreaking),
                            Area::Enum,
                            &format!("{a_ptr}/{index}"),
                            format!("{subject} enum value {value} removed"),
                            ctx,
                        );
                    }
                }
                for (index, value) in b.iter().enumerate() {
                    if !a.contains(value) {
                        // A new request value is harmless on the wire, but generated clients
                        // share one enum type between requests and responses, so exhaustive
                        // matches over it stop compiling.
                        self.emit(
                            polarity.pick(Severity::PotentiallyBreaking, Severity::Breaking),
                            Area::Enum,
                            &format!("{b_ptr}/{index}"),
                            format!("{subject} enum value {value} added"),
                            ctx,
                        );
                    }
                }
            }
            (None, Some((_, ptr))) => self.emit(
                polarity.pick(Severity::Breaking, Severity::NonBreaking),
                Area::Enum,
                &ptr,
                format!("{subject} is now restricted to an enum"),
                ctx,
            ),
            (Some((_, ptr)), None) => self.emit(
                polarity.pick(Severity::NonBreaking, Severity::Breaking),
                Area::Enum,
                &ptr,
                format!("{subject} is no longer restricted to an enum"),
                ctx,
            ),
            (None, None) => {}
        }
        Ok(())
    }

    fn default(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        subject: &str,
        ctx: Option<&str>,
    ) -> Result<(), SpecError> {
        let old = resolve::keyword(self.old, o, "default")?;
        let new = resolve::keyword(self.new, n, "default")?;
        match (old, new) {
            (Some((a, _)), Some((b, ptr))) if a != b => self.emit(
                Severity::PotentiallyBreaking,
                Area::Default,
                &ptr,
                format!("{subject} default changed from {a} to {b}"),
                ctx,
            ),
            (Some((a, ptr)), None) => self.emit(
                Severity::PotentiallyBreaking,
                Area::Default,
                &ptr,
                format!("{subject} default {a} removed"),
                ctx,
            ),
            (None, Some((b, ptr))) => self.emit(
                Severity::NonBreaking,
                Area::Default,
                &ptr,
                format!("{subject} now defaults to {b}"),
                ctx,
            ),
            _ => {}
        }
        Ok(())
    }

    fn constraints(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        subject: &str,
        ctx: Option<&str>,
    ) -> Result<(), SpecError> {
        for (keyword, kind) in CONSTRAINTS {
            let old = resolve::keyword(self.old, o, keyword)?;
            let new = resolve::keyword(self.new, n, keyword)?;
            let (old_value, new_value) = (old.as_ref().map(|o| o.0), new.as_ref().map(|n| n.0));
            let Some(tighter) = kind.tighter(old_value, new_value) else {
                continue;
            };
            let pointer = new
                .as_ref()
                .or(old.as_ref())
                .map(|(_, p)| p.clone())
                .unwrap_or_else(|| n.pointer.clone());
            let show = |v: Option<&Value>| v.map_or_else(|| "none".to_string(), Value::to_string);
            let (severity, verb) = if tighter {
                (
                    polarity.pick(Severity::Breaking, Severity::NonBreaking),
                    "tightened",
                )
            } else {
                // A response that may now hold values outside the old range can break
                // clients that relied on it (a 0..=10 score drawn as a gauge).
                (
                    polarity.pick(Severity::NonBreaking, Severity::PotentiallyBreaking),
                    "relaxed",
                )
            };
            self.emit(
                severity,
                Area::Constraint,
                &pointer,
                format!(
                    "{subject} {keyword} {verb} from {} to {}",
                    show(old_value),
                    show(new_value)
                ),
                ctx,
            );
        }
        Ok(())
    }

    fn object(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let old = resolve::object_view(self.old, o)?;
        let new = resolve::object_view(self.new, n)?;
        let ctx = Some(loc.context.as_str());
        let area = if loc.event.is_some() {
            Area::SseEvent
        } else {
            Area::SchemaProperty
        };
        for (name, old_prop) in &old.properties {
            let field = loc.property(name);
            let subject = field.subject(polarity);
            let Some(new_prop) = new.properties.get(name) else {
                let severity = match polarity {
                    Polarity::Response => Severity::Breaking,
                    Polarity::Request if new.closed => Severity::Breaking,
                    Polarity::Request => Severity::PotentiallyBreaking,
                };
                let why = match polarity {
                    Polarity::Response => "",
                    Polarity::Request if new.closed => {
                        "; the schema rejects unknown properties, so clients that send it fail"
                    }
                    Polarity::Request => "; clients that send it have it ignored",
                };
                let renamed = new
                    .properties
                    .iter()
                    .find(|(other, p)| {
                        !old.properties.contains_key(*other) && p.schema == old_prop.schema
                    })
                    .map(|(other, _)| format!("; renamed to `{other}`?"))
                    .unwrap_or_default();
                self.emit(
                    severity,
                    area,
                    &old_prop.pointer,
                    format!("{subject} removed{why}{renamed}"),
                    ctx,
                );
                continue;
            };
            let was_required = old.required.contains(name);
            let is_required = new.required.contains(name);
            if was_required != is_required {
                let (severity, what) = match (polarity, is_required) {
                    (Polarity::Request, true) => (Severity::Breaking, "is now required"),
                    (Polarity::Request, false) => (Severity::NonBreaking, "is no longer required"),
                    (Polarity::Response, false) => {
                        (Severity::Breaking, "is no longer required (may be absent)")
                    }
                    (Polarity::Response, true) => (Severity::NonBreaking, "is now always present"),
                };
                self.emit(
                    severity,
                    area,
                    &new_prop.pointer,
                    format!("{subject} {what}"),
                    ctx,
                );
            }
            self.schema(
                old_prop.schema,
                &old_prop.pointer,
                new_prop.schema,
                &new_prop.pointer,
                polarity,
                &field,
            )?;
        }
        for (name, new_prop) in &new.properties {
            if old.properties.contains_key(name) {
                continue;
            }
            let subject = loc.property(name).subject(polarity);
            let required = new.required.contains(name);
            let (severity, what) = match polarity {
                Polarity::Request if required => {
                    (Severity::Breaking, format!("new required {subject}"))
                }
                Polarity::Request => (Severity::NonBreaking, format!("new optional {subject}")),
                // Clients generated from a closed schema deny unknown fields.
                Polarity::Response if old.closed => (
                    Severity::PotentiallyBreaking,
                    format!("new {subject} in a schema with additionalProperties: false"),
                ),
                Polarity::Response => (Severity::NonBreaking, format!("new {subject}")),
            };
            self.emit(severity, area, &new_prop.pointer, what, ctx);
        }
        if old.closed != new.closed {
            let subject = loc.subject(polarity);
            let (severity, what) = match (polarity, new.closed) {
                (Polarity::Request, true) => {
                    (Severity::Breaking, "no longer accepts unknown properties")
                }
                (Polarity::Request, false) => (Severity::NonBreaking, "accepts unknown properties"),
                (Polarity::Response, false) => (
                    Severity::PotentiallyBreaking,
                    "may now hold unknown properties",
                ),
                (Polarity::Response, true) => {
                    (Severity::NonBreaking, "no longer holds unknown properties")
                }
            };
            self.emit(
                severity,
                Area::SchemaProperty,
                &n.pointer,
                format!("{subject} {what}"),
                ctx,
            );
        }
        Ok(())
    }

    /// Matches `oneOf`/`anyOf` branches by component name, then by discriminator value, then
    /// inline branches by position, and compares matched pairs.
    #[expect(clippy::too_many_arguments, reason = "both sides of one comparison")]
    fn branches(
        &mut self,
        o: &Node<'a>,
        old_kind: &str,
        old_list: &'a [Value],
        n: &Node<'a>,
        new_kind: &str,
        new_list: &'a [Value],
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let old_keys = branch_keys(self.old, o, old_kind, old_list)?;
        let new_keys = branch_keys(self.new, n, new_kind, new_list)?;
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut old_left: BTreeSet<usize> = (0..old_list.len()).collect();
        let mut new_left: BTreeSet<usize> = (0..new_list.len()).collect();
        type KeyOf = fn(&BranchKey) -> Option<&String>;
        let strategies: [KeyOf; 3] = [
            |k| k.ref_name.as_ref(),
            |k| k.tag.as_ref(),
            |k| k.inline_position.as_ref(),
        ];
        for key_of in strategies {
            for i in old_left.clone() {
                let Some(key) = key_of(&old_keys[i]) else {
                    continue;
                };
                if let Some(j) = new_left
                    .iter()
                    .copied()
                    .find(|j| key_of(&new_keys[*j]) == Some(key))
                {
                    pairs.push((i, j));
                    old_left.remove(&i);
                    new_left.remove(&j);
                }
            }
        }
        let ctx = Some(loc.context.as_str());
        let subject = loc.subject(polarity);
        for i in old_left {
            self.emit(
                polarity.pick(Severity::Breaking, Severity::PotentiallyBreaking),
                Area::Composition,
                &format!("{}/{old_kind}/{i}", o.pointer),
                format!("{subject} alternative `{}` removed", old_keys[i].label(i)),
                ctx,
            );
        }
        for j in new_left {
            self.emit(
                polarity.pick(Severity::NonBreaking, Severity::Breaking),
                Area::Composition,
                &format!("{}/{new_kind}/{j}", n.pointer),
                format!("{subject} alternative `{}` added", new_keys[j].label(j)),
                ctx,
            );
        }
        pairs.sort_unstable();
        for (i, j) in pairs {
            self.schema(
                &old_list[i],
                &format!("{}/{old_kind}/{i}", o.pointer),
                &new_list[j],
                &format!("{}/{new_kind}/{j}", n.pointer),
                polarity,
                loc,
            )?;
        }
        Ok(())
    }

    /// Compares two event-stream schemas event type by event type.
    pub fn events(
        &mut self,
        old: &'a Value,
        old_ptr: &str,
        new: &'a Value,
        new_ptr: &str,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let old_events = event_types(self.old, old, old_ptr)?;
        let new_events = event_types(self.new, new, new_ptr)?;
        let ctx = Some(loc.context.as_str());
        if old_events.property != new_events.property {
            self.emit(
                Severity::Breaking,
                Area::SseEvent,
                &resolve::deref(self.new, new, new_ptr)?.pointer,
                format!(
                    "event type property renamed from `{}` to `{}`",
                    old_events.property, new_events.property
                ),
                ctx,
            );
        }
        for (name, event) in &old_events.events {
            if !new_events.events.contains_key(name) {
                self.emit(
                    Severity::Breaking,
                    Area::SseEvent,
                    &event.pointer,
                    format!("event type `{name}` removed"),
                    ctx,
                );
            }
        }
        for (name, event) in &new_events.events {
            match old_events.events.get(name) {
                // Clients that skip unknown events are fine; clients that check the type
                // against a fixed list (as the frontend's stream-format test does) fail.
                None => self.emit(
                    Severity::PotentiallyBreaking,
                    Area::SseEvent,
                    &event.pointer,
                    format!("new event type `{name}`"),
                    ctx,
                ),
                Some(old_event) => {
                    let event_loc = Loc {
                        event: Some(name.clone()),
                        event_property: Some(new_events.property.clone()),
                        ..loc.clone()
                    };
                    let old_node =
                        resolve::deref(self.old, old_event.schema, &old_event.schema_pointer)?;
                    let new_node = resolve::deref(self.new, event.schema, &event.schema_pointer)?;
                    // A branch is compared as a plain schema: its own branches are not events.
                    self.schema(
                        old_node.value,
                        &old_node.pointer,
                        new_node.value,
                        &new_node.pointer,
                        Polarity::Response,
                        &event_loc,
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// How a branch can be recognised across versions.
#[derive(Debug)]
struct BranchKey {
    ref_name: Option<String>,
    tag: Option<String>,
    inline_position: Option<String>,
}

impl BranchKey {
    fn label(&self, index: usize) -> String {
        self.ref_name
            .clone()
            .or_else(|| self.tag.clone())
            .unwrap_or_else(|| format!("#{index}"))
    }
}

fn branch_keys(
    spec: &Spec,
    node: &Node<'_>,
    kind: &str,
    list: &[Value],
) -> Result<Vec<BranchKey>, SpecError> {
    let events = event_types(spec, node.value, &node.pointer)?;
    let mut keys = Vec::with_capacity(list.len());
    let mut inline = 0;
    for (index, branch) in list.iter().enumerate() {
        let pointer = format!("{}/{kind}/{index}", node.pointer);
        let resolved = resolve::deref(spec, branch, &pointer)?;
        let tag = events
            .events
            .iter()
            .find(|(_, e)| e.pointer == pointer)
            .map(|(name, _)| name.clone())
            .filter(|name| !name.starts_with('#') && Some(name) != resolved.ref_name.as_ref());
        let inline_position = resolved.ref_name.is_none().then(|| {
            inline += 1;
            format!("inline #{inline}")
        });
        keys.push(BranchKey {
            ref_name: resolved.ref_name,
            tag,
            inline_position,
        });
    }
    Ok(keys)
}

/// How a validation keyword narrows what is allowed.
#[derive(Debug, Clone, Copy)]
enum Constraint {
    /// Larger is tighter (`minimum`, `minLength`).
    Lower,
    /// Smaller is tighter (`maximum`, `maxLength`).
    Upper,
    /// `true` is tighter (`uniqueItems`, boolean `exclusiveMinimum` of 3.0).
    Flag,
    /// Any change tightens, removal relaxes (`pattern`, `multipleOf`).
    Opaque,
}

const CONSTRAINTS: [(&str, Constraint); 13] = [
    ("minimum", Constraint::Lower),
    ("maximum", Constraint::Upper),
    ("exclusiveMinimum", Constraint::Flag),
    ("exclusiveMaximum", Constraint::Flag),
    ("multipleOf", Constraint::Opaque),
    ("minLength", Constraint::Lower),
    ("maxLength", Constraint::Upper),
    ("pattern", Constraint::Opaque),
    ("minItems", Constraint::Lower),
    ("maxItems", Constraint::Upper),
    ("uniqueItems", Constraint::Flag),
    ("minProperties", Constraint::Lower),
    ("maxProperties", Constraint::Upper),
];

impl Constraint {
    /// `Some(true)` when the new value allows less, `Some(false)` when more, `None` when equal.
    fn tighter(self, old: Option<&Value>, new: Option<&Value>) -> Option<bool> {
        if old == new {
            return None;
        }
        match self {
            Constraint::Lower | Constraint::Upper => {
                // OpenAPI 3.1 numeric exclusive bounds are not flags; they are handled the
                // same way as the plain bounds.
                let (Some(a), Some(b)) = (old.and_then(Value::as_f64), new.and_then(Value::as_f64))
                else {
                    return Some(new.is_some());
                };
                if a == b {
                    return None;
                }
                Some(matches!(self, Constraint::Lower) == (b > a))
            }
            Constraint::Flag => {
                let on = |v: Option<&Value>| match v {
                    Some(Value::Bool(b)) => *b,
                    Some(Value::Number(_)) => true,
                    _ => false,
                };
                if on(old) == on(new) && old.is_some_and(Value::is_number) {
                    // Numeric exclusive bounds (3.1) that moved: treat like a lower bound.
                    return Constraint::Opaque.tighter(old, new);
                }
                (on(old) != on(new)).then_some(on(new))
            }
            Constraint::Opaque => Some(new.is_some()),
        }
    }
}
