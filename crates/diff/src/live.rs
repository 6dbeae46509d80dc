//! The live consumer check: performs each use that has a `live` section against a running
//! provider and checks the status, headers, body fields and events the client reads are
//! really there. Every request is bounded by the target's timeout.

use std::collections::BTreeMap;
use std::time::Duration;

use sb_spec::stream::is_event_stream;
use serde_json::Value;

use crate::compat::{Finding, FindingKind};
use crate::consumer::{Consumer, Cors, FieldType, Use};

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

/// What came back from one call.
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

/// Runs every use with a `live` section in file order (captures flow to later uses) and
/// every CORS preflight; returns what the provider did not deliver.
pub async fn check_live(consumer: &Consumer, target: &LiveTarget<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut vars: BTreeMap<String, String> =
        BTreeMap::from([("tenant".to_string(), target.tenant.to_string())]);
    for u in &consumer.uses {
        check_use(u, target, &mut vars, &mut findings).await;
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

async fn send(request: reqwest::RequestBuilder, timeout: Duration) -> Result<Reply, String> {
    let call = async {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.map_err(|e| e.to_string())?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    };
    tokio::time::timeout(timeout, call)
        .await
        .map_err(|_| format!("no complete response within {} ms", timeout.as_millis()))?
}

async fn check_use(
    u: &Use,
    target: &LiveTarget<'_>,
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
    let reply = match send(request, target.timeout).await {
        Ok(reply) => reply,
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
    if reply.status != u.reads.status {
        let snippet: String = reply.body.chars().take(200).collect();
        findings.push(finding(
            u,
            &at,
            FindingKind::Changed,
            &format!("reads status {}", u.reads.status),
            format!("the provider answered {}: {snippet}", reply.status),
        ));
        return;
    }
    for header in &u.reads.headers {
        if !reply.headers.contains_key(header.as_str()) {
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
        for line in reply.body.lines() {
            let Some(data) = line.strip_prefix("data:") else {
                continue;
            };
            match serde_json::from_str::<Value>(data.trim()) {
                Ok(event) => {
                    let kind = event
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("*")
                        .to_string();
                    observed.entry(kind).or_default().push(event);
                }
                Err(e) => findings.push(finding(
                    u,
                    &at,
                    FindingKind::Changed,
                    "event stream",
                    format!("a `data:` line is not JSON ({e}): {}", data.trim()),
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
    } else if !u.reads.body.is_empty() || !live.capture.is_empty() {
        body = match serde_json::from_str(&reply.body) {
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
