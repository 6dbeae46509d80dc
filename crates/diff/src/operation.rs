//! Diffing two versions of one spec: paths, operations, parameters, request bodies,
//! responses, media types and security, handing schemas to the schema walker.

use std::collections::{BTreeMap, BTreeSet};

use sb_spec::resolve::{self, child};
use sb_spec::stream::is_event_stream;
use sb_spec::{Endpoint, Spec, SpecError};
use serde_json::Value;

use crate::change::{self, Area, Change, RawChange};
use crate::rules;
use crate::schema::{Loc, Polarity, Root, Walker};

/// An empty `content`/`responses` map that lives as long as any spec.
static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

/// One operation of a spec, as the diff reads it: tolerant of what the model rejects (no
/// `operationId`, an operation that is not a mapping).
#[derive(Debug, Clone)]
pub(crate) struct Operation<'a> {
    pub path: String,
    pub method: String,
    pub operation: &'a Value,
    pub pointer: String,
    pub path_item: &'a Value,
    pub path_pointer: String,
}

impl<'a> From<Endpoint<'a>> for Operation<'a> {
    fn from(endpoint: Endpoint<'a>) -> Self {
        Operation {
            path: endpoint.path.to_string(),
            method: endpoint.method.to_string(),
            operation: endpoint.operation,
            pointer: endpoint.pointer,
            path_item: endpoint.path_item,
            path_pointer: endpoint.path_pointer,
        }
    }
}

impl Operation<'_> {
    /// The operationId, or `METHOD /path` when there is none.
    pub fn id(&self) -> String {
        self.operation
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| self.endpoint())
    }

    /// `POST /sites/{tenantId}/generation`.
    pub fn endpoint(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

/// `/sites/{siteId}/versions` -> `/sites/{}/versions`: paths that differ only in parameter
/// names are the same URL to a client.
pub(crate) fn normalise(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Names of the path parameters in template order.
fn path_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Every operation of a spec, keyed by (normalised path, method). Path items behind a
/// `$ref` are followed; one that does not resolve is an error naming it.
pub(crate) fn operations(
    spec: &Spec,
) -> Result<BTreeMap<(String, String), Operation<'_>>, SpecError> {
    Ok(spec
        .endpoints()?
        .into_iter()
        .map(|e| {
            (
                (normalise(e.path), e.method.to_string()),
                Operation::from(e),
            )
        })
        .collect())
}

/// Checks that a document looks like an OpenAPI 3 spec, naming the file when it does not.
pub fn check_document(spec: &Spec) -> Result<(), crate::DiffError> {
    let version = spec.doc.get("openapi").and_then(Value::as_str);
    if !version.is_some_and(|v| v.starts_with('3')) {
        return Err(crate::DiffError::NotOpenApi {
            file: spec.file.clone(),
            reason: "no `openapi: 3.x` version field".to_string(),
        });
    }
    if !spec.doc.get("paths").is_some_and(Value::is_object) {
        return Err(crate::DiffError::NotOpenApi {
            file: spec.file.clone(),
            reason: "no `paths` object".to_string(),
        });
    }
    Ok(())
}

/// Every change from `old` to `new`, sorted. `old` or `new` absent means the spec was added
/// or removed as a whole.
pub fn diff_specs(old: Option<&Spec>, new: Option<&Spec>) -> Result<Vec<Change>, SpecError> {
    let (old, new) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (None, Some(new)) => return whole_spec(new, false),
        (Some(old), None) => return whole_spec(old, true),
        (None, None) => return Ok(Vec::new()),
    };
    let mut raw = Vec::new();
    let old_ops = operations(old)?;
    let new_ops = operations(new)?;
    let new_paths: BTreeSet<String> = new_ops.keys().map(|(p, _)| p.clone()).collect();
    let old_paths: BTreeSet<String> = old_ops.keys().map(|(p, _)| p.clone()).collect();
    for (key, op) in &old_ops {
        if new_ops.contains_key(key) {
            continue;
        }
        let moved = new_ops
            .values()
            .find(|n| n.id() == op.id())
            .map(|n| format!("; operationId `{}` is now {}", n.id(), n.endpoint()))
            .unwrap_or_default();
        // Removing an operation that was deprecated is the announced end of a migration;
        // clients that did not move still break, so it stays a warning.
        let deprecated = is_deprecated(op.operation);
        let (area, id, what) = if new_paths.contains(&key.0) {
            (
                Area::Operation,
                if deprecated {
                    "api-removed-with-deprecation"
                } else {
                    "api-removed-without-deprecation"
                },
                format!("operation {} removed{moved}", op.endpoint()),
            )
        } else {
            (
                Area::Path,
                if deprecated {
                    "api-path-removed-with-deprecation"
                } else {
                    "api-path-removed-without-deprecation"
                },
                format!(
                    "path `{}` removed with its {} operation{moved}",
                    op.path,
                    op.method.to_uppercase()
                ),
            )
        };
        raw.push(RawChange {
            id: id.to_string(),
            severity: rules::severity(id),
            area,
            operation_id: Some(op.id()),
            endpoint: Some(op.endpoint()),
            pointer: if area == Area::Path {
                op.path_pointer.clone()
            } else {
                op.pointer.clone()
            },
            what,
            context: None,
        });
    }
    for (key, op) in &new_ops {
        let Some(old_op) = old_ops.get(key) else {
            let (area, id, what) = if old_paths.contains(&key.0) {
                (
                    Area::Operation,
                    "endpoint-added",
                    format!("new operation {}", op.endpoint()),
                )
            } else {
                (
                    Area::Path,
                    "api-path-added",
                    format!(
                        "new path `{}` with a {} operation",
                        op.path,
                        op.method.to_uppercase()
                    ),
                )
            };
            raw.push(RawChange {
                id: id.to_string(),
                severity: rules::severity(id),
                area,
                operation_id: Some(op.id()),
                endpoint: Some(op.endpoint()),
                pointer: op.pointer.clone(),
                what,
                context: None,
            });
            continue;
        };
        let mut walker = Walker::new(old, new, Some(op.id()), Some(op.endpoint()), &mut raw);
        diff_operation(&mut walker, old_op, op)?;
    }
    security_components(old, new, &mut raw);
    Ok(change::finish(&new.name, raw))
}

fn whole_spec(spec: &Spec, removed: bool) -> Result<Vec<Change>, SpecError> {
    let ops: Vec<String> = operations(spec)?.values().map(|o| o.id()).collect();
    let file = spec
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| spec.file.display().to_string());
    let what = if removed {
        format!(
            "spec `{file}` removed with its {} operations: {}",
            ops.len(),
            ops.join(", ")
        )
    } else {
        format!(
            "new spec `{file}` with {} operations: {}",
            ops.len(),
            ops.join(", ")
        )
    };
    let id = if removed {
        "spec-removed"
    } else {
        "spec-added"
    };
    let severity = rules::severity(id);
    Ok(vec![Change {
        id: id.to_string(),
        severity,
        level: severity.into(),
        area: Area::Spec,
        spec: spec.name.clone(),
        operation_id: None,
        endpoint: None,
        pointer: String::new(),
        message: what,
        ignored: None,
    }])
}

fn diff_operation<'a>(
    w: &mut Walker<'a>,
    old: &Operation<'a>,
    new: &Operation<'a>,
) -> Result<(), SpecError> {
    if old.id() != new.id() {
        w.emit(
            "api-operation-id-changed",
            Area::Operation,
            &child(&new.pointer, "operationId"),
            format!(
                "operationId changed from `{}` to `{}`; generated client methods are renamed",
                old.id(),
                new.id()
            ),
            None,
        );
    }
    match (is_deprecated(old.operation), is_deprecated(new.operation)) {
        (false, true) => w.emit(
            "endpoint-deprecated",
            Area::Operation,
            &child(&new.pointer, "deprecated"),
            "operation deprecated".to_string(),
            None,
        ),
        (true, false) => w.emit(
            "endpoint-reactivated",
            Area::Operation,
            &new.pointer,
            "operation no longer deprecated".to_string(),
            None,
        ),
        _ => {}
    }
    parameters(w, old, new)?;
    request_body(w, old, new)?;
    responses(w, old, new)?;
    security(w, old, new)?;
    Ok(())
}

/// A parameter after following `$ref`, keyed by (in, name) with path parameters keyed by
/// position and header names lowercased.
pub(crate) struct Param<'a> {
    pub name: String,
    pub location: String,
    pub value: &'a Value,
    pub pointer: String,
}

pub(crate) fn params<'a>(
    spec: &'a Spec,
    op: &Operation<'a>,
) -> Result<BTreeMap<(String, String), Param<'a>>, SpecError> {
    let positions = path_params(&op.path);
    let mut out = BTreeMap::new();
    let lists = [
        (op.path_item, child(&op.path_pointer, "parameters")),
        (op.operation, child(&op.pointer, "parameters")),
    ];
    for (owner, base) in lists {
        let Some(list) = owner.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (index, raw) in list.iter().enumerate() {
            let node = resolve::deref(spec, raw, &format!("{base}/{index}"))?;
            let name = node
                .value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let location = node
                .value
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let key_name = match location.as_str() {
                "path" => positions
                    .iter()
                    .position(|p| *p == name)
                    .map(|i| format!("#{i}"))
                    .unwrap_or_else(|| name.clone()),
                "header" => name.to_ascii_lowercase(),
                _ => name.clone(),
            };
            out.insert(
                (location.clone(), key_name),
                Param {
                    name,
                    location,
                    value: node.value,
                    pointer: node.pointer,
                },
            );
        }
    }
    Ok(out)
}

/// `deprecated: true` on an operation or a parameter.
pub(crate) fn is_deprecated(value: &Value) -> bool {
    value
        .get("deprecated")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

pub(crate) fn is_required(value: &Value) -> bool {
    value
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn parameters<'a>(
    w: &mut Walker<'a>,
    old: &Operation<'a>,
    new: &Operation<'a>,
) -> Result<(), SpecError> {
    let old_params = params(w.old, old)?;
    let new_params = params(w.new, new)?;
    for (key, p) in &old_params {
        if !new_params.contains_key(key) {
            w.emit(
                "request-parameter-removed",
                Area::Parameter,
                &p.pointer,
                format!(
                    "{} parameter `{}` removed; clients that send it have it ignored",
                    p.location, p.name
                ),
                None,
            );
        }
    }
    for (key, n) in &new_params {
        let label = format!("{} parameter `{}`", n.location, n.name);
        let Some(o) = old_params.get(key) else {
            let (id, what) = if is_required(n.value) {
                (
                    "new-required-request-parameter",
                    format!("new required {label}"),
                )
            } else {
                (
                    "new-optional-request-parameter",
                    format!("new optional {label}"),
                )
            };
            w.emit(id, Area::Parameter, &n.pointer, what, None);
            continue;
        };
        if o.name != n.name {
            w.emit(
                "request-path-parameter-renamed",
                Area::Parameter,
                &child(&n.pointer, "name"),
                format!(
                    "path parameter `{}` renamed to `{}` (same position in the URL)",
                    o.name, n.name
                ),
                None,
            );
        }
        match (is_required(o.value), is_required(n.value)) {
            (false, true) => w.emit(
                "request-parameter-became-required",
                Area::Parameter,
                &n.pointer,
                format!("{label} is now required"),
                None,
            ),
            (true, false) => w.emit(
                "request-parameter-became-optional",
                Area::Parameter,
                &n.pointer,
                format!("{label} is no longer required"),
                None,
            ),
            _ => {}
        }
        match (is_deprecated(o.value), is_deprecated(n.value)) {
            (false, true) => w.emit(
                "request-parameter-deprecated",
                Area::Parameter,
                &child(&n.pointer, "deprecated"),
                format!("{label} deprecated"),
                None,
            ),
            (true, false) => w.emit(
                "request-parameter-reactivated",
                Area::Parameter,
                &n.pointer,
                format!("{label} no longer deprecated"),
                None,
            ),
            _ => {}
        }
        for (keyword, id) in [
            ("style", "request-parameter-style-changed"),
            ("explode", "request-parameter-explode-changed"),
        ] {
            if o.value.get(keyword) != n.value.get(keyword) {
                w.emit(
                    id,
                    Area::Parameter,
                    &n.pointer,
                    format!("{label} serialisation `{keyword}` changed"),
                    None,
                );
            }
        }
        if let (Some(os), Some(ns)) = (o.value.get("schema"), n.value.get("schema")) {
            w.schema(
                os,
                &child(&o.pointer, "schema"),
                ns,
                &child(&n.pointer, "schema"),
                Polarity::Request,
                &Loc::root(Root::Parameter, label.clone()),
            )?;
        }
    }
    Ok(())
}

fn request_body<'a>(
    w: &mut Walker<'a>,
    old: &Operation<'a>,
    new: &Operation<'a>,
) -> Result<(), SpecError> {
    let ptr_o = child(&old.pointer, "requestBody");
    let ptr_n = child(&new.pointer, "requestBody");
    let o = match old.operation.get("requestBody") {
        Some(v) => Some(resolve::deref(w.old, v, &ptr_o)?),
        None => None,
    };
    let n = match new.operation.get("requestBody") {
        Some(v) => Some(resolve::deref(w.new, v, &ptr_n)?),
        None => None,
    };
    match (o, n) {
        (None, None) => Ok(()),
        (None, Some(n)) => {
            let (id, what) = if is_required(n.value) {
                ("request-body-added-required", "new required request body")
            } else {
                ("request-body-added-optional", "new optional request body")
            };
            w.emit(id, Area::RequestBody, &n.pointer, what.to_string(), None);
            Ok(())
        }
        (Some(o), None) => {
            // Clients keep sending a body the server no longer reads (or rejects); whatever
            // it carried no longer has an effect.
            w.emit(
                "request-body-removed",
                Area::RequestBody,
                &o.pointer,
                "request body removed; what clients send is no longer read".to_string(),
                None,
            );
            Ok(())
        }
        (Some(o), Some(n)) => {
            match (is_required(o.value), is_required(n.value)) {
                (false, true) => w.emit(
                    "request-body-became-required",
                    Area::RequestBody,
                    &n.pointer,
                    "request body is now required".to_string(),
                    None,
                ),
                (true, false) => w.emit(
                    "request-body-became-optional",
                    Area::RequestBody,
                    &n.pointer,
                    "request body is no longer required".to_string(),
                    None,
                ),
                _ => {}
            }
            content(
                w,
                o.value,
                &o.pointer,
                n.value,
                &n.pointer,
                Polarity::Request,
                "request body",
            )
        }
    }
}

/// Compares the `content` maps of a request body or a response.
fn content<'a>(
    w: &mut Walker<'a>,
    old: &'a Value,
    old_ptr: &str,
    new: &'a Value,
    new_ptr: &str,
    polarity: Polarity,
    label: &str,
) -> Result<(), SpecError> {
    let empty: &'static serde_json::Map<String, Value> = &EMPTY;
    let o = old
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(empty);
    let n = new
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(empty);
    let o_base = child(old_ptr, "content");
    let n_base = child(new_ptr, "content");
    let added: Vec<&String> = n.keys().filter(|k| !o.contains_key(*k)).collect();
    for media in o.keys().filter(|k| !n.contains_key(*k)) {
        let now = if added.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = added.iter().map(|m| format!("`{m}`")).collect();
            format!("; now {}", list.join(", "))
        };
        w.emit(
            polarity.pick_id(
                "request-body-media-type-removed",
                "response-media-type-removed",
            ),
            Area::MediaType,
            &child(&o_base, media),
            format!("{label} media type `{media}` removed{now}"),
            None,
        );
    }
    for media in &added {
        w.emit(
            polarity.pick_id("request-body-media-type-added", "response-media-type-added"),
            Area::MediaType,
            &child(&n_base, media),
            format!("new {label} media type `{media}`"),
            None,
        );
    }
    for (media, o_media) in o {
        let Some(n_media) = n.get(media) else {
            continue;
        };
        let os_ptr = child(&child(&o_base, media), "schema");
        let ns_ptr = child(&child(&n_base, media), "schema");
        let (os, ns) = match (o_media.get("schema"), n_media.get("schema")) {
            (Some(os), Some(ns)) => (os, ns),
            (None, Some(_)) => {
                // A media type without a schema accepts (or may hold) anything.
                w.emit(
                    polarity.pick_id(
                        "request-body-media-type-schema-added",
                        "response-body-media-type-schema-added",
                    ),
                    Area::MediaType,
                    &ns_ptr,
                    format!("{label} media type `{media}` now has a schema"),
                    None,
                );
                continue;
            }
            (Some(_), None) => {
                w.emit(
                    polarity.pick_id(
                        "request-body-media-type-schema-removed",
                        "response-body-media-type-schema-removed",
                    ),
                    Area::MediaType,
                    &os_ptr,
                    format!("{label} media type `{media}` no longer has a schema"),
                    None,
                );
                continue;
            }
            (None, None) => continue,
        };
        let loc = Loc::root(Root::Body, format!("{label} {media}"));
        if polarity == Polarity::Response && is_event_stream(media) {
            w.events(os, &os_ptr, ns, &ns_ptr, &loc)?;
        } else {
            w.schema(os, &os_ptr, ns, &ns_ptr, polarity, &loc)?;
        }
    }
    Ok(())
}

fn responses<'a>(
    w: &mut Walker<'a>,
    old: &Operation<'a>,
    new: &Operation<'a>,
) -> Result<(), SpecError> {
    let empty: &'static serde_json::Map<String, Value> = &EMPTY;
    let o = old
        .operation
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(empty);
    let n = new
        .operation
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(empty);
    let o_base = child(&old.pointer, "responses");
    let n_base = child(&new.pointer, "responses");
    for status in o.keys().filter(|k| !n.contains_key(*k)) {
        w.emit(
            if is_success(status) {
                "response-success-status-removed"
            } else {
                "response-non-success-status-removed"
            },
            Area::Response,
            &child(&o_base, status),
            format!("response status {status} removed"),
            None,
        );
    }
    for status in n.keys().filter(|k| !o.contains_key(*k)) {
        w.emit(
            if is_success(status) {
                "response-success-status-added"
            } else {
                "response-non-success-status-added"
            },
            Area::Response,
            &child(&n_base, status),
            format!("new response status {status}"),
            None,
        );
    }
    for (status, o_resp) in o {
        let Some(n_resp) = n.get(status) else {
            continue;
        };
        let o_node = resolve::deref(w.old, o_resp, &child(&o_base, status))?;
        let n_node = resolve::deref(w.new, n_resp, &child(&n_base, status))?;
        let label = format!("response {status}");
        content(
            w,
            o_node.value,
            &o_node.pointer,
            n_node.value,
            &n_node.pointer,
            Polarity::Response,
            &label,
        )?;
        headers(w, &o_node, &n_node, &label)?;
    }
    Ok(())
}

/// 1XX, 2XX and 3XX statuses (and their `2XX` ranges) are success; 4XX, 5XX and `default`
/// are not.
fn is_success(status: &str) -> bool {
    matches!(status.chars().next(), Some('1' | '2' | '3'))
}

fn headers<'a>(
    w: &mut Walker<'a>,
    o: &resolve::Node<'a>,
    n: &resolve::Node<'a>,
    label: &str,
) -> Result<(), SpecError> {
    let collect = |node: &resolve::Node<'a>| -> BTreeMap<String, (String, &'a Value)> {
        node.value
            .get("headers")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), (k.clone(), v)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_headers, new_headers) = (collect(o), collect(n));
    let o_base = child(&o.pointer, "headers");
    let n_base = child(&n.pointer, "headers");
    for (key, (name, o_header)) in &old_headers {
        if !new_headers.contains_key(key) {
            let oh = resolve::deref(w.old, o_header, &child(&o_base, name))?;
            w.emit(
                if is_required(oh.value) {
                    "required-response-header-removed"
                } else {
                    "optional-response-header-removed"
                },
                Area::ResponseHeader,
                &child(&o_base, name),
                format!("response header `{name}` removed"),
                Some(label),
            );
        }
    }
    for (key, (name, n_header)) in &new_headers {
        let Some((old_name, o_header)) = old_headers.get(key) else {
            w.emit(
                "response-header-added",
                Area::ResponseHeader,
                &child(&n_base, name),
                format!("new response header `{name}`"),
                Some(label),
            );
            continue;
        };
        let oh = resolve::deref(w.old, o_header, &child(&o_base, old_name))?;
        let nh = resolve::deref(w.new, n_header, &child(&n_base, name))?;
        match (is_required(oh.value), is_required(nh.value)) {
            (true, false) => w.emit(
                "response-header-became-optional",
                Area::ResponseHeader,
                &nh.pointer,
                format!("response header `{name}` is no longer required (may be absent)"),
                Some(label),
            ),
            (false, true) => w.emit(
                "response-header-became-required",
                Area::ResponseHeader,
                &nh.pointer,
                format!("response header `{name}` is now always present"),
                Some(label),
            ),
            _ => {}
        }
        if let (Some(os), Some(ns)) = (oh.value.get("schema"), nh.value.get("schema")) {
            w.schema(
                os,
                &child(&oh.pointer, "schema"),
                ns,
                &child(&nh.pointer, "schema"),
                Polarity::Response,
                &Loc::root(Root::Header, format!("{label} header `{name}`")),
            )?;
        }
    }
    Ok(())
}

/// One alternative of a security requirement: scheme name -> scopes.
type Requirement = BTreeMap<String, BTreeSet<String>>;

/// The effective security of an operation and where it is declared.
pub(crate) fn effective_security(spec: &Spec, op: &Operation<'_>) -> (Vec<Requirement>, String) {
    let (value, pointer) = match op.operation.get("security") {
        Some(v) => (Some(v), child(&op.pointer, "security")),
        None => (spec.doc.get("security"), "/security".to_string()),
    };
    let list: Vec<Requirement> = value
        .and_then(Value::as_array)
        .map(|alts| {
            alts.iter()
                .map(|alt| {
                    alt.as_object()
                        .map(|m| {
                            m.iter()
                                .map(|(name, scopes)| {
                                    let scopes = scopes
                                        .as_array()
                                        .map(|s| {
                                            s.iter()
                                                .filter_map(Value::as_str)
                                                .map(str::to_string)
                                                .collect()
                                        })
                                        .unwrap_or_default();
                                    (name.clone(), scopes)
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    (list, pointer)
}

fn describe(requirement: &Requirement) -> String {
    if requirement.is_empty() {
        return "anonymous access".to_string();
    }
    let parts: Vec<String> = requirement
        .iter()
        .map(|(name, scopes)| {
            if scopes.is_empty() {
                format!("`{name}`")
            } else {
                let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                format!("`{name}` [{}]", scopes.join(", "))
            }
        })
        .collect();
    parts.join(" + ")
}

fn security<'a>(
    w: &mut Walker<'a>,
    old: &Operation<'a>,
    new: &Operation<'a>,
) -> Result<(), SpecError> {
    let (mut o, _) = effective_security(w.old, old);
    let (mut n, n_ptr) = effective_security(w.new, new);
    // No requirement at all means anyone may call.
    if o.is_empty() {
        o.push(Requirement::new());
    }
    if n.is_empty() {
        n.push(Requirement::new());
    }
    for alt in &o {
        // A client holding the credentials of `alt` still gets in when some new alternative
        // asks for no more than that (fewer schemes, fewer scopes).
        let still_satisfied = n.iter().any(|new_alt| {
            (new_alt.is_empty() || !alt.is_empty())
                && new_alt
                    .iter()
                    .all(|(scheme, scopes)| alt.get(scheme).is_some_and(|s| scopes.is_subset(s)))
        });
        if still_satisfied {
            continue;
        }
        let now: Vec<String> = n.iter().map(describe).collect();
        let what = if alt.is_empty() {
            format!("security requirement added: {}", now.join(" or "))
        } else {
            format!(
                "security requirement {} removed or changed; now {}",
                describe(alt),
                now.join(" or ")
            )
        };
        w.emit("api-security-tightened", Area::Security, &n_ptr, what, None);
    }
    for alt in &n {
        if !o.contains(alt) {
            let what = if alt.is_empty() {
                "authentication is no longer required".to_string()
            } else {
                format!("alternative security requirement {} added", describe(alt))
            };
            // Adding an alternative only breaks clients when no old alternative survives,
            // which the loop above reports.
            w.emit("api-security-relaxed", Area::Security, &n_ptr, what, None);
        }
    }
    // A scheme still named the same but defined differently (bearer -> apiKey).
    let used: BTreeSet<&String> = o.iter().flat_map(|alt| alt.keys()).collect();
    for name in used {
        if !n.iter().any(|alt| alt.contains_key(name)) {
            continue;
        }
        let scheme_ptr = child("/components/securitySchemes", name);
        let old_scheme = w.old.doc.pointer(&scheme_ptr);
        let new_scheme = w.new.doc.pointer(&scheme_ptr);
        let strip = |v: Option<&Value>| {
            v.and_then(Value::as_object).map(|m| {
                m.iter()
                    .filter(|(k, _)| k.as_str() != "description")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<BTreeMap<_, _>>()
            })
        };
        if strip(old_scheme) != strip(new_scheme) {
            w.emit(
                "api-security-scheme-changed",
                Area::Security,
                &scheme_ptr,
                format!("security scheme `{name}` changed"),
                None,
            );
        }
    }
    Ok(())
}

/// Security schemes added to or removed from `components`: information for the changelog.
/// An operation that used a removed or redefined scheme reports its own change.
fn security_components(old: &Spec, new: &Spec, raw: &mut Vec<RawChange>) {
    let names = |spec: &Spec| -> BTreeSet<String> {
        spec.doc
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (o, n) = (names(old), names(new));
    let mut push = |id: &str, name: &str, what: String| {
        raw.push(RawChange {
            id: id.to_string(),
            severity: rules::severity(id),
            area: Area::Security,
            operation_id: None,
            endpoint: None,
            pointer: child("/components/securitySchemes", name),
            what,
            context: None,
        });
    };
    for name in o.difference(&n) {
        push(
            "api-security-component-removed",
            name,
            format!("security scheme `{name}` removed from components"),
        );
    }
    for name in n.difference(&o) {
        push(
            "api-security-component-added",
            name,
            format!("security scheme `{name}` added to components"),
        );
    }
}
