//! Family 4: CORS. A preflight from an allowed origin is answered with that origin (or `*`
//! without credentials), the operation's method and the headers it sends, and `Vary:
//! Origin` when the origin is reflected; a disallowed origin gets no
//! `Access-Control-Allow-Origin`; actual responses to an allowed origin carry it too.

use sb_spec::Location;

use crate::context::Ctx;
use crate::outcome::{Outcome, ensure, fail};
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

/// Checks `Access-Control-Allow-Origin` (+ credentials and Vary) on any response.
fn allows_origin(response: &RawResponse, origin: &str) -> Outcome {
    let acao = response
        .header("access-control-allow-origin")
        .ok_or_else(|| {
            fail(format!(
                "status {}: no Access-Control-Allow-Origin for allowed origin {origin}",
                response.status
            ))
        })?;
    if acao == "*" {
        return ensure(
            response.header("access-control-allow-credentials") != Some("true"),
            || "Access-Control-Allow-Origin `*` together with Allow-Credentials true".into(),
        );
    }
    ensure(acao == origin, || {
        format!("Access-Control-Allow-Origin is `{acao}`, expected `{origin}`")
    })?;
    let vary = response
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("origin") || v.trim() == "*");
    ensure(vary, || {
        "the origin is reflected but `Vary` does not name Origin (caches would mix origins)".into()
    })
}

fn lists(value: Option<&str>, wanted: &str) -> bool {
    value.is_some_and(|v| {
        v.split(',')
            .any(|item| item.trim() == "*" || item.trim().eq_ignore_ascii_case(wanted))
    })
}

/// A preflight from the allowed origin.
pub async fn preflight_allowed(ctx: &Ctx<'_>, origin: &str) -> Outcome {
    let origin = origin.to_string();
    let response = preflight(ctx, &origin).await?;
    ensure((200..300).contains(&response.status), || {
        format!("preflight answered {}", response.status)
    })?;
    allows_origin(&response, &origin)?;
    let method = ctx.op.method.to_uppercase();
    let methods = response.header("access-control-allow-methods");
    // GET, HEAD and POST are CORS-safelisted methods: browsers send them without looking at
    // Access-Control-Allow-Methods (Fetch standard; confirmed in Chromium by the browser test).
    let safelisted = matches!(method.as_str(), "GET" | "HEAD" | "POST");
    ensure(safelisted || lists(methods, &method), || {
        format!(
            "Access-Control-Allow-Methods `{}` lacks {method}",
            methods.unwrap_or("")
        )
    })?;
    let max_age = response.header("access-control-max-age");
    ensure(
        max_age.is_some_and(|v| v.trim().parse::<u64>().is_ok()),
        || {
            format!(
                "Access-Control-Max-Age is `{}`, not a number of seconds: browsers would preflight every call",
                max_age.unwrap_or("missing")
            )
        },
    )?;
    let allowed = response.header("access-control-allow-headers");
    for header in sent_headers(ctx) {
        ensure(lists(allowed, &header), || {
            format!(
                "Access-Control-Allow-Headers `{}` lacks `{header}`, which {} sends",
                allowed.unwrap_or(""),
                ctx.op.id
            )
        })?;
    }
    Ok(())
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
        if let Some(value) = response.header("access-control-allow-origin") {
            return Err(fail(format!(
                "a preflight from disallowed origin {origin} got Access-Control-Allow-Origin `{value}`"
            )));
        }
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

/// The positive request with an allowed Origin exposes every header its response documents
/// (other than the CORS-safelisted ones) in Access-Control-Expose-Headers: without it a
/// browser hides the header from the page, although it is on the wire.
pub async fn expose_headers(ctx: &Ctx<'_>, origin: &str) -> Outcome {
    let plan = RequestPlan {
        headers: vec![("Origin".into(), origin.to_string())],
        ..RequestPlan::default()
    };
    let response = if ctx.op.is_sse() {
        super::sse::open(ctx, &plan).await.map(|(head, _)| head)?
    } else {
        request::send(ctx, &ctx.http()?, &plan).await?
    };
    let documented = ctx.documented(&response)?;
    let exposed = response.header("access-control-expose-headers");
    // `*` exposes every header, except on credentialed requests, where it is a literal name.
    let credentialed = response
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let hidden: Vec<&str> = documented
        .headers
        .iter()
        .map(|h| h.name.as_str())
        .filter(|name| !crate::plan::cors_safelisted(name))
        .filter(|name| {
            !exposed.is_some_and(|list| {
                list.split(',').any(|item| {
                    let item = item.trim();
                    item.eq_ignore_ascii_case(name) || (item == "*" && !credentialed)
                })
            })
        })
        .collect();
    ensure(hidden.is_empty(), || {
        format!(
            "Access-Control-Expose-Headers `{}` lacks {}, which status {} documents: a browser hides it from the page",
            exposed.unwrap_or(""),
            hidden.join(", "),
            response.status
        )
    })
}

/// The positive request with an allowed Origin carries Access-Control-Allow-Origin.
pub async fn actual_response(ctx: &Ctx<'_>, origin: &str) -> Outcome {
    let origin = origin.to_string();
    let plan = RequestPlan {
        headers: vec![("Origin".into(), origin.clone())],
        ..RequestPlan::default()
    };
    let response = if ctx.op.is_sse() {
        super::sse::open(ctx, &plan).await.map(|(head, _)| head)?
    } else {
        request::send(ctx, &ctx.http()?, &plan).await?
    };
    ctx.documented(&response)?;
    allows_origin(&response, &origin)
}
