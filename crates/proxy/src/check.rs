//! The contract rules the proxy applies to traffic, as pure functions of the spec model
//! (`sb_spec::Operation`) and what was seen on the wire. They state the same rules as the
//! runtime's response checks (`Ctx::documented`, `Ctx::conforms`: a 5xx is never a pass, the
//! status must be documented, required headers present, the Content-Type documented, a JSON
//! body valid against its schema), the stream rules of `sb-stream` (`Judged`), and the CORS
//! checks (`checks/cors.rs`), so a violation seen in traffic and a failing generated check say
//! the same thing. The runtime is not rewired onto these functions yet (another change owns
//! its files); that is the next step towards a single implementation.

use std::sync::Arc;

use http::HeaderMap;
use sb_spec::{EventStream, Location, Operation, Response, Spec, media_essence};
use sb_stream::{Judged, SseRecording};
use serde::Serialize;
use serde_json::Value;

/// What part of an exchange a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// No operation of any spec has this method and path.
    Route,
    /// The request breaks the operation's parameters or body schema.
    Request,
    /// The status is a server error or not documented.
    Status,
    /// A required response header is missing.
    Header,
    /// The Content-Type is missing or not documented.
    Content,
    /// The JSON body breaks its schema.
    Body,
    /// A Server-Sent Event breaks the event union.
    Event,
    /// The stream as a whole breaks its `x-stream` rules.
    Stream,
    /// The CORS answer is not what a browser needs or lets through what it must not.
    Cors,
}

impl Kind {
    /// The kind's name, as in the JSONL log.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Route => "route",
            Kind::Request => "request",
            Kind::Status => "status",
            Kind::Header => "header",
            Kind::Content => "content",
            Kind::Body => "body",
            Kind::Event => "event",
            Kind::Stream => "stream",
            Kind::Cors => "cors",
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// JSON pointer into the spec: the element that states the rule.
    pub pointer: String,
    /// JSON pointer into the instance (the body or event), empty when not about one.
    pub at: String,
    /// What the contract expects, in a sentence fragment.
    pub expected: String,
    /// A short preview of what was seen.
    pub preview: String,
}

fn finding(kind: Kind, pointer: &str, expected: impl Into<String>, preview: &str) -> Finding {
    Finding {
        kind,
        pointer: pointer.to_string(),
        at: String::new(),
        expected: expected.into(),
        preview: short(preview),
    }
}

/// At most 120 characters of `text`, on one line.
pub fn short(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out: String = flat.chars().take(120).collect();
    if flat.chars().count() > 120 {
        out.push('…');
    }
    out
}

fn escape(segment: &str) -> String {
    sb_spec::escape_pointer(segment)
}

/// An operation and the spec it belongs to.
#[derive(Clone)]
pub struct Route {
    pub spec: Arc<Spec>,
    pub op: Arc<Operation>,
    segments: Vec<Option<String>>,
}

impl Route {
    /// `generation:generatePage`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.spec.name, self.op.id)
    }
}

/// Every operation of the specs, matched by method and path template.
#[derive(Clone, Default)]
pub struct Routes {
    routes: Vec<Route>,
}

impl Routes {
    /// The operations of `specs`.
    pub fn new(specs: Vec<Spec>) -> Result<Routes, sb_spec::SpecError> {
        let mut routes = Vec::new();
        for spec in specs {
            let spec = Arc::new(spec);
            for op in spec.operations()? {
                let segments = op
                    .path
                    .trim_matches('/')
                    .split('/')
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_string()))
                    .collect();
                routes.push(Route {
                    spec: spec.clone(),
                    op: Arc::new(op),
                    segments,
                });
            }
        }
        Ok(Routes { routes })
    }

    /// The operations whose template matches `path`, most literal segments first (so
    /// `/sites/{id}/versions` is never taken for `/sites/{id}/{other}`).
    pub fn on_path(&self, path: &str) -> Vec<&Route> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut found: Vec<(usize, &Route)> = self
            .routes
            .iter()
            .filter(|r| {
                r.segments.len() == parts.len()
                    && r.segments.iter().zip(&parts).all(|(s, p)| match s {
                        Some(literal) => literal == p,
                        None => !p.is_empty(),
                    })
            })
            .map(|r| (r.segments.iter().filter(|s| s.is_some()).count(), r))
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
        found.into_iter().map(|(_, r)| r).collect()
    }

    /// The operation for `method` on `path`.
    pub fn find(&self, method: &str, path: &str) -> Option<&Route> {
        self.on_path(path)
            .into_iter()
            .find(|r| r.op.method.eq_ignore_ascii_case(method))
    }
}

/// The request: required query and header parameters, and a JSON body against its schema.
pub fn request(
    route: &Route,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<Finding> {
    let op = &route.op;
    let mut out = Vec::new();
    let query_names: Vec<String> = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect();
    for param in op.parameters.iter().filter(|p| p.required) {
        let present = match param.location {
            Location::Query => query_names.contains(&param.name),
            Location::Header => headers.contains_key(param.name.as_str()),
            _ => true,
        };
        if !present {
            out.push(finding(
                Kind::Request,
                &param.pointer,
                format!(
                    "the required {} parameter `{}`",
                    param.location.as_str(),
                    param.name
                ),
                "absent",
            ));
        }
    }
    let Some(documented) = &op.request_body else {
        return out;
    };
    if body.is_empty() {
        if documented.required {
            out.push(finding(
                Kind::Request,
                &documented.pointer,
                "a request body (required)",
                "no body",
            ));
        }
        return out;
    }
    let media = header(headers, "content-type").map(media_essence);
    let Some(media) = media else {
        out.push(finding(
            Kind::Request,
            &documented.pointer,
            format!("a Content-Type of {}", documented.media_types.join(", ")),
            "none",
        ));
        return out;
    };
    if !documented
        .media_types
        .iter()
        .any(|m| media_essence(m) == media)
    {
        out.push(finding(
            Kind::Request,
            &documented.pointer,
            format!("a Content-Type of {}", documented.media_types.join(", ")),
            &media,
        ));
        return out;
    }
    if media.contains("json") && media_essence(&documented.media_type) == media {
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => out.extend(schema(
                &route.spec,
                &documented.schema,
                &value,
                Kind::Request,
                &documented.pointer,
            )),
            Err(e) => out.push(finding(
                Kind::Request,
                &documented.pointer,
                format!("a JSON body ({e})"),
                &String::from_utf8_lossy(body),
            )),
        }
    }
    out
}

/// The header `name` as text, if present.
pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The response head: not a 5xx, a documented status, its required headers and a documented
/// Content-Type. Returns the documenting response, if any.
pub fn response_head<'o>(
    op: &'o Operation,
    status: u16,
    headers: &HeaderMap,
) -> (Option<&'o Response>, Vec<Finding>) {
    let mut out = Vec::new();
    let responses = format!("{}/responses", op.pointer);
    if status >= 500 {
        out.push(finding(
            Kind::Status,
            &responses,
            "no server error",
            &format!("status {status}"),
        ));
    }
    let Some(documented) = op.documents_status(status) else {
        out.push(finding(
            Kind::Status,
            &responses,
            format!(
                "a documented status ({})",
                op.responses
                    .iter()
                    .map(|r| r.status.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &format!("status {status}"),
        ));
        return (None, out);
    };
    for h in documented.headers.iter().filter(|h| h.required) {
        if !headers.contains_key(h.name.as_str()) {
            out.push(finding(
                Kind::Header,
                &h.pointer,
                format!("the required response header `{}`", h.name),
                "absent",
            ));
        }
    }
    if !documented.content.is_empty() {
        let names = documented
            .content
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        match header(headers, "content-type") {
            None => out.push(finding(
                Kind::Content,
                &format!("{}/content", documented.pointer),
                format!("a Content-Type of {names}"),
                "none",
            )),
            Some(ct) if documented.media(ct).is_none() => out.push(finding(
                Kind::Content,
                &format!("{}/content", documented.pointer),
                format!("a Content-Type of {names}"),
                ct,
            )),
            Some(_) => {}
        }
    }
    (Some(documented), out)
}

/// A JSON body of a documented response against its media type's schema.
pub fn response_body(
    spec: &Spec,
    documented: &Response,
    content_type: &str,
    body: &[u8],
) -> (Option<Value>, Vec<Finding>) {
    let Some(media) = documented.media(content_type) else {
        return (None, Vec::new());
    };
    if !media_essence(content_type).contains("json") {
        return (None, Vec::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            let findings = media
                .schema
                .as_ref()
                .map(|s| schema(spec, s, &value, Kind::Body, &media.pointer))
                .unwrap_or_default();
            (Some(value), findings)
        }
        Err(e) => (
            None,
            vec![finding(
                Kind::Body,
                &media.pointer,
                format!("JSON ({e})"),
                &String::from_utf8_lossy(body),
            )],
        ),
    }
}

/// Every violation of `schema` by `value` (at most five), each with the offending value.
pub fn schema(
    spec: &Spec,
    schema: &Value,
    value: &Value,
    kind: Kind,
    pointer: &str,
) -> Vec<Finding> {
    match spec.violations(schema, value) {
        Ok(violations) => violations
            .into_iter()
            .take(5)
            .map(|v| {
                let seen = value
                    .pointer(&v.instance_path)
                    .map(Value::to_string)
                    .unwrap_or_default();
                Finding {
                    kind,
                    pointer: format!("{pointer}/schema"),
                    at: if v.instance_path.is_empty() {
                        "/".to_string()
                    } else {
                        v.instance_path.clone()
                    },
                    // The validator's message starts with the whole value; the preview
                    // shows it already, so the expectation keeps only the rule.
                    expected: short(
                        &v.message
                            .strip_prefix(seen.as_str())
                            .map(|rest| format!("the value{rest}"))
                            .unwrap_or_else(|| v.message.clone()),
                    ),
                    preview: short(&seen),
                }
            })
            .collect(),
        Err(e) => vec![finding(
            kind,
            pointer,
            format!("a compilable schema ({e})"),
            "",
        )],
    }
}

/// One event of a stream: JSON, valid against the union, of a documented type. Returns the
/// event's type and JSON when it has them.
pub fn event(
    spec: &Spec,
    stream: &EventStream,
    index: usize,
    data: &str,
) -> (Option<(String, Value)>, Vec<Finding>) {
    let value = match serde_json::from_str::<Value>(data) {
        Ok(value) => value,
        Err(e) => {
            return (
                None,
                vec![Finding {
                    at: format!("event {index}"),
                    ..finding(
                        Kind::Event,
                        &stream.pointer,
                        format!("JSON data ({e})"),
                        data,
                    )
                }],
            );
        }
    };
    let mut out: Vec<Finding> = schema(spec, &stream.schema, &value, Kind::Event, &stream.pointer)
        .into_iter()
        .map(|f| Finding {
            at: format!("event {index} {}", f.at),
            ..f
        })
        .collect();
    let kind = stream.type_of(&value).map(str::to_string);
    if stream.names_types() {
        let known = kind
            .as_deref()
            .is_some_and(|k| stream.events.contains_key(k));
        if !known {
            out.push(Finding {
                at: format!("event {index} /{}", escape(&stream.property)),
                ..finding(
                    Kind::Event,
                    &stream.pointer,
                    format!(
                        "`{}` one of {}",
                        stream.property,
                        stream.events.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                    kind.as_deref().unwrap_or("(none)"),
                )
            });
        }
    }
    (kind.map(|k| (k, value)), out)
}

/// The whole stream, by `sb-stream`'s rules: ended cleanly, exactly one terminal event and
/// last; a stream that ends in the success event has its content and its progress in order.
pub fn stream_end(stream: &EventStream, recording: SseRecording) -> Vec<Finding> {
    let judged = Judged::new(stream, recording);
    let mut problems = Vec::new();
    if let Err(e) = judged.ended() {
        problems.push(e);
    }
    let terminals = stream
        .semantics
        .as_ref()
        .is_some_and(|s| !s.terminal.is_empty());
    if terminals && problems.is_empty() {
        match judged.terminal() {
            Err(e) => problems.push(e),
            Ok(index) => {
                let success = stream.semantics.as_ref().and_then(|s| s.success.as_deref());
                if success.is_some() && judged.events[index].kind.as_deref() == success {
                    if let Err(e) = judged.succeeded() {
                        problems.push(e);
                    }
                    if stream
                        .semantics
                        .as_ref()
                        .is_some_and(|s| s.progress.is_some())
                        && let Err(e) = judged.progress()
                    {
                        problems.push(e);
                    }
                }
            }
        }
    }
    let pointer = stream
        .semantics
        .as_ref()
        .map(|s| s.pointer.clone())
        .unwrap_or_else(|| stream.pointer.clone());
    problems
        .into_iter()
        .map(|p| finding(Kind::Stream, &pointer, "a stream by its x-stream rules", &p))
        .collect()
}

/// Whether `origin` matches one of `patterns`: exact, or `scheme://host:*` (any port), the
/// forms `x-cors` and `--allowed-origin` take.
pub fn origin_allowed(patterns: &[String], origin: &str) -> bool {
    patterns.iter().any(|p| {
        p.eq_ignore_ascii_case(origin)
            || p.strip_suffix(":*").is_some_and(|prefix| {
                origin
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .is_some_and(|port| {
                        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                    })
            })
    })
}

fn lists(value: Option<&str>, wanted: &str) -> bool {
    value.is_some_and(|v| {
        v.split(',')
            .any(|item| item.trim() == "*" || item.trim().eq_ignore_ascii_case(wanted))
    })
}

/// Methods a browser never needs listed in `Access-Control-Allow-Methods` (the Fetch
/// standard's CORS-safelisted methods).
pub const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// The CORS answer to a request from `origin`: an allowed origin gets itself (or `*` without
/// credentials) and `Vary: Origin` when reflected; a disallowed one gets no
/// `Access-Control-Allow-Origin`. A preflight (`requested` = the method and headers asked
/// for) must also allow them and say how long it may be cached.
pub fn cors(
    pointer: &str,
    allowed: bool,
    origin: &str,
    headers: &HeaderMap,
    requested: Option<(&str, &str)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let acao = header(headers, "access-control-allow-origin");
    let what = if requested.is_some() {
        "preflight"
    } else {
        "response"
    };
    if !allowed {
        if let Some(acao) = acao {
            out.push(finding(
                Kind::Cors,
                pointer,
                format!(
                    "no Access-Control-Allow-Origin on a {what} to the disallowed origin {origin}"
                ),
                acao,
            ));
        }
        return out;
    }
    let Some(acao) = acao else {
        out.push(finding(
            Kind::Cors,
            pointer,
            format!("Access-Control-Allow-Origin on a {what} to the allowed origin {origin}"),
            "absent",
        ));
        return out;
    };
    if acao == "*" {
        if header(headers, "access-control-allow-credentials") == Some("true") {
            out.push(finding(
                Kind::Cors,
                pointer,
                "no `*` together with Access-Control-Allow-Credentials: true",
                "*",
            ));
        }
    } else if acao != origin {
        out.push(finding(
            Kind::Cors,
            pointer,
            format!("Access-Control-Allow-Origin `{origin}`"),
            acao,
        ));
    } else {
        let vary = headers
            .get_all("vary")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case("origin") || v.trim() == "*");
        if !vary {
            out.push(finding(
                Kind::Cors,
                pointer,
                "`Vary: Origin` with a reflected origin (caches would mix origins)",
                header(headers, "vary").unwrap_or("absent"),
            ));
        }
    }
    if let Some((method, requested_headers)) = requested {
        let methods = header(headers, "access-control-allow-methods");
        let method = method.to_ascii_uppercase();
        if !SAFELISTED_METHODS.contains(&method.as_str()) && !lists(methods, &method) {
            out.push(finding(
                Kind::Cors,
                pointer,
                format!("Access-Control-Allow-Methods listing {method}"),
                methods.unwrap_or("absent"),
            ));
        }
        let allow = header(headers, "access-control-allow-headers");
        for wanted in requested_headers
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            if !lists(allow, wanted) {
                out.push(finding(
                    Kind::Cors,
                    pointer,
                    format!("Access-Control-Allow-Headers listing `{wanted}`"),
                    allow.unwrap_or("absent"),
                ));
            }
        }
        let max_age = header(headers, "access-control-max-age");
        if max_age.is_none_or(|v| v.trim().parse::<u64>().is_err()) {
            out.push(finding(
                Kind::Cors,
                pointer,
                "Access-Control-Max-Age in seconds (else browsers preflight every call)",
                max_age.unwrap_or("absent"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_patterns() {
        let p = vec![
            "https://kimmyai.io".to_string(),
            "http://localhost:*".to_string(),
        ];
        assert!(origin_allowed(&p, "https://kimmyai.io"));
        assert!(origin_allowed(&p, "http://localhost:5173"));
        assert!(!origin_allowed(&p, "http://localhost"));
        assert!(!origin_allowed(&p, "http://127.0.0.1:5173"));
        assert!(!origin_allowed(&p, "https://evilkimmyai.io"));
    }

    #[test]
    fn preview_is_short_and_flat() {
        let long = "a\n".repeat(200);
        let s = short(&long);
        assert!(s.chars().count() <= 121 && !s.contains('\n'));
    }
}
