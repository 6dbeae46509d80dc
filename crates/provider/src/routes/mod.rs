//! The router and what every operation shares: authorisation, tenant checks, body reading.

mod agents;
// pub(crate) for `internals` (lib.rs), for the integration tests (tests/provider/)
pub(crate) mod deployments;
mod generation;
mod lenient;
mod validation;
mod versions;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::{get, post};
use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::fault::Fault;
use crate::state::AppState;

/// Shared state as handlers see it.
pub type Shared = Arc<AppState>;

/// All operations of the three specs under `/v1`, and the 404 fallback.
pub fn router(state: Shared) -> Router {
    // matchit needs one parameter name per position, so the first segment after /sites is
    // `{id}` (a tenant or a site, depending on the operation) and the second is `{sub}`.
    let api = Router::new()
        .route("/sites/{id}/generation", post(generation::generate_page))
        .route(
            "/sites/{id}/generation/{sub}",
            get(generation::get_generation),
        )
        .route("/sites/{id}/templates", get(generation::list_templates))
        .route("/sites/{id}/versions", get(versions::list_versions))
        .route("/sites/{id}/versions/{sub}", get(versions::get_version))
        .route(
            "/sites/{id}/versions/{sub}/restore",
            post(versions::restore_version),
        )
        .route("/sites/{id}/validate", get(validation::validate_site))
        .route("/sites/{id}/brand-score", get(validation::get_brand_score))
        .route(
            "/sites/{id}/deployments",
            post(deployments::create_deployment),
        )
        .route(
            "/sites/{id}/deployments/{sub}",
            get(deployments::get_deployment),
        )
        .route("/agents/logo", post(agents::generate_logo))
        .route("/agents/logos/{sub}", get(agents::get_logo_image));
    Router::new()
        .nest("/v1", api)
        .fallback(fallback)
        .with_state(state)
}

async fn fallback(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "no route for {method} {}; see the specs under openapi/",
        uri.path()
    ))
}

/// Authenticates (401) and checks the tenant (403): the `X-Tenant-Id` header must be present
/// and equal the token's tenant, and so must the path tenant when the operation has one.
pub fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    path_tenant: Option<&str>,
) -> Result<Caller, ApiError> {
    let caller = state.verifier.authenticate(headers, &state.config.faults)?;
    if state.fault(Fault::IgnoreTenantMismatch) {
        return Ok(caller);
    }
    let header = match headers.get("x-tenant-id").map(|v| v.to_str()) {
        None => {
            return Err(ApiError::forbidden(
                "missing X-Tenant-Id header; send the token's tenant",
            ));
        }
        Some(Err(_)) => {
            return Err(ApiError::forbidden(
                "the X-Tenant-Id header is not visible ASCII",
            ));
        }
        Some(Ok(h)) => h,
    };
    let same = |a: &str| {
        if state.fault(Fault::TenantHeaderCaseInsensitive) {
            a.eq_ignore_ascii_case(&caller.tenant)
        } else {
            a == caller.tenant
        }
    };
    if !same(header) {
        return Err(ApiError::forbidden(
            "tenant does not match the token: X-Tenant-Id must equal the token's tenant_id",
        ));
    }
    if let Some(path) = path_tenant
        && path != caller.tenant
    {
        if state.fault(Fault::TenantMismatch404) {
            return Err(ApiError::not_found("no such resource"));
        }
        return Err(ApiError::forbidden(
            "tenant does not match the token: the path tenant must equal the token's tenant_id",
        ));
    }
    Ok(caller)
}

/// The tenant to filter resources by: the caller's, or none under `leak-other-tenant`.
pub fn visible_to<'a>(state: &AppState, caller: &'a Caller) -> Option<&'a str> {
    (!state.fault(Fault::LeakOtherTenant)).then_some(caller.tenant.as_str())
}

/// Reads a JSON request body: 413 over the limit, 415 for another media type, 400 when it
/// is not JSON.
pub async fn read_json(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Value, ApiError> {
    let limit = state.config.body_limit;
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("request body is larger than {limit} bytes"),
        )
    })?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json"
        && !(essence.starts_with("application/") && essence.ends_with("+json"))
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            if content_type.is_empty() {
                "missing Content-Type; send the body as application/json".to_owned()
            } else {
                format!("content type `{content_type}` is not supported; send application/json")
            },
        ));
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("request body is not valid JSON: {e}")))?;
    let strings = || {
        let mut out = Vec::new();
        collect_strings(&value, &mut out);
        out
    };
    if state.fault(Fault::NonAscii500) && strings().iter().any(|s| !s.is_ascii()) {
        return Err(ApiError::internal("non-ASCII text in the request body"));
    }
    if state.fault(Fault::Boundary500) && strings().iter().any(|s| s.chars().count() >= 1000) {
        return Err(ApiError::internal(
            "a 1000-character string in the request body",
        ));
    }
    Ok(value)
}

fn collect_strings<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// Under `extra-field-rejected`, refuses a body with fields its typed request lacks.
pub fn refuse_unknown_fields<T: serde::Serialize>(
    state: &AppState,
    body: &Value,
    decoded: &T,
) -> Result<(), ApiError> {
    if !state.fault(Fault::ExtraFieldRejected) {
        return Ok(());
    }
    match crate::validate::unknown_fields(body, decoded).first() {
        Some(field) => Err(ApiError::validation(format!(
            "body: unknown field `{field}`"
        ))),
        None => Ok(()),
    }
}

/// Serialises a response body; the value types come from the generated clients.
pub fn json_response(status: StatusCode, body: &Value) -> axum::response::Response {
    let mut response = axum::response::Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// Serialises a generated type to a JSON value (it cannot fail for these plain types).
pub fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(ApiError::internal)
}
