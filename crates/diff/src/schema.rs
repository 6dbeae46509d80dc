//! Comparing two schemas with a polarity: request schemas break clients when they accept
//! less, response schemas when they promise less. Follows `$ref`s on both sides (comparing
//! resolved content), merges `allOf`, matches `oneOf`/`anyOf` branches, and guards cycles.

use std::collections::BTreeSet;

use sb_spec::resolve::{self, Node, child};
use sb_spec::stream::event_types;
use sb_spec::{Spec, SpecError};
use serde_json::Value;

use crate::change::{Area, RawChange, Severity};
use crate::rules;

/// Which way data flows through a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Polarity {
    /// Clients send it: narrowing breaks them.
    Request,
    /// Clients receive it: widening breaks them.
    Response,
}

impl Polarity {
    /// The rule id for a change, given its id in each direction.
    pub fn pick_id(self, request: &'static str, response: &'static str) -> &'static str {
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

/// What a schema belongs to: a body (request, response or SSE event), a parameter or a
/// response header. Decides the scope of rule ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    Body,
    Parameter,
    Header,
}

/// Where in an operation a schema sits, for messages and rule ids.
#[derive(Debug, Clone)]
pub(crate) struct Loc {
    /// What the schema belongs to.
    pub root: Root,
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
    pub fn root(root: Root, context: impl Into<String>) -> Loc {
        Loc {
            root,
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

    /// The values of a map (`additionalProperties`): `metadata.*`.
    fn values(&self) -> Loc {
        self.property("*")
    }

    /// The scope of schema keyword rule ids: `request-body` at the root of a request body,
    /// `request-property` below it, `request-parameter` for a parameter's schema, and the
    /// same on the response side (`response-header` for headers; SSE events are response
    /// bodies).
    pub fn scope(&self, polarity: Polarity) -> &'static str {
        match (polarity, self.root, self.field.is_empty()) {
            (Polarity::Request, Root::Parameter, _) => "request-parameter",
            (Polarity::Request, _, true) => "request-body",
            (Polarity::Request, _, false) => "request-property",
            (Polarity::Response, Root::Header, _) => "response-header",
            (Polarity::Response, _, true) => "response-body",
            (Polarity::Response, _, false) => "response-property",
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

    /// Records one change of rule `id`; the rule decides its severity.
    pub fn emit(
        &mut self,
        id: &str,
        area: Area,
        pointer: &str,
        what: String,
        context: Option<&str>,
    ) {
        self.out.push(RawChange {
            id: id.to_string(),
            severity: rules::severity(id),
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

    /// Records a schema keyword change: the rule id is the location's scope
    /// (`request-property`, `response-body`, ...) followed by `suffix`.
    #[expect(clippy::too_many_arguments, reason = "one change and where it is")]
    fn rule(
        &mut self,
        loc: &Loc,
        polarity: Polarity,
        suffix: &str,
        area: Area,
        pointer: &str,
        what: String,
        ctx: Option<&str>,
    ) {
        let id = format!("{}-{suffix}", loc.scope(polarity));
        self.emit(&id, area, pointer, what, ctx);
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
                    self.rule(
                        loc,
                        polarity,
                        "union-kind-changed",
                        Area::Composition,
                        &n.pointer,
                        format!("{subject} changed from `{old_kind}` to `{new_kind}`"),
                        ctx,
                    );
                }
                self.branches(o, old_kind, old_list, n, new_kind, new_list, polarity, loc)?;
            }
            (Some((kind, _)), None) => {
                self.rule(
                    loc,
                    polarity,
                    "unwrapped-from-union",
                    Area::Composition,
                    &n.pointer,
                    format!("{subject} is no longer a `{kind}` of alternatives"),
                    ctx,
                );
            }
            (None, Some((kind, _))) => {
                // A request payload that matches more than one alternative of a `oneOf` is
                // rejected, so wrapping an accepted schema in overlapping alternatives breaks
                // clients; `anyOf` accepts a payload matching several.
                let suffix = if kind == "oneOf" {
                    "wrapped-in-one-of"
                } else {
                    "wrapped-in-any-of"
                };
                self.rule(
                    loc,
                    polarity,
                    suffix,
                    Area::Composition,
                    &n.pointer,
                    format!("{subject} became a `{kind}` of alternatives"),
                    ctx,
                );
            }
            (None, None) => {}
        }
        self.all_of(o, n, polarity, loc)?;
        self.discriminator(o, n, polarity, loc);
        if resolve::branches(o).is_some() != resolve::branches(n).is_some() {
            // Wrapped in or unwrapped from a union: the union's own keywords (none, mostly)
            // against the plain schema's would list every property as added or removed.
            return Ok(());
        }

        let old_nullable = resolve::nullable(self.old, o)?;
        let new_nullable = resolve::nullable(self.new, n)?;
        if old_nullable != new_nullable {
            let (suffix, what) = if new_nullable {
                ("became-nullable", "may now be null")
            } else {
                ("became-not-nullable", "no longer allows null")
            };
            self.rule(
                loc,
                polarity,
                suffix,
                Area::Type,
                &n.pointer,
                format!("{subject} {what}"),
                ctx,
            );
        }

        let old_type = resolve::type_of(self.old, o)?;
        let new_type = resolve::type_of(self.new, n)?;
        if old_type != new_type {
            let composed = resolve::branches(o).is_some() || resolve::branches(n).is_some();
            let suffix = match (old_type.as_deref(), new_type.as_deref()) {
                (Some("integer"), Some("number")) => "type-generalized",
                (Some("number"), Some("integer")) => "type-specialized",
                (None, Some(_)) => "type-set",
                (Some(_), None) => "type-unset",
                _ => "type-changed",
            };
            if !composed {
                let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "any".to_string());
                let pointer = resolve::keyword(self.new, n, "type")?
                    .map(|(_, p)| p)
                    .unwrap_or_else(|| n.pointer.clone());
                self.rule(
                    loc,
                    polarity,
                    suffix,
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

        self.format(o, n, polarity, loc)?;
        // The event type property's enum is the event's identity: its values are compared
        // as event types, not as an enum.
        let is_event_tag = loc.event.is_some() && loc.event_property.as_ref() == Some(&loc.field);
        if !is_event_tag {
            self.enumeration(o, n, polarity, loc)?;
        }
        self.default(o, n, polarity, loc)?;
        self.constraints(o, n, polarity, loc)?;

        // Properties are compared whatever the `type` says: `properties` under a schema typed
        // `string` (or untyped) still validate objects and generate fields.
        self.object(o, n, polarity, loc)?;
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

    /// `allOf` members added or removed, matched by component name, inline members by
    /// position. Their merged properties and keywords are compared on their own; this
    /// reports the member itself (a new request member's constraints all apply).
    fn all_of(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let members = |spec: &'a Spec, node: &Node<'a>| -> Result<Vec<Member>, SpecError> {
            let mut out = Vec::new();
            let mut inline = 0;
            let list = node.value.get("allOf").and_then(Value::as_array);
            for (index, member) in list.into_iter().flatten().enumerate() {
                let pointer = format!("{}/allOf/{index}", node.pointer);
                let resolved = resolve::deref(spec, member, &pointer)?;
                let key = match &resolved.ref_name {
                    Some(name) => name.clone(),
                    None => {
                        inline += 1;
                        format!("inline #{inline}")
                    }
                };
                out.push(Member {
                    key,
                    pointer,
                    annotation_only: annotation_only(resolved.value),
                });
            }
            Ok(out)
        };
        let old = members(self.old, o)?;
        let new = members(self.new, n)?;
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        for member in old.iter().filter(|m| !new.iter().any(|x| x.key == m.key)) {
            let suffix = if member.annotation_only {
                "all-of-removed-annotation-only"
            } else {
                "all-of-removed"
            };
            self.rule(
                loc,
                polarity,
                suffix,
                Area::Composition,
                &member.pointer,
                format!("{subject} `allOf` member `{}` removed", member.key),
                ctx,
            );
        }
        for member in new.iter().filter(|m| !old.iter().any(|x| x.key == m.key)) {
            let suffix = if member.annotation_only {
                "all-of-added-annotation-only"
            } else {
                "all-of-added"
            };
            self.rule(
                loc,
                polarity,
                suffix,
                Area::Composition,
                &member.pointer,
                format!("{subject} `allOf` member `{}` added", member.key),
                ctx,
            );
        }
        Ok(())
    }

    /// `discriminator` added, removed, renamed or remapped: information (branch changes
    /// themselves are reported by the branch matching).
    fn discriminator(&mut self, o: &Node<'a>, n: &Node<'a>, polarity: Polarity, loc: &Loc) {
        let old = o.value.get("discriminator");
        let new = n.value.get("discriminator");
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        let pointer = child(&n.pointer, "discriminator");
        match (old, new) {
            (None, Some(_)) => self.rule(
                loc,
                polarity,
                "discriminator-added",
                Area::Composition,
                &pointer,
                format!("{subject} now has a discriminator"),
                ctx,
            ),
            (Some(_), None) => self.rule(
                loc,
                polarity,
                "discriminator-removed",
                Area::Composition,
                &child(&o.pointer, "discriminator"),
                format!("{subject} no longer has a discriminator"),
                ctx,
            ),
            (Some(a), Some(b)) => {
                let name = |d: &Value| d.get("propertyName").cloned().unwrap_or(Value::Null);
                if name(a) != name(b) {
                    self.rule(
                        loc,
                        polarity,
                        "discriminator-property-name-changed",
                        Area::Composition,
                        &child(&pointer, "propertyName"),
                        format!(
                            "{subject} discriminator property changed from {} to {}",
                            name(a),
                            name(b)
                        ),
                        ctx,
                    );
                }
                let mapping = |d: &'a Value| {
                    d.get("mapping")
                        .and_then(Value::as_object)
                        .map(|m| m.iter().collect::<Vec<_>>())
                        .unwrap_or_default()
                };
                let (ma, mb) = (mapping(a), mapping(b));
                let map_ptr = child(&pointer, "mapping");
                for (key, target) in &ma {
                    match mb.iter().find(|(k, _)| k == key) {
                        None => self.rule(
                            loc,
                            polarity,
                            "discriminator-mapping-deleted",
                            Area::Composition,
                            &child(&child(&o.pointer, "discriminator/mapping"), key),
                            format!("{subject} discriminator mapping `{key}` removed"),
                            ctx,
                        ),
                        Some((_, new_target)) if new_target != target => self.rule(
                            loc,
                            polarity,
                            "discriminator-mapping-changed",
                            Area::Composition,
                            &child(&map_ptr, key),
                            format!(
                                "{subject} discriminator mapping `{key}` changed from {target} to {new_target}"
                            ),
                            ctx,
                        ),
                        Some(_) => {}
                    }
                }
                for (key, _) in mb.iter().filter(|(k, _)| !ma.iter().any(|(x, _)| x == k)) {
                    self.rule(
                        loc,
                        polarity,
                        "discriminator-mapping-added",
                        Area::Composition,
                        &child(&map_ptr, key),
                        format!("{subject} discriminator mapping `{key}` added"),
                        ctx,
                    );
                }
            }
            (None, None) => {}
        }
    }

    fn format(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        let old = resolve::keyword(self.old, o, "format")?;
        let new = resolve::keyword(self.new, n, "format")?;
        let text = |v: &Value| v.as_str().unwrap_or("?").to_string();
        let (suffix, ptr, what) = match (old, new) {
            (Some((a, _)), Some((b, ptr))) if a != b => (
                "format-changed",
                ptr,
                format!("{subject} format changed from {} to {}", text(a), text(b)),
            ),
            (None, Some((b, ptr))) => (
                "format-added",
                ptr,
                format!("{subject} now has format {}", text(b)),
            ),
            (Some((a, ptr)), None) => (
                "format-removed",
                ptr,
                format!("{subject} no longer has format {}", text(a)),
            ),
            _ => return Ok(()),
        };
        self.rule(loc, polarity, suffix, Area::Format, &ptr, what, ctx);
        Ok(())
    }

    fn enumeration(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        let old = resolve::keyword(self.old, o, "enum")?;
        let new = resolve::keyword(self.new, n, "enum")?;
        match (old, new) {
            (Some((a, a_ptr)), Some((b, b_ptr))) => {
                let a = a.as_array().map(Vec::as_slice).unwrap_or_default();
                let b = b.as_array().map(Vec::as_slice).unwrap_or_default();
                for (index, value) in a.iter().enumerate() {
                    if !b.contains(value) {
                        self.rule(
                            loc,
                            polarity,
                            "enum-value-removed",
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
                        self.rule(
                            loc,
                            polarity,
                            "enum-value-added",
                            Area::Enum,
                            &format!("{b_ptr}/{index}"),
                            format!("{subject} enum value {value} added"),
                            ctx,
                        );
                    }
                }
            }
            (None, Some((_, ptr))) => self.rule(
                loc,
                polarity,
                "became-enum",
                Area::Enum,
                &ptr,
                format!("{subject} is now restricted to an enum"),
                ctx,
            ),
            (Some((_, ptr)), None) => self.rule(
                loc,
                polarity,
                "became-not-enum",
                Area::Enum,
                &ptr,
                format!("{subject} is no longer restricted to an enum"),
                ctx,
            ),
            (None, None) => {}
        }
        Ok(())
    }

    /// A request default is what the server assumes when a client leaves the value out, so
    /// changing or dropping it changes what those clients get; a response default is what
    /// generated clients fill in for an absent field.
    fn default(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        let old = resolve::keyword(self.old, o, "default")?;
        let new = resolve::keyword(self.new, n, "default")?;
        let (suffix, ptr, what) = match (old, new) {
            (Some((a, _)), Some((b, ptr))) if a != b => (
                "default-value-changed",
                ptr,
                format!("{subject} default changed from {a} to {b}"),
            ),
            (Some((a, ptr)), None) => (
                "default-value-removed",
                ptr,
                format!("{subject} default {a} removed"),
            ),
            (None, Some((b, ptr))) => (
                "default-value-added",
                ptr,
                format!("{subject} now defaults to {b}"),
            ),
            _ => return Ok(()),
        };
        self.rule(loc, polarity, suffix, Area::Default, &ptr, what, ctx);
        Ok(())
    }

    fn constraints(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        for (keyword, stem, kind) in CONSTRAINTS {
            let old = resolve::keyword(self.old, o, keyword)?;
            let new = resolve::keyword(self.new, n, keyword)?;
            let meaningful = |v: &Option<(&'a Value, String)>| {
                v.as_ref().map(|(v, _)| *v).filter(|v| !kind.is_vacuous(v))
            };
            let (old_value, new_value) = (meaningful(&old), meaningful(&new));
            let Some(suffix) = kind.suffix(old_value, new_value) else {
                continue;
            };
            let pointer = new
                .as_ref()
                .or(old.as_ref())
                .map(|(_, p)| p.clone())
                .unwrap_or_else(|| n.pointer.clone());
            let show = |v: Option<&Value>| v.map_or_else(|| "none".to_string(), Value::to_string);
            let id_suffix = format!("{stem}-{suffix}");
            let tighter = crate::rules::find(&format!("request-body-{id_suffix}"))
                .is_some_and(|r| r.severity == Severity::Breaking);
            let verb = match (tighter, suffix) {
                (_, "changed") => "changed",
                (true, _) => "tightened",
                (false, _) => "relaxed",
            };
            self.rule(
                loc,
                polarity,
                &id_suffix,
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
        let event = loc.event.is_some();
        let area = if event {
            Area::SseEvent
        } else {
            Area::SchemaProperty
        };
        for (name, old_prop) in &old.properties {
            let field = loc.property(name);
            let subject = field.subject(polarity);
            let old_node = resolve::deref(self.old, old_prop.schema, &old_prop.pointer)?;
            let old_access = Access::of(self.old, &old_node)?;
            let was_required = old.required.contains(name);
            let Some(new_prop) = new.properties.get(name) else {
                let (id, why) = match polarity {
                    Polarity::Request if old_access.read_only => (
                        "request-read-only-property-removed",
                        "; it was readOnly, so clients never sent it",
                    ),
                    Polarity::Request if new.closed => (
                        "request-property-removed-from-closed-schema",
                        "; the schema rejects unknown properties, so clients that send it fail",
                    ),
                    Polarity::Request => (
                        "request-property-removed",
                        "; clients that send it have it ignored",
                    ),
                    Polarity::Response if old_access.write_only => (
                        "response-write-only-property-removed",
                        "; it was writeOnly, so responses never held it",
                    ),
                    Polarity::Response if event => ("sse-event-field-removed", ""),
                    Polarity::Response if was_required => {
                        ("response-required-property-removed", "")
                    }
                    Polarity::Response => ("response-optional-property-removed", ""),
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
                    id,
                    area,
                    &old_prop.pointer,
                    format!("{subject} removed{why}{renamed}"),
                    ctx,
                );
                continue;
            };
            let new_node = resolve::deref(self.new, new_prop.schema, &new_prop.pointer)?;
            let new_access = Access::of(self.new, &new_node)?;
            let is_required = new.required.contains(name);
            // readOnly properties are not request fields and writeOnly ones are not response
            // fields: their transitions are the change, their requiredness is not.
            let hidden = |a: &Access| match polarity {
                Polarity::Request => a.read_only,
                Polarity::Response => a.write_only,
            };
            self.access(
                &old_access,
                &new_access,
                is_required,
                polarity,
                area,
                &new_prop.pointer,
                &subject,
                ctx,
            );
            if was_required != is_required && !hidden(&old_access) && !hidden(&new_access) {
                let (id, what) = match (polarity, is_required) {
                    (Polarity::Request, true) => {
                        ("request-property-became-required", "is now required")
                    }
                    (Polarity::Request, false) => {
                        ("request-property-became-optional", "is no longer required")
                    }
                    (Polarity::Response, false) if event => (
                        "sse-event-field-became-optional",
                        "is no longer required (may be absent)",
                    ),
                    (Polarity::Response, false) => (
                        "response-property-became-optional",
                        "is no longer required (may be absent)",
                    ),
                    (Polarity::Response, true) if event => {
                        ("sse-event-field-became-required", "is now always present")
                    }
                    (Polarity::Response, true) => {
                        ("response-property-became-required", "is now always present")
                    }
                };
                self.emit(
                    id,
                    area,
                    &new_prop.pointer,
                    format!("{subject} {what}"),
                    ctx,
                );
            }
            let deprecated = |node: &Node<'_>| {
                node.value
                    .get("deprecated")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            match (deprecated(&old_node), deprecated(&new_node)) {
                (false, true) => self.rule(
                    &field,
                    polarity,
                    "deprecated",
                    area,
                    &child(&new_node.pointer, "deprecated"),
                    format!("{subject} deprecated"),
                    ctx,
                ),
                (true, false) => self.rule(
                    &field,
                    polarity,
                    "reactivated",
                    area,
                    &new_node.pointer,
                    format!("{subject} no longer deprecated"),
                    ctx,
                ),
                _ => {}
            }
            if hidden(&old_access) && hidden(&new_access) {
                // Not part of this direction's payload in either version.
                continue;
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
            let new_node = resolve::deref(self.new, new_prop.schema, &new_prop.pointer)?;
            let access = Access::of(self.new, &new_node)?;
            let (id, what) = match polarity {
                Polarity::Request if access.read_only => (
                    "new-read-only-request-property",
                    format!("new readOnly {subject} (clients do not send it)"),
                ),
                Polarity::Request if required => (
                    "new-required-request-property",
                    format!("new required {subject}"),
                ),
                Polarity::Request => (
                    "new-optional-request-property",
                    format!("new optional {subject}"),
                ),
                Polarity::Response if access.write_only => (
                    "response-write-only-property-added",
                    format!("new writeOnly {subject} (not in responses)"),
                ),
                // Clients generated from a closed schema deny unknown fields.
                Polarity::Response if old.closed => (
                    if event {
                        "sse-event-field-added-to-closed-schema"
                    } else {
                        "response-property-added-to-closed-schema"
                    },
                    format!("new {subject} in a schema with additionalProperties: false"),
                ),
                Polarity::Response if event => ("sse-event-field-added", format!("new {subject}")),
                Polarity::Response if required => {
                    ("response-required-property-added", format!("new {subject}"))
                }
                Polarity::Response => {
                    ("response-optional-property-added", format!("new {subject}"))
                }
            };
            self.emit(id, area, &new_prop.pointer, what, ctx);
        }
        let subject = loc.subject(polarity);
        if old.closed != new.closed {
            let (suffix, what) = if new.closed {
                (
                    "additional-properties-forbidden",
                    match polarity {
                        Polarity::Request => "no longer accepts unknown properties",
                        Polarity::Response => "no longer holds unknown properties",
                    },
                )
            } else {
                (
                    "additional-properties-allowed",
                    match polarity {
                        Polarity::Request => "accepts unknown properties",
                        Polarity::Response => "may now hold unknown properties",
                    },
                )
            };
            self.rule(
                loc,
                polarity,
                suffix,
                Area::SchemaProperty,
                &n.pointer,
                format!("{subject} {what}"),
                ctx,
            );
        }
        self.additional(o, n, polarity, loc)
    }

    /// Map values: `additionalProperties` holding a schema is compared like a property
    /// (`metadata.*`); gaining or losing that schema changes what values are allowed.
    fn additional(
        &mut self,
        o: &Node<'a>,
        n: &Node<'a>,
        polarity: Polarity,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        let schema_of = |spec: &'a Spec, node: &Node<'a>| {
            resolve::keyword(spec, node, "additionalProperties")
                .map(|found| found.filter(|(v, _)| v.is_object()))
        };
        let old = schema_of(self.old, o)?;
        let new = schema_of(self.new, n)?;
        let closed =
            |node: &Node<'a>| node.value.get("additionalProperties") == Some(&Value::Bool(false));
        let subject = loc.subject(polarity);
        let ctx = Some(loc.context.as_str());
        match (old, new) {
            (Some((ov, op)), Some((nv, np))) => {
                self.schema(ov, &op, nv, &np, polarity, &loc.values())?;
            }
            // Going to or from `false` is reported as forbidden/allowed above.
            (None, Some((_, np))) if !closed(o) => self.rule(
                loc,
                polarity,
                "additional-properties-schema-added",
                Area::SchemaProperty,
                &np,
                format!("{subject} map values now have a schema"),
                ctx,
            ),
            (Some((_, op)), None) if !closed(n) => self.rule(
                loc,
                polarity,
                "additional-properties-schema-removed",
                Area::SchemaProperty,
                &op,
                format!("{subject} map values no longer have a schema (any value)"),
                ctx,
            ),
            _ => {}
        }
        Ok(())
    }

    /// readOnly/writeOnly transitions of a property present in both versions.
    #[expect(clippy::too_many_arguments, reason = "one property and where it is")]
    fn access(
        &mut self,
        old: &Access,
        new: &Access,
        required: bool,
        polarity: Polarity,
        area: Area,
        pointer: &str,
        subject: &str,
        ctx: Option<&str>,
    ) {
        let report = |this: &mut Self, id: &str, what: &str| {
            this.emit(id, area, pointer, format!("{subject} {what}"), ctx);
        };
        if old.read_only != new.read_only {
            let id = match (polarity, new.read_only, required) {
                (Polarity::Request, true, _) => "request-property-became-read-only",
                (Polarity::Request, false, true) => {
                    "request-required-property-became-not-read-only"
                }
                (Polarity::Request, false, false) => {
                    "request-optional-property-became-not-read-only"
                }
                (Polarity::Response, true, _) => "response-property-became-read-only",
                (Polarity::Response, false, _) => "response-property-became-not-read-only",
            };
            let what = if new.read_only {
                "became readOnly"
            } else {
                "is no longer readOnly"
            };
            report(self, id, what);
        }
        if old.write_only != new.write_only {
            let id = match (polarity, new.write_only, required) {
                (Polarity::Request, true, _) => "request-property-became-write-only",
                (Polarity::Request, false, _) => "request-property-became-not-write-only",
                (Polarity::Response, true, _) => "response-property-became-write-only",
                (Polarity::Response, false, true) => {
                    "response-required-property-became-not-write-only"
                }
                (Polarity::Response, false, false) => {
                    "response-optional-property-became-not-write-only"
                }
            };
            let what = if new.write_only {
                "became writeOnly"
            } else {
                "is no longer writeOnly"
            };
            report(self, id, what);
        }
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
        let kind_stem = |kind: &str| if kind == "oneOf" { "one-of" } else { "any-of" };
        for i in old_left {
            self.rule(
                loc,
                polarity,
                &format!("{}-removed", kind_stem(old_kind)),
                Area::Composition,
                &format!("{}/{old_kind}/{i}", o.pointer),
                format!("{subject} alternative `{}` removed", old_keys[i].label(i)),
                ctx,
            );
        }
        for j in new_left {
            self.rule(
                loc,
                polarity,
                &format!("{}-added", kind_stem(new_kind)),
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
                "sse-event-type-property-renamed",
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
                    "sse-event-type-removed",
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
                    "sse-event-type-added",
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

/// An `allOf` member as the diff matches it across versions.
struct Member {
    /// The component name, or `inline #N`.
    key: String,
    pointer: String,
    annotation_only: bool,
}

/// Whether an `allOf` member only annotates (`description`, `title`, examples, `x-*`):
/// adding or removing it changes no payload.
fn annotation_only(schema: &Value) -> bool {
    const ANNOTATIONS: [&str; 8] = [
        "description",
        "title",
        "example",
        "examples",
        "externalDocs",
        "deprecated",
        "$comment",
        "xml",
    ];
    schema.as_object().is_some_and(|m| {
        m.keys()
            .all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
    })
}

/// readOnly/writeOnly of a property.
struct Access {
    read_only: bool,
    write_only: bool,
}

impl Access {
    fn of(spec: &Spec, node: &Node<'_>) -> Result<Access, SpecError> {
        Ok(Access {
            read_only: resolve::read_only(spec, node)?,
            write_only: resolve::write_only(spec, node)?,
        })
    }
}

/// How a validation keyword narrows what is allowed.
#[derive(Debug, Clone, Copy)]
enum Constraint {
    /// Larger is tighter (`minimum`, `minLength`).
    Lower,
    /// Smaller is tighter (`maximum`, `maxLength`).
    Upper,
    /// `true` is tighter (`uniqueItems`).
    Flag,
    /// A 3.0 boolean flag or a 3.1 number; `true` or a number is tighter than nothing.
    /// `lower` tells `exclusiveMinimum` (larger is tighter) from `exclusiveMaximum`.
    Exclusive { lower: bool },
    /// Any change counts as both tightened and relaxed (`pattern`, `multipleOf`).
    Opaque,
}

/// Keyword, rule id stem, and how it narrows.
const CONSTRAINTS: [(&str, &str, Constraint); 13] = [
    ("minimum", "min", Constraint::Lower),
    ("maximum", "max", Constraint::Upper),
    (
        "exclusiveMinimum",
        "exclusive-min",
        Constraint::Exclusive { lower: true },
    ),
    (
        "exclusiveMaximum",
        "exclusive-max",
        Constraint::Exclusive { lower: false },
    ),
    ("multipleOf", "multiple-of", Constraint::Opaque),
    ("minLength", "min-length", Constraint::Lower),
    ("maxLength", "max-length", Constraint::Upper),
    ("pattern", "pattern", Constraint::Opaque),
    ("minItems", "min-items", Constraint::Lower),
    ("maxItems", "max-items", Constraint::Upper),
    ("uniqueItems", "unique-items", Constraint::Flag),
    ("minProperties", "min-properties", Constraint::Lower),
    ("maxProperties", "max-properties", Constraint::Upper),
];

/// Patterns that match every string: an empty pattern or `.*` constrains nothing, so adding
/// or removing one is no change.
fn trivial_pattern(pattern: &str) -> bool {
    let core = pattern.strip_prefix('^').unwrap_or(pattern);
    let core = core.strip_suffix('$').unwrap_or(core);
    matches!(core, "" | ".*" | "(.*)" | "[\\s\\S]*" | "(?s).*")
}

impl Constraint {
    /// Whether a value constrains nothing (an empty or `.*` pattern, `uniqueItems: false`,
    /// a 3.0 `exclusiveMinimum: false`), and is read as absent.
    fn is_vacuous(self, value: &Value) -> bool {
        match (self, value) {
            (Constraint::Opaque, Value::String(p)) => trivial_pattern(p),
            (Constraint::Flag | Constraint::Exclusive { .. }, Value::Bool(b)) => !b,
            _ => false,
        }
    }

    /// The rule id suffix of a change from `old` to `new` (both meaningful or absent):
    /// `set`, `unset`, `increased`, `decreased`, or `added`, `removed`, `changed` for opaque
    /// keywords; `None` when equal.
    fn suffix(self, old: Option<&Value>, new: Option<&Value>) -> Option<&'static str> {
        if old == new {
            return None;
        }
        let moved = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) if b > a => Some("increased"),
            _ => Some("decreased"),
        };
        match self {
            Constraint::Lower | Constraint::Upper => match (old, new) {
                (None, Some(_)) => Some("set"),
                (Some(_), None) => Some("unset"),
                (Some(a), Some(b)) => moved(a, b),
                (None, None) => None,
            },
            Constraint::Flag => Some(if new.is_some() { "set" } else { "unset" }),
            Constraint::Exclusive { lower } => {
                // Turning an exclusive bound on tightens: for a lower bound that reads as
                // `increased`, for an upper bound as `decreased`.
                let (tighter, looser) = if lower {
                    ("increased", "decreased")
                } else {
                    ("decreased", "increased")
                };
                match (old, new) {
                    (Some(a), Some(b)) if a.is_number() && b.is_number() => moved(a, b),
                    (_, Some(_)) => Some(tighter),
                    (Some(_), None) => Some(looser),
                    (None, None) => None,
                }
            }
            Constraint::Opaque => Some(match (old, new) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            }),
        }
    }
}
