//! Builds raw HTTP requests for an operation from the spec's examples, with the overrides
//! the checks need (another token, another tenant, a mutated body), and sends them.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sb_spec::Location;

use crate::cause::{Cause, Phase};
use crate::context::Ctx;
use crate::examples;
use serde_json::Value;

use crate::outcome::{Failure, fail};
use crate::target::Target;
use crate::tokens::TokenKind;

/// The body a request carries.
#[derive(Debug, Clone)]
pub enum Body {
    /// The request body's example (or none when the operation has no body).
    Example,
    /// A JSON value in place of the example.
    Json(Value),
    /// Raw bytes sent as `application/json` (to send something that is not JSON).
    Raw(&'static str),
}

/// A request to send, before it is built.
#[derive(Debug, Clone)]
pub struct RequestPlan {
    /// Which token to send; `None` sends no `Authorization` header.
    pub token: Option<TokenKind>,
    /// The tenant used for the tenant path parameter and header (`x-tenant`; default: the
    /// target's tenant).
    pub tenant: Option<String>,
    /// The tenant put in the tenant header only (default: same as `tenant`).
    pub header_tenant: Option<String>,
    /// Path parameter values that replace the examples.
    pub path_overrides: Vec<(String, String)>,
    /// Query parameter values that replace the examples.
    pub query_overrides: Vec<(String, String)>,
    pub body: Body,
    /// Extra headers (Origin, Accept, ...).
    pub headers: Vec<(String, String)>,
    /// Header parameters to leave out.
    pub omit_headers: Vec<String>,
}

impl Default for RequestPlan {
    fn default() -> Self {
        RequestPlan {
            token: Some(TokenKind::Valid),
            tenant: None,
            header_tenant: None,
            path_overrides: Vec::new(),
            query_overrides: Vec::new(),
            body: Body::Example,
            headers: Vec::new(),
            omit_headers: Vec::new(),
        }
    }
}

/// A response read whole: what the checks look at.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub elapsed: Duration,
}

impl RawResponse {
    /// A header's value as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The media type of the body, without parameters, lowercased.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// The body parsed as JSON (which is UTF-8: other bytes are named as such).
    pub fn json(&self) -> Result<Value, Failure> {
        if let Err(e) = std::str::from_utf8(&self.body) {
            return Err(Failure::new(format!(
                "status {} body is not valid UTF-8 (invalid byte at offset {}), so not JSON: {}",
                self.status,
                e.valid_up_to(),
                preview(&self.body)
            )));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            Failure::new(format!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                preview(&self.body)
            ))
        })
    }
}

/// The first 200 characters of a body, for failure messages: one line, UTF-8-safe (invalid
/// bytes and control characters replaced), and never more than a few hundred bytes whatever
/// the body's size.
pub fn preview(body: &[u8]) -> String {
    const CHARS: usize = 200;
    // A char is at most 4 bytes: this prefix holds the first 200 characters, and only it is
    // decoded (a 200 MB body is not copied to show its start).
    let head = &body[..body.len().min(CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text
        .chars()
        .take(CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > CHARS || head.len() < body.len() {
        out.push('…');
    }
    out
}

/// The URL of `op` with path parameters from examples, the tenant and the overrides.
pub fn url(ctx: &Ctx<'_>, plan: &RequestPlan) -> Result<String, Failure> {
    let (target, spec, op) = (ctx.target, &*ctx.spec, &ctx.op);
    let tenant = plan.tenant.as_deref().unwrap_or(target.tenant());
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for param in &op.parameters {
        let overrides = match param.location {
            Location::Path => &plan.path_overrides,
            _ => &plan.query_overrides,
        };
        let overridden = overrides.iter().find(|(n, _)| n == &param.name);
        let value = if let Some((_, v)) = overridden {
            Some(v.clone())
        } else if param.location == Location::Path && op.is_tenant_param(param) {
            Some(tenant.to_string())
        } else {
            examples::param_example(spec, param)
                .as_ref()
                .map(example_text)
        };
        match param.location {
            Location::Path => {
                let value = value.ok_or_else(|| {
                    fail(format!(
                        "{}: path parameter `{}` has no example; add one to the spec",
                        op.id, param.name
                    ))
                })?;
                path = path.replace(&format!("{{{}}}", param.name), &encode_segment(&value));
            }
            Location::Query => {
                // Optional query parameters only when the spec shows them.
                if let Some(value) = value
                    .filter(|_| param.required || param.example.is_some() || overridden.is_some())
                {
                    query.push(format!("{}={}", param.name, encode_segment(&value)));
                }
            }
            _ => {}
        }
    }
    let mut url = format!("{}{}", target.base_url(), path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    Ok(url)
}

/// The default cap on one response body (`--max-body-bytes`, `SB_MAX_BODY_BYTES`).
pub const MAX_BODY_BYTES: usize = sb_plan::options::DEFAULT_MAX_BODY_BYTES;

/// Reads a whole body of at most `max` bytes by `deadline` (the exchange's time limit is
/// `limit`). A larger body fails as [`Cause::Oversize`] without being buffered: one
/// announced larger by Content-Length before a byte of it is read.
pub async fn read_capped(
    response: reqwest::Response,
    max: usize,
    deadline: tokio::time::Instant,
    limit: Duration,
) -> Result<Bytes, Cause> {
    use futures::StreamExt;
    let expected = response.content_length();
    if expected.is_some_and(|n| n > max as u64) {
        return Err(Cause::Oversize { limit: max });
    }
    let mut stream = response.bytes_stream();
    let mut body = Vec::new();
    loop {
        let phase = Phase::Body {
            received: Some(body.len()),
            expected,
        };
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) => return Err(Cause::timeout(phase, limit)),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(Cause::of(&e, phase, limit)),
            Ok(Some(Ok(chunk))) => {
                if body.len() + chunk.len() > max {
                    return Err(Cause::Oversize { limit: max });
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    Ok(Bytes::from(body))
}

/// Sends `request` and reads the whole response within the target's limits: the whole
/// exchange (headers and body) within `--timeout-secs`, the body within
/// `--max-body-bytes`. A failure to connect or to get a response head is reported to the
/// target's circuit breaker; once it is open, nothing is sent.
pub async fn exchange(
    target: &Target,
    client: &reqwest::Client,
    request: reqwest::Request,
) -> Result<RawResponse, Cause> {
    if let Some(down) = target.unreachable() {
        return Err(Cause::Unreachable(down));
    }
    let limit = target.timeout();
    let deadline = tokio::time::Instant::now() + limit;
    let started = Instant::now();
    let response = match tokio::time::timeout_at(deadline, client.execute(request)).await {
        Err(_) => return Err(target.failed(Cause::timeout(Phase::Headers, limit)).await),
        Ok(Err(e)) => {
            let cause = Cause::of(&e, Phase::Headers, limit);
            return Err(target.failed(cause).await);
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_capped(response, target.max_body(), deadline, limit)
        .await
        .map_err(|cause| Cause::Other(format!("after status {status}: {cause}")))?;
    Ok(RawResponse {
        status,
        headers,
        body,
        elapsed: started.elapsed(),
    })
}

/// Builds and sends the request `plan` describes for `op`, reading the whole response.
pub async fn send(
    ctx: &Ctx<'_>,
    client: &reqwest::Client,
    plan: &RequestPlan,
) -> Result<RawResponse, Failure> {
    let op = &ctx.op;
    let request = build(ctx, client, plan)?;
    exchange(ctx.target, client, request)
        .await
        .map_err(|cause| {
            fail(match cause {
                // The breaker's message stands alone: it is the same for every check.
                Cause::Unreachable(down) => down,
                cause => format!("{} {}: {cause}", op.method.to_uppercase(), op.path),
            })
        })
}

/// Builds the request without sending it (streams send it themselves).
pub fn build(
    ctx: &Ctx<'_>,
    client: &reqwest::Client,
    plan: &RequestPlan,
) -> Result<reqwest::Request, Failure> {
    let (target, spec, op) = (ctx.target, &*ctx.spec, &ctx.op);
    let method = reqwest::Method::from_bytes(op.method.to_uppercase().as_bytes())
        .map_err(|e| fail(format!("{}: bad method `{}`: {e}", op.id, op.method)))?;
    let mut headers = HeaderMap::new();
    let tenant = plan.tenant.as_deref().unwrap_or(target.tenant());
    let header_tenant = plan.header_tenant.as_deref().unwrap_or(tenant);
    for param in op
        .parameters
        .iter()
        .filter(|p| p.location == Location::Header && !plan.omit_headers.contains(&p.name))
    {
        let value = if op.is_tenant_param(param) {
            Some(header_tenant.to_string())
        } else {
            examples::param_example(spec, param)
                .as_ref()
                .map(example_text)
        };
        if let Some(value) = value.filter(|_| param.required || param.example.is_some()) {
            insert(&mut headers, &param.name, &value)?;
        }
    }
    if let Some(kind) = plan.token {
        let token = ctx.token_of(kind).ok_or_else(|| {
            fail(format!(
                "no {kind:?} token for this target; pass --jwt-secret"
            ))
        })?;
        insert(&mut headers, "authorization", &format!("Bearer {token}"))?;
    }
    for (name, value) in &plan.headers {
        insert(&mut headers, name, value)?;
    }
    let mut builder = client.request(method, url(ctx, plan)?).headers(headers);
    if let Some(body) = &op.request_body {
        let json = body.json_content_type().to_string();
        let (content_type, bytes) = match &plan.body {
            Body::Example => example_body(ctx, body)?,
            Body::Json(value) => (
                json,
                serde_json::to_vec(value).expect("a JSON value serialises"),
            ),
            Body::Raw(text) => (json, text.as_bytes().to_vec()),
        };
        builder = builder
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes);
    }
    builder
        .build()
        .map_err(|e| fail(format!("{}: cannot build the request: {e}", op.id)))
}

/// The request body's example encoded for its media type (JSON, form, multipart or raw
/// text, `sb_plan::encode`): `(Content-Type, bytes)`.
fn example_body(ctx: &Ctx<'_>, body: &sb_spec::RequestBody) -> Result<(String, Vec<u8>), Failure> {
    let (spec, op) = (&*ctx.spec, &ctx.op);
    let example = examples::body_example(spec, body).ok_or_else(|| {
        fail(format!(
            "{}: the request body has no example; add one to the spec",
            op.id
        ))
    })?;
    sb_plan::encode::encode(spec, body, &example).map_err(|e| fail(format!("{}: {e}", op.id)))
}

fn insert(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), Failure> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|e| fail(format!("bad header name `{name}`: {e}")))?;
    let value = HeaderValue::from_str(value)
        .map_err(|e| fail(format!("bad value for header `{name}`: {e}")))?;
    headers.insert(name, value);
    Ok(())
}

/// An example as the text that goes into a URL or header.
pub fn example_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes one path segment or query value.
pub fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
