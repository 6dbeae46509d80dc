//! The static consumer check: does each spec still provide every operation, header, body
//! field, status, event and field a consumer file says the client uses?

use std::collections::{BTreeMap, BTreeSet};

use sb_spec::resolve::{self, Node, child};
use sb_spec::stream::event_types;
use sb_spec::{Spec, SpecError};
use serde::Serialize;
use serde_json::Value;

use crate::consumer::{Consumer, FieldType, Use};
use crate::operation::{self, Operation};

/// Whether an item is gone or only different.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The spec no longer has it.
    Missing,
    /// The spec has it, but not as the consumer uses it (optional, other type, ...).
    Changed,
}

/// One item of a consumer file that a spec (or a live provider) no longer provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Missing or changed.
    pub kind: FindingKind,
    /// The `name` of the use (or `cors <path>`).
    pub use_name: String,
    /// The spec's short name.
    pub spec: String,
    /// The operation involved (empty for CORS).
    pub operation_id: String,
    /// JSON pointer in the spec: the item, or its nearest parent when missing.
    pub pointer: String,
    /// The item, e.g. `reads event complete field brandScore`.
    pub item: String,
    /// Why it is a problem.
    pub message: String,
}

/// Checks every use of `consumer` against `specs` (keyed by short name, `generation`).
pub fn check(
    consumer: &Consumer,
    specs: &BTreeMap<String, Spec>,
) -> Result<Vec<Finding>, SpecError> {
    let mut findings = Vec::new();
    for u in &consumer.uses {
        let mut out = Out {
            findings: &mut findings,
            use_name: u.name.clone(),
            spec: u.spec.clone(),
            operation_id: u.operation.clone(),
        };
        let Some(spec) = specs.get(&u.spec) else {
            let known: Vec<&str> = specs.keys().map(String::as_str).collect();
            out.push(
                FindingKind::Missing,
                "",
                format!("spec `{}`", u.spec),
                format!("no such spec; the spec directory has {}", known.join(", ")),
            );
            continue;
        };
        check_use(spec, u, &mut out)?;
    }
    for cors in &consumer.cors {
        let mut out = Out {
            findings: &mut findings,
            use_name: format!("cors {}", cors.path),
            spec: cors.spec.clone(),
            operation_id: String::new(),
        };
        let found = match specs.get(&cors.spec) {
            Some(spec) => operation::operations(spec)?
                .keys()
                .any(|(path, _)| *path == operation::normalise(&cors.path)),
            None => false,
        };
        if !found {
            out.push(
                FindingKind::Missing,
                "/paths",
                format!("path `{}`", cors.path),
                "the client preflights this path but the spec no longer has it".to_string(),
            );
        }
    }
    Ok(findings)
}

struct Out<'f> {
    findings: &'f mut Vec<Finding>,
    use_name: String,
    spec: String,
    operation_id: String,
}

impl Out<'_> {
    fn push(&mut self, kind: FindingKind, pointer: &str, item: String, message: String) {
        self.findings.push(Finding {
            kind,
            use_name: self.use_name.clone(),
            spec: self.spec.clone(),
            operation_id: self.operation_id.clone(),
            pointer: pointer.to_string(),
            item,
            message,
        });
    }
}

fn check_use(spec: &Spec, u: &Use, out: &mut Out<'_>) -> Result<(), SpecError> {
    let ops = operation::operations(spec)?;
    let Some(op) = ops.values().find(|o| o.id() == u.operation) else {
        let at = ops
            .get(&(operation::normalise(&u.path), u.method.to_ascii_lowercase()))
            .map(|o| format!("; {} is now `{}`", o.endpoint(), o.id()))
            .unwrap_or_default();
        out.push(
            FindingKind::Missing,
            "/paths",
            format!("operation `{}`", u.operation),
            format!("no operation has this operationId{at}"),
        );
        return Ok(());
    };
    let called = format!("{} {}", u.method.to_ascii_uppercase(), u.path);
    if operation::normalise(&op.path) != operation::normalise(&u.path)
        || !op.method.eq_ignore_ascii_case(&u.method)
    {
        out.push(
            FindingKind::Changed,
            &op.pointer,
            format!("operation `{}`", u.operation),
            format!(
                "the client calls {called} but the operation is now {}",
                op.endpoint()
            ),
        );
    }
    sends(spec, op, u, out)?;
    reads(spec, op, u, out)?;
    Ok(())
}

const PROTOCOL_HEADERS: [&str; 2] = ["content-type", "accept"];

fn sends(spec: &Spec, op: &Operation<'_>, u: &Use, out: &mut Out<'_>) -> Result<(), SpecError> {
    let params = operation::params(spec, op)?;
    let sent_headers: BTreeSet<String> = u
        .sends
        .headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    for header in &u.sends.headers {
        let lower = header.to_ascii_lowercase();
        if PROTOCOL_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        if lower == "authorization" {
            let (alternatives, pointer) = operation::effective_security(spec, op);
            let takes_authorization = alternatives.iter().any(|alt| {
                !alt.is_empty() && alt.keys().all(|name| scheme_uses_authorization(spec, name))
            });
            if !takes_authorization {
                out.push(
                    FindingKind::Missing,
                    &pointer,
                    "sends header `Authorization`".to_string(),
                    "the operation's security no longer takes an Authorization header".to_string(),
                );
            }
            continue;
        }
        if !params.contains_key(&("header".to_string(), lower.clone())) {
            out.push(
                FindingKind::Missing,
                &child(&op.pointer, "parameters"),
                format!("sends header `{header}`"),
                "not a header parameter of the operation".to_string(),
            );
        }
    }
    for name in &u.sends.query {
        if !params.contains_key(&("query".to_string(), name.clone())) {
            out.push(
                FindingKind::Missing,
                &child(&op.pointer, "parameters"),
                format!("sends query `{name}`"),
                "not a query parameter of the operation".to_string(),
            );
        }
    }
    for ((location, key), param) in &params {
        let sent = match location.as_str() {
            "header" => sent_headers.contains(key),
            "query" => u.sends.query.contains(key),
            "path" => continue,
            _ => false,
        };
        if !sent && operation::is_required(param.value) && expects_success(u) {
            out.push(
                FindingKind::Changed,
                &param.pointer,
                format!("{location} parameter `{}`", param.name),
                "required by the spec but the client does not send it".to_string(),
            );
        }
    }
    body_sent(spec, op, u, out)
}

/// A use that expects an error status sends an incomplete request on purpose (no token,
/// no tenant header), so what it leaves out is not held against it.
fn expects_success(u: &Use) -> bool {
    (200..300).contains(&u.reads.status)
}

/// Whether a security scheme is carried in the `Authorization` header.
fn scheme_uses_authorization(spec: &Spec, name: &str) -> bool {
    let Some(scheme) = spec
        .doc
        .pointer(&child("/components/securitySchemes", name))
    else {
        return false;
    };
    let field = |k: &str| scheme.get(k).and_then(Value::as_str).unwrap_or_default();
    match field("type") {
        "http" => true,
        "oauth2" | "openIdConnect" => true,
        "apiKey" => field("in") == "header" && field("name").eq_ignore_ascii_case("authorization"),
        _ => false,
    }
}

fn body_sent(spec: &Spec, op: &Operation<'_>, u: &Use, out: &mut Out<'_>) -> Result<(), SpecError> {
    let body_ptr = child(&op.pointer, "requestBody");
    let body = match op.operation.get("requestBody") {
        Some(b) => Some(resolve::deref(spec, b, &body_ptr)?),
        None => None,
    };
    if u.sends.body.is_empty() && u.sends.content.is_none() {
        if let Some(body) = body
            && operation::is_required(body.value)
            && expects_success(u)
        {
            out.push(
                FindingKind::Changed,
                &body.pointer,
                "request body".to_string(),
                "required by the spec but the client sends none".to_string(),
            );
        }
        return Ok(());
    }
    let media = u.sends.content.as_deref().unwrap_or("application/json");
    let Some(body) = body else {
        out.push(
            FindingKind::Missing,
            &op.pointer,
            "sends a request body".to_string(),
            "the operation no longer takes a request body".to_string(),
        );
        return Ok(());
    };
    let content_ptr = child(&body.pointer, "content");
    let Some(schema) = body
        .value
        .get("content")
        .and_then(|c| c.get(media))
        .and_then(|m| m.get("schema"))
    else {
        out.push(
            FindingKind::Missing,
            &content_ptr,
            format!("sends `{media}`"),
            "the request body no longer accepts this media type".to_string(),
        );
        return Ok(());
    };
    let schema_ptr = child(&child(&content_ptr, media), "schema");
    for (field, ty) in &u.sends.body {
        match lookup(spec, schema, &schema_ptr, field)? {
            Lookup::Missing { parent } => out.push(
                FindingKind::Missing,
                &parent,
                format!("sends body field `{field}`"),
                "not in the request schema".to_string(),
            ),
            Lookup::Found(found) => {
                if !ty.accepted_by(found.ty.as_deref()) {
                    out.push(
                        FindingKind::Changed,
                        &found.at,
                        format!("sends body field `{field}`"),
                        format!(
                            "the client sends {ty} but the spec takes {}",
                            found.ty.as_deref().unwrap_or("any")
                        ),
                    );
                }
            }
        }
    }
    // Every object the client sends into must not require a field it does not send.
    let mut objects: BTreeSet<String> = BTreeSet::from([String::new()]);
    for field in u.sends.body.keys() {
        let mut prefix = String::new();
        for segment in field.split('.') {
            if !prefix.is_empty() {
                objects.insert(prefix.clone());
                prefix.push('.');
            }
            prefix.push_str(segment);
        }
    }
    let sent: BTreeSet<&str> = u.sends.body.keys().map(String::as_str).collect();
    if !expects_success(u) {
        objects.clear();
    }
    for object in objects {
        let node = if object.is_empty() {
            resolve::deref(spec, schema, &schema_ptr)?
        } else {
            match lookup(spec, schema, &schema_ptr, &object)? {
                Lookup::Found(found) => found.node,
                Lookup::Missing { .. } => continue,
            }
        };
        if resolve::branches(&node).is_some() {
            continue;
        }
        let view = resolve::object_view(spec, &node)?;
        for required in &view.required {
            let full = if object.is_empty() {
                required.clone()
            } else {
                format!("{object}.{required}")
            };
            let covered = sent.iter().any(|s| {
                *s == full
                    || s.strip_prefix(full.as_str())
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            });
            if !covered {
                let pointer = view
                    .properties
                    .get(required)
                    .map(|p| p.pointer.clone())
                    .unwrap_or_else(|| node.pointer.clone());
                out.push(
                    FindingKind::Changed,
                    &pointer,
                    format!("request field `{full}`"),
                    "required by the spec but the client does not send it".to_string(),
                );
            }
        }
    }
    Ok(())
}

fn reads(spec: &Spec, op: &Operation<'_>, u: &Use, out: &mut Out<'_>) -> Result<(), SpecError> {
    let status = u.reads.status.to_string();
    let responses_ptr = child(&op.pointer, "responses");
    let responses = op.operation.get("responses");
    let range = format!("{}XX", status.chars().next().unwrap_or('0'));
    let (key, response) = match responses.and_then(|r| r.get(&status)) {
        Some(r) => (status.clone(), r),
        None => {
            let fallback = [range.as_str(), "default"]
                .into_iter()
                .find_map(|k| responses.and_then(|r| r.get(k)).map(|r| (k.to_string(), r)));
            let Some((key, response)) = fallback else {
                out.push(
                    FindingKind::Missing,
                    &responses_ptr,
                    format!("reads status {status}"),
                    "the operation no longer documents this status".to_string(),
                );
                return Ok(());
            };
            out.push(
                FindingKind::Changed,
                &child(&responses_ptr, &key),
                format!("reads status {status}"),
                format!("only documented by the `{key}` response now"),
            );
            (key, response)
        }
    };
    let response = resolve::deref(spec, response, &child(&responses_ptr, &key))?;
    for header in &u.reads.headers {
        let found = response
            .value
            .get("headers")
            .and_then(Value::as_object)
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(header)));
        match found {
            None => out.push(
                FindingKind::Missing,
                &child(&response.pointer, "headers"),
                format!("reads header `{header}` of {status}"),
                "the response no longer has this header".to_string(),
            ),
            Some((name, value)) => {
                let h = resolve::deref(
                    spec,
                    value,
                    &child(&child(&response.pointer, "headers"), name),
                )?;
                if !operation::is_required(h.value) {
                    out.push(
                        FindingKind::Changed,
                        &h.pointer,
                        format!("reads header `{header}` of {status}"),
                        "the header is optional in the spec, so it may be absent".to_string(),
                    );
                }
            }
        }
    }
    let wants_body = !u.reads.body.is_empty() || !u.reads.events.is_empty();
    let default_media = if u.reads.events.is_empty() {
        "application/json"
    } else {
        "text/event-stream"
    };
    let Some(media) = u
        .reads
        .content
        .as_deref()
        .or(wants_body.then_some(default_media))
    else {
        return Ok(());
    };
    let content_ptr = child(&response.pointer, "content");
    let Some(schema) = response
        .value
        .get("content")
        .and_then(|c| c.get(media))
        .and_then(|m| m.get("schema"))
    else {
        out.push(
            FindingKind::Missing,
            &content_ptr,
            format!("reads `{media}` from {status}"),
            "the response no longer has this media type".to_string(),
        );
        return Ok(());
    };
    let schema_ptr = child(&child(&content_ptr, media), "schema");
    for (field, ty) in &u.reads.body {
        read_field(
            spec,
            schema,
            &schema_ptr,
            field,
            *ty,
            &format!("reads {status} body field `{field}`"),
            out,
        )?;
    }
    if !u.reads.events.is_empty() {
        let events = event_types(spec, schema, &schema_ptr)?;
        for (name, fields) in &u.reads.events {
            let Some(event) = events.events.get(name) else {
                out.push(
                    FindingKind::Missing,
                    &resolve::deref(spec, schema, &schema_ptr)?.pointer,
                    format!("reads event `{name}`"),
                    "the event stream no longer has this event type".to_string(),
                );
                continue;
            };
            for (field, ty) in fields {
                read_field(
                    spec,
                    event.schema,
                    &event.schema_pointer,
                    field,
                    *ty,
                    &format!("reads event `{name}` field `{field}`"),
                    out,
                )?;
            }
        }
    }
    Ok(())
}

fn read_field(
    spec: &Spec,
    schema: &Value,
    schema_ptr: &str,
    field: &str,
    ty: FieldType,
    item: &str,
    out: &mut Out<'_>,
) -> Result<(), SpecError> {
    match lookup(spec, schema, schema_ptr, field)? {
        Lookup::Missing { parent } => out.push(
            FindingKind::Missing,
            &parent,
            item.to_string(),
            "not in the response schema".to_string(),
        ),
        Lookup::Found(found) => {
            let pointer = &found.at;
            if !found.always {
                out.push(
                    FindingKind::Changed,
                    pointer,
                    item.to_string(),
                    "optional in the spec, so it may be absent".to_string(),
                );
            }
            if found.nullable && !ty.nullable {
                out.push(
                    FindingKind::Changed,
                    pointer,
                    item.to_string(),
                    format!("may be null but the client expects {ty}"),
                );
            }
            if !ty.expects(found.ty.as_deref()) {
                out.push(
                    FindingKind::Changed,
                    pointer,
                    item.to_string(),
                    format!(
                        "the spec gives {} but the client expects {ty}",
                        found.ty.as_deref().unwrap_or("any")
                    ),
                );
            }
        }
    }
    Ok(())
}

/// A field found in a schema.
struct Found<'a> {
    node: Node<'a>,
    /// Where the field is declared (before following its `$ref`).
    at: String,
    /// Required at every step of the path, in every alternative.
    always: bool,
    nullable: bool,
    ty: Option<String>,
}

enum Lookup<'a> {
    Found(Found<'a>),
    /// Not there; `parent` is the pointer of the deepest schema reached.
    Missing {
        parent: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Property(String),
    Items,
}

fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for segment in path.split('.') {
        let mut name = segment;
        let mut items = 0;
        while let Some(rest) = name.strip_suffix("[]") {
            name = rest;
            items += 1;
        }
        if !name.is_empty() {
            out.push(Step::Property(name.to_string()));
        }
        out.extend(std::iter::repeat_n(Step::Items, items));
    }
    out
}

/// Finds a dotted field path (`results[].url`) in a schema, through `$ref`, `allOf`,
/// `oneOf` and `anyOf` (found if in any alternative; always present only if in all).
fn lookup<'a>(
    spec: &'a Spec,
    schema: &'a Value,
    pointer: &str,
    path: &str,
) -> Result<Lookup<'a>, SpecError> {
    walk(spec, schema, pointer, &steps(path), true, 0)
}

fn walk<'a>(
    spec: &'a Spec,
    schema: &'a Value,
    pointer: &str,
    steps: &[Step],
    always: bool,
    depth: usize,
) -> Result<Lookup<'a>, SpecError> {
    let node = resolve::deref(spec, schema, pointer)?;
    let Some((step, rest)) = steps.split_first() else {
        return Ok(Lookup::Found(Found {
            nullable: resolve::nullable(spec, &node)?,
            ty: resolve::type_of(spec, &node)?,
            node,
            at: pointer.to_string(),
            always,
        }));
    };
    if depth > 64 {
        return Ok(Lookup::Missing {
            parent: node.pointer,
        });
    }
    if let Some((kind, list)) = resolve::branches(&node) {
        let mut first: Option<Found<'a>> = None;
        let mut everywhere = true;
        for (index, branch) in list.iter().enumerate() {
            let branch_ptr = format!("{}/{kind}/{index}", node.pointer);
            match walk(spec, branch, &branch_ptr, steps, always, depth + 1)? {
                Lookup::Found(found) => {
                    everywhere &= found.always;
                    if first.is_none() {
                        first = Some(found);
                    }
                }
                Lookup::Missing { .. } => everywhere = false,
            }
        }
        return Ok(match first {
            Some(found) => Lookup::Found(Found {
                always: everywhere,
                ..found
            }),
            None => Lookup::Missing {
                parent: node.pointer,
            },
        });
    }
    match step {
        Step::Property(name) => {
            let view = resolve::object_view(spec, &node)?;
            match view.properties.get(name) {
                Some(prop) => walk(
                    spec,
                    prop.schema,
                    &prop.pointer,
                    rest,
                    always && view.required.contains(name),
                    depth + 1,
                ),
                None => Ok(Lookup::Missing {
                    parent: node.pointer,
                }),
            }
        }
        Step::Items => match resolve::keyword(spec, &node, "items")? {
            Some((items, items_ptr)) => walk(spec, items, &items_ptr, rest, always, depth + 1),
            None => Ok(Lookup::Missing {
                parent: node.pointer,
            }),
        },
    }
}

/// The text report of a compat run.
pub fn render_findings(consumer: &Consumer, findings: &[Finding]) -> String {
    let cors = consumer.cors.len();
    if findings.is_empty() {
        return format!(
            "consumer {}: all {} uses and {cors} CORS preflight(s) are provided\n",
            consumer.consumer,
            consumer.uses.len()
        );
    }
    let mut out = format!(
        "consumer {}: {} problem(s) in {} uses and {cors} CORS preflight(s)\n",
        consumer.consumer,
        findings.len(),
        consumer.uses.len()
    );
    for f in findings {
        let kind = match f.kind {
            FindingKind::Missing => "missing",
            FindingKind::Changed => "changed",
        };
        let op = if f.operation_id.is_empty() {
            f.spec.clone()
        } else {
            format!("{}.{}", f.spec, f.operation_id)
        };
        out.push_str(&format!(
            "\n{kind:<8} {op} ({}): {}: {}\n         at {}\n",
            f.use_name, f.item, f.message, f.pointer
        ));
    }
    out
}

/// The JSON report of a compat run: consumer name -> findings.
pub fn findings_json(
    by_consumer: &BTreeMap<String, Vec<Finding>>,
) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(by_consumer)
}
