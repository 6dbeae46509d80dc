//! The live consumer check: performs each use that has a `live` section against a running
//! provider and checks the status, headers, body fields and events the client reads are
//! really there. Every request is bounded by the target's timeout and every body read by a
//! size cap; event streams are read by the one SSE reader (`sb_stream`) and judged with the
//! operation's stream contract from the spec model.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sb_spec::stream::is_event_stream;
use sb_spec::{EventStream, Spec, StreamEvent};
use sb_stream::rules::Judged;
use sb_stream::{SseLimits, SseReader};
use serde_json::Value;

use crate::compat::{Finding, FindingKind};
use crate::consumer::{Consumer, Cors, FieldType, Use};

/// The most of a non-stream body that is read: the same cap as a stream's.
const MAX_BODY_BYTES: usize = sb_stream::MAX_STREAM_BYTES;

/// Where and how to reach the provider.
#[derive(Debug, Clone)]
pub struct LiveTarget<'a> {
    /// The client to send with (its own timeouts apply too).
    pub http: &'a reqwest::Client,
    /// `http://127.0.0.1:8080/v1`.
    pub base_url: &'a str,
    /// A bearer token for the tenant.
    pub token: &'a str,
    /// The tenant of the token, sent as `X-Tenant-Id` and substituted for `{tenant}`.
    pub tenant: &'a str,
    /// The limit on each request, body included.
    pub timeout: Duration,
}

/// What came back from one call whose body nobody reads.
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
}

/// [`check_live_against`] without the specs: event streams are read as events typed by their
/// `type` property, with no `x-stream` semantics (no terminal event is expected).
pub async fn check_live(consumer: &Consumer, target: &LiveTarget<'_>) -> Vec<Finding> {
    check_live_against(consumer, target, &BTreeMap::new()).await
}

/// Runs every use with a `live` section in file order (captures flow to later uses) and
/// every CORS preflight; returns what the provider did not deliver. `specs` (keyed by short
/// name, `generation`) give each streamed use its operation's stream contract: the type
/// property to name events by, and the terminal events a stream must end with.
pub async fn check_live_against(
    consumer: &Consumer,
    target: &LiveTarget<'_>,
    specs: &BTreeMap<String, Spec>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut vars: BTreeMap<String, String> =
        BTreeMap::from([("tenant".to_string(), target.tenant.to_string())]);
    for u in &consumer.uses {
        check_use(u, target, specs, &mut vars, &mut findings).await;
    }
    for cors in &consumer.cors {
        check_cors(cors, target, &vars, &mut findings).await;
    }
    findings
}

fn finding(u: &Use, pointer: &str, kind: FindingKind, item: &str, message: String) -> Finding {
    Finding {
        kind,
        use_name: u.name.clone(),
        spec: u.spec.clone(),
        operation_id: u.operation.clone(),
        pointer: pointer.to_string(),
        item: item.to_string(),
        message,
    }
}

/// Replaces `{name}` with captured values; names nothing captured are returned as errors.
fn substitute(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &rest[start + 1..start + end];
        let value = vars.get(name).ok_or_else(|| name.to_string())?;
        out.push_str(value);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn substitute_json(value: &Value, vars: &BTreeMap<String, String>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => Value::String(substitute(s, vars)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute_json(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), substitute_json(v, vars)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// The stream contract of the use's operation: from its spec when the spec is given and the
/// model reads the operation as a stream; else (no spec, or one the model rejects, which the
/// static check and `lint` report) events typed by `type`, with no semantics.
fn stream_contract(u: &Use, specs: &BTreeMap<String, Spec>) -> EventStream {
    let from_spec = specs
        .get(&u.spec)
        .and_then(|spec| spec.operation(&u.operation).ok())
        .and_then(|op| op.stream);
    from_spec.unwrap_or_else(|| EventStream {
        pointer: String::new(),
        media_type: "text/event-stream".to_string(),
        schema: Value::Object(Default::default()),
        property: "type".to_string(),
        events: BTreeMap::from([(
            "*".to_string(),
            StreamEvent {
                schema: Value::Object(Default::default()),
                schema_pointer: String::new(),
                pointer: String::new(),
            },
        )]),
        semantics: None,
    })
}

fn too_slow(timeout: Duration) -> String {
    format!("no complete response within {} ms", timeout.as_millis())
}

/// Sends `request` (at `started`) and waits for the response head, until `timeout` after
/// `started`.
async fn open(
    request: reqwest::RequestBuilder,
    started: Instant,
    timeout: Duration,
) -> Result<reqwest::Response, String> {
    let left = timeout.saturating_sub(started.elapsed());
    tokio::time::timeout(left, request.send())
        .await
        .map_err(|_| too_slow(timeout))?
        .map_err(|e| e.to_string())
}

/// Reads the rest of the body as text, until `timeout` after `started` and at most
/// [`MAX_BODY_BYTES`].
async fn read_text(
    mut response: reqwest::Response,
    started: Instant,
    timeout: Duration,
) -> Result<String, String> {
    let read = async {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(format!("the body exceeds the {MAX_BODY_BYTES}-byte cap"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    };
    let left = timeout.saturating_sub(started.elapsed());
    tokio::time::timeout(left, read)
        .await
        .map_err(|_| too_slow(timeout))?
}

/// Sends `request` and reads its body to the end, within the timeout and the size cap, so a
/// response that never finishes is reported; the body itself is not kept.
async fn send(request: reqwest::RequestBuilder, timeout: Duration) -> Result<Reply, String> {
    let started = Instant::now();
    let response = open(request, started, timeout).await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    read_text(response, started, timeout).await?;
    Ok(Reply { status, headers })
}

async fn check_use(
    u: &Use,
    target: &LiveTarget<'_>,
    specs: &BTreeMap<String, Spec>,
    vars: &mut BTreeMap<String, String>,
    findings: &mut Vec<Finding>,
) {
    let Some(live) = &u.live else {
        return;
    };
    let method = u.method.to_ascii_uppercase();
    let path = match substitute(&live.path, vars) {
        Ok(path) => path,
        Err(name) => {
            findings.push(finding(
                u,
                "",
                FindingKind::Missing,
                "live call",
                format!("`{{{name}}}` was not captured by an earlier use (did it fail?)"),
            ));
            return;
        }
    };
    let url = format!("{}{path}", target.base_url.trim_end_matches('/'));
    let at = format!("(live) {method} {url}");
    let Ok(http_method) = reqwest::Method::from_bytes(method.as_bytes()) else {
        return;
    };
    let mut request = target.http.request(http_method, &url);
    for header in &u.sends.headers {
        match header.to_ascii_lowercase().as_str() {
            "authorization" if live.auth => {
                request = request.bearer_auth(target.token);
            }
            "x-tenant-id" => request = request.header("X-Tenant-Id", target.tenant),
            "accept" => {
                let accept = u.reads.content.as_deref().unwrap_or("application/json");
                request = request.header("Accept", accept);
            }
            _ => {}
        }
    }
    if let Some(body) = &live.body {
        match substitute_json(body, vars) {
            Ok(body) => request = request.json(&body),
            Err(name) => {
                findings.push(finding(
                    u,
                    &at,
                    FindingKind::Missing,
                    "live call",
                    format!("`{{{name}}}` was not captured by an earlier use (did it fail?)"),
                ));
                return;
            }
        }
    }
    let started = Instant::now();
    let response = match open(request, started, target.timeout).await {
        Ok(response) => response,
        Err(message) => {
            findings.push(finding(
                u,
                &at,
                FindingKind::Missing,
                "live response",
                message,
            ));
            return;
        }
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if status != u.reads.status {
        let body = read_text(response, started, target.timeout)
            .await
            .unwrap_or_else(|e| format!("(body unread: {e})"));
        let snippet: String = body.chars().take(200).collect();
        findings.push(finding(
            u,
            &at,
            FindingKind::Changed,
            &format!("reads status {}", u.reads.status),
            format!("the provider answered {status}: {snippet}"),
        ));
        return;
    }
    for header in &u.reads.headers {
        if !headers.contains_key(header.as_str()) {
            findings.push(finding(
                u,
                &at,
                FindingKind::Missing,
                &format!("reads header `{header}`"),
                "absent from the live response".to_string(),
            ));
        }
    }
    let streamed =
        u.reads.content.as_deref().is_some_and(is_event_stream) || !u.reads.events.is_empty();
    let mut observed: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut body = Value::Null;
    if streamed {
        let contract = stream_contract(u, specs);
        // The whole call, stream included, within the target's timeout from the send.
        let limits = SseLimits::new(target.timeout, target.timeout);
        let recording = SseReader::new(response, started)
            .record(limits, |e| sb_stream::is_terminal(&contract, e))
            .await;
        let judged = Judged::new(&contract, recording);
        // A stream that stalls, breaks, outgrows the cap or (per x-stream) closes without its
        // terminal event did not deliver what the client waits for.
        if let Err(problem) = judged.ended() {
            findings.push(finding(
                u,
                &at,
                FindingKind::Missing,
                "event stream",
                problem,
            ));
        }
        if let Some(line) = judged.stray_lines.first() {
            findings.push(finding(
                u,
                &at,
                FindingKind::Changed,
                "event stream",
                format!("a line that is not an SSE field: `{line}`"),
            ));
        }
        for (index, event) in judged.events.iter().enumerate() {
            match &event.json {
                Ok(json) => {
                    let kind = event.kind.clone().unwrap_or_else(|| "*".to_string());
                    observed.entry(kind).or_default().push(json.clone());
                }
                Err(e) => findings.push(finding(
                    u,
                    &at,
                    FindingKind::Changed,
                    "event stream",
                    format!("event {index}: data is not JSON ({e}): {}", event.data),
                )),
            }
        }
        for (name, fields) in &u.reads.events {
            let Some(events) = observed.get(name) else {
                let seen: Vec<&str> = observed.keys().map(String::as_str).collect();
                findings.push(finding(
                    u,
                    &at,
                    FindingKind::Missing,
                    &format!("reads event `{name}`"),
                    format!("not in the live stream (saw: {})", seen.join(", ")),
                ));
                continue;
            };
            for event in events {
                for (field, ty) in fields {
                    if let Err((kind, message)) = check_value(event, field, *ty) {
                        findings.push(finding(
                            u,
                            &at,
                            kind,
                            &format!("reads event `{name}` field `{field}`"),
                            message,
                        ));
                    }
                }
            }
        }
    } else {
        let text = match read_text(response, started, target.timeout).await {
            Ok(text) => text,
            Err(message) => {
                findings.push(finding(
                    u,
                    &at,
                    FindingKind::Missing,
                    "live response",
                    message,
                ));
                return;
            }
        };
        // Nothing read from the body: it only had to arrive.
        if u.reads.body.is_empty() && live.capture.is_empty() {
            return;
        }
        body = match serde_json::from_str(&text) {
            Ok(body) => body,
            Err(e) => {
                findings.push(finding(
                    u,
                    &at,
                    FindingKind::Changed,
                    "live body",
                    format!("not JSON ({e})"),
                ));
                return;
            }
        };
        for (field, ty) in &u.reads.body {
            if let Err((kind, message)) = check_value(&body, field, *ty) {
                findings.push(finding(
                    u,
                    &at,
                    kind,
                    &format!("reads {} body field `{field}`", u.reads.status),
                    message,
                ));
            }
        }
    }
    for (name, source) in &live.capture {
        let value = capture(source, &body, &observed);
        match value.as_ref().and_then(scalar) {
            Some(value) => {
                vars.insert(name.clone(), value);
            }
            None => findings.push(finding(
                u,
                &at,
                FindingKind::Missing,
                &format!("capture `{name}`"),
                format!("`{source}` is not in the live response"),
            )),
        }
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `body.a.b` or `events.<type>.a`: the first matching value.
fn capture(source: &str, body: &Value, events: &BTreeMap<String, Vec<Value>>) -> Option<Value> {
    if let Some(path) = source.strip_prefix("body.") {
        return values_at(body, path).ok()?.into_iter().next().cloned();
    }
    let rest = source.strip_prefix("events.")?;
    let (kind, path) = rest.split_once('.')?;
    events
        .get(kind)?
        .iter()
        .find_map(|e| values_at(e, path).ok()?.into_iter().next().cloned())
}

/// Every value at a dotted path with `[]` for array items; an error names the first
/// segment that is absent.
fn values_at<'v>(value: &'v Value, path: &str) -> Result<Vec<&'v Value>, String> {
    let mut current = vec![value];
    let mut walked = String::new();
    for segment in path.split('.') {
        let mut name = segment;
        let mut items = 0;
        while let Some(rest) = name.strip_suffix("[]") {
            name = rest;
            items += 1;
        }
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        if !name.is_empty() {
            let mut next = Vec::new();
            for v in current {
                match v.get(name) {
                    Some(found) => next.push(found),
                    None => return Err(format!("`{walked}` is absent")),
                }
            }
            current = next;
        }
        for _ in 0..items {
            let mut next = Vec::new();
            for v in current {
                match v.as_array() {
                    Some(list) => next.extend(list.iter()),
                    None => return Err(format!("`{walked}` is not an array")),
                }
            }
            current = next;
        }
    }
    Ok(current)
}

/// Checks a field read by the client: absent is `Missing`, the wrong type `Changed`.
fn check_value(value: &Value, path: &str, ty: FieldType) -> Result<(), (FindingKind, String)> {
    let found = values_at(value, path).map_err(|m| (FindingKind::Missing, m))?;
    if found.is_empty() {
        return Err((
            FindingKind::Missing,
            format!("`{path}` has no elements to check"),
        ));
    }
    for v in found {
        if !ty.matches(v) {
            return Err((
                FindingKind::Changed,
                format!("`{path}` is {v} but the client expects {ty}"),
            ));
        }
    }
    Ok(())
}

async fn check_cors(
    cors: &Cors,
    target: &LiveTarget<'_>,
    vars: &BTreeMap<String, String>,
    findings: &mut Vec<Finding>,
) {
    let path = substitute(&cors.live_path, vars).unwrap_or_else(|_| cors.live_path.clone());
    let url = format!("{}{path}", target.base_url.trim_end_matches('/'));
    let at = format!("(live) OPTIONS {url}");
    let push = |findings: &mut Vec<Finding>, kind, item: String, message: String| {
        findings.push(Finding {
            kind,
            use_name: format!("cors {}", cors.path),
            spec: cors.spec.clone(),
            operation_id: String::new(),
            pointer: at.clone(),
            item,
            message,
        });
    };
    let request = target
        .http
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", &cors.origin);
    match send(request, target.timeout).await {
        Err(message) => push(
            findings,
            FindingKind::Missing,
            "preflight".to_string(),
            message,
        ),
        Ok(reply) => {
            for header in &cors.expects {
                if !reply.headers.contains_key(header.as_str()) {
                    push(
                        findings,
                        FindingKind::Missing,
                        format!("header `{header}`"),
                        format!(
                            "absent from the preflight response (status {})",
                            reply.status
                        ),
                    );
                }
            }
        }
    }
}
