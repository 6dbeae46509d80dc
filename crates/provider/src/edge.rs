//! The edge middleware every request passes: request ids, CORS, the single place where
//! error bodies are rendered, and the response-level faults.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{ALLOW, CONTENT_TYPE, ORIGIN};
use http::{HeaderValue, Method, StatusCode};
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::cors;
use crate::error::ErrorInfo;
use crate::fault::Fault;
use crate::state::AppState;

/// The header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// Makes a UUID v4 request id.
#[derive(Clone, Copy, Default)]
pub struct MakeUuid;

impl MakeRequestId for MakeUuid {
    fn make_request_id<B>(&mut self, _: &http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// Drops an incoming `X-Request-Id` that is empty, too long or not plain visible ASCII, so
/// that the id in error bodies always satisfies the specs (`minLength: 1`).
pub async fn sanitize_request_id(mut req: Request, next: Next) -> Response {
    let bad = req.headers().get(REQUEST_ID).is_some_and(|v| {
        let b = v.as_bytes();
        b.is_empty() || b.len() > 128 || !b.iter().all(|c| c.is_ascii_graphic())
    });
    if bad {
        req.headers_mut().remove(REQUEST_ID);
    }
    next.run(req).await
}

fn request_id_of(req: &Request) -> String {
    req.extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Whether the request is the (streaming) generatePage operation.
// pub for the integration tests (tests/provider/edge.rs)
#[doc(hidden)]
pub fn is_generation(method: &Method, path: &str) -> bool {
    method == Method::POST
        && path
            .strip_prefix("/v1/sites/")
            .and_then(|rest| rest.strip_suffix("/generation"))
            .is_some_and(|tenant| !tenant.is_empty() && !tenant.contains('/'))
}

/// The edge middleware.
pub async fn edge(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let faults = &state.config.faults;
    let request_id = request_id_of(&req);
    let origin = req
        .headers()
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let method = req.method().clone();
    let path = req.uri().path().to_owned();

    let mut response = if method == Method::OPTIONS && origin.is_some() {
        // A CORS preflight: answered here, before authentication and routing.
        let mut response = StatusCode::NO_CONTENT.into_response();
        if let Some(origin) = &origin {
            cors::preflight(
                response.headers_mut(),
                &state.config.cors.allowed_origins,
                origin,
                faults,
            );
        }
        response
    } else {
        if faults.contains(&Fault::SlowResponses) && !is_generation(&method, &path) {
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        let response = next.run(req).await;
        let response = render_error(response, &request_id, &method, &path, &state).await;
        if let Some(origin) = &origin {
            let mut response = response;
            cors::actual(
                response.headers_mut(),
                &state.config.cors.allowed_origins,
                origin,
                faults,
            );
            response
        } else {
            response
        }
    };

    let status = response.status();
    if status.is_success() && faults.contains(&Fault::WrongContentType) {
        let is_json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if is_json {
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
        }
    }
    let drop_request_id = (status.is_success() && faults.contains(&Fault::MissingRequestId))
        || (status == StatusCode::UNPROCESSABLE_ENTITY
            && faults.contains(&Fault::RequestIdMissingOn422));
    if !drop_request_id && let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

fn default_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "BAD_REQUEST",
        StatusCode::UNAUTHORIZED => "UNAUTHORIZED",
        StatusCode::FORBIDDEN => "FORBIDDEN",
        StatusCode::NOT_FOUND => "NOT_FOUND",
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
        StatusCode::UNPROCESSABLE_ENTITY => "UNPROCESSABLE_ENTITY",
        s if s.is_server_error() => "INTERNAL",
        _ => "CLIENT_ERROR",
    }
}

/// Turns every 4xx/5xx into an `Error` body (`code`, `message`, `requestId`), keeping the
/// headers (e.g. `Allow` on 405), and applies the error-related faults.
async fn render_error(
    response: Response,
    request_id: &str,
    method: &Method,
    path: &str,
    state: &AppState,
) -> Response {
    let faults = &state.config.faults;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let info = match parts.extensions.remove::<ErrorInfo>() {
        Some(info) => info,
        None => {
            // axum's own rejections (405, path decoding, ...) come with a text body.
            let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&text).trim().to_owned();
            let message = match status {
                StatusCode::METHOD_NOT_ALLOWED => {
                    let allow = parts
                        .headers
                        .get(ALLOW)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    format!(
                        "method {method} is not allowed on {path}{}",
                        if allow.is_empty() {
                            String::new()
                        } else {
                            format!("; allowed: {allow}")
                        }
                    )
                }
                StatusCode::NOT_FOUND => {
                    format!("no route for {method} {path}; see the specs under openapi/")
                }
                _ if !text.is_empty() => text.to_lowercase(),
                _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
            };
            ErrorInfo {
                code: default_code(status).to_owned(),
                message,
            }
        }
    };

    parts.headers.remove(http::header::CONTENT_LENGTH);
    if status == StatusCode::NOT_FOUND && faults.contains(&Fault::NotFound200) {
        parts.status = StatusCode::OK;
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return Response::from_parts(parts, Body::from("{}"));
    }
    if status == StatusCode::UNAUTHORIZED && faults.contains(&Fault::AuthErrorNotJson) {
        parts.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        return Response::from_parts(parts, Body::from(format!("unauthorized: {}", info.message)));
    }
    if status == StatusCode::BAD_REQUEST {
        if faults.contains(&Fault::Validation500) {
            parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        } else if faults.contains(&Fault::UndocumentedStatus) {
            parts.status = StatusCode::FOUND;
        }
    }
    if status == StatusCode::METHOD_NOT_ALLOWED && faults.contains(&Fault::WrongMethodEmptyBody) {
        return Response::from_parts(parts, Body::empty());
    }
    let request_id = if faults.contains(&Fault::RequestIdMismatch) {
        format!("{request_id}-other")
    } else {
        request_id.to_owned()
    };
    let mut body = serde_json::json!({
        "code": info.code,
        "message": info.message,
        "requestId": request_id,
    });
    if faults.contains(&Fault::ErrorBodyMissingCode)
        && let Some(map) = body.as_object_mut()
    {
        map.remove("code");
    }
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(body.to_string()))
}
