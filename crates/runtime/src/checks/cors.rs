//! Family 4: CORS. A preflight from an allowed origin is answered with that origin (or `*`
//! without credentials), the operation's method and the headers it sends, and `Vary:
//! Origin` when the origin is reflected; a disallowed origin gets no
//! `Access-Control-Allow-Origin`; actual responses to an allowed origin carry it too, and
//! expose the documented headers. The judgements are `sb_rules::cors` and
//! `sb_rules::expose_headers`, the ones the validating proxy applies to a browser's traffic.

use sb_spec::Location;

use crate::context::{Ctx, judged};
use crate::outcome::{Failure, Outcome, ensure, fail};
use crate::request::{self, RawResponse, RequestPlan};

/// An origin no Site Builder deployment allows.
pub const DISALLOWED_ORIGIN: &str = "https://evil.example.com";

/// The request headers a browser would list in `Access-Control-Request-Headers`.
fn sent_headers(ctx: &Ctx<'_>) -> Vec<String> {
    let mut headers = Vec::new();
    if !ctx.op.security.is_empty() {
        headers.push("authorization".to_string());
    }
    if ctx.op.request_body.is_some() {
        headers.push("content-type".to_string());
    }
    headers.extend(
        ctx.op
            .parameters
            .iter()
            .filter(|p| p.location == Location::Header)
            .map(|p| p.name.to_ascii_lowercase()),
    );
    headers
}

async fn preflight(ctx: &Ctx<'_>, origin: &str) -> Result<RawResponse, crate::outcome::Failure> {
    let url = request::url(ctx, &RequestPlan::default())?;
    let client = ctx.http()?;
    let request = client
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", origin)
        .header(
            "Access-Control-Request-Method",
            ctx.op.method.to_uppercase(),
        )
        .header(
            "Access-Control-Request-Headers",
            sent_headers(ctx).join(","),
        )
        .build()
        .map_err(|e| fail(format!("OPTIONS {url}: cannot build the request: {e}")))?;
    request::exchange(ctx.target, &client, request)
        .await
        .map_err(|cause| match cause {
            crate::cause::Cause::Unreachable(down) => fail(down),
            cause => fail(format!("OPTIONS {url}: {cause}")),
        })
}

/// A preflight from the allowed origin.
pub async fn preflight_allowed(ctx: &Ctx<'_>, origin: &str) -> Outcome {
    let response = preflight(ctx, origin).await?;
    ensure((200..300).contains(&response.status), || {
        format!("preflight answered {}", response.status)
    })?;
    let method = ctx.op.method.to_uppercase();
    let requested = sent_headers(ctx).join(",");
    judged(&sb_rules::cors(
        &sb_rules::cors_pointer(&ctx.op),
        true,
        origin,
        &response.headers,
        Some((&method, &requested)),
    ))
}

/// A preflight from an origin that is not allowed.
pub async fn preflight_disallowed(ctx: &Ctx<'_>, allowed: &str) -> Outcome {
    for origin in disallowed_origins(allowed) {
        let response = preflight(ctx, &origin).await?;
        ensure(response.status < 500, || {
            format!(
                "preflight from disallowed origin {origin} answered {}",
                response.status
            )
        })?;
        let method = ctx.op.method.to_uppercase();
        let requested = sent_headers(ctx).join(",");
        judged(&sb_rules::cors(
            &sb_rules::cors_pointer(&ctx.op),
            false,
            &origin,
            &response.headers,
            Some((&method, &requested)),
        ))?;
    }
    Ok(())
}

/// Origins that must not be allowed: an unrelated one, and near misses of the allowed
/// origin that a careless match lets through (`evil` + the host, the host as a prefix of
/// another domain, plain http, the opaque `null` origin).
pub fn disallowed_origins(allowed: &str) -> Vec<String> {
    let mut origins = vec![DISALLOWED_ORIGIN.to_string(), "null".to_string()];
    if let Some((scheme, host)) = allowed.split_once("://") {
        origins.push(format!("{scheme}://evil{host}"));
        origins.push(format!("{scheme}://{host}.evil.example"));
        if scheme == "https" {
            origins.push(format!("http://{host}"));
        }
    }
    origins
}

/// The positive request sent with `Origin: origin`: its head (a stream is not read).
async fn from_origin(ctx: &Ctx<'_>, origin: &str) -> Result<RawResponse, Failure> {
    let plan = RequestPlan {
        headers: vec![("Origin".into(), origin.to_string())],
        ..RequestPlan::default()
    };
    if ctx.op.is_sse() {
        super::sse::open(ctx, &plan).await.map(|(head, _)| head)
    } else {
        request::send(ctx, &ctx.http()?, &plan).await
    }
}

/// The positive request with an allowed Origin exposes every header its response documents
/// (other than the CORS-safelisted ones) in Access-Control-Expose-Headers: without it a
/// browser hides the header from the page, although it is on the wire.
pub async fn expose_headers(ctx: &Ctx<'_>, origin: &str) -> Outcome {
    let response = from_origin(ctx, origin).await?;
    let documented = ctx.documented(&response)?;
    judged(&sb_rules::expose_headers(documented, &response.headers))
}

/// The positive request with an allowed Origin carries Access-Control-Allow-Origin.
pub async fn actual_response(ctx: &Ctx<'_>, origin: &str) -> Outcome {
    let origin = origin.to_string();
    let response = from_origin(ctx, &origin).await?;
    ctx.documented(&response)?;
    judged(&sb_rules::cors(
        &sb_rules::cors_pointer(&ctx.op),
        true,
        &origin,
        &response.headers,
        None,
    ))
}
