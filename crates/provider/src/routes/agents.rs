//! generateLogo and the public getLogoImage.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};
use sitebuilder_contract::agents::types as at;

use super::{Shared, authorize, json_response, read_json, to_value};
use crate::error::ApiError;
use crate::fault::Fault;
use crate::logo;

/// `POST /agents/logo`.
pub async fn generate_logo(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, None)?;
    let value = match read_json(&state, &headers, body).await {
        Err(e) if e.code == "BAD_REQUEST" && state.fault(Fault::BadJsonAccepted) => {
            serde_json::json!({"prompt": "logo"})
        }
        other => other?,
    };
    let mut value = value;
    super::lenient::apply(&state, super::lenient::Request::Logo, &mut value)?;
    let request = crate::validate::logo_request(&value).map_err(|i| ApiError::validation(i.0))?;
    super::refuse_unknown_fields(&state, &value, &request)?;
    let style = request.style.map_or("modern".to_owned(), |s| s.to_string());
    let colors: Vec<String> = request.colors.iter().map(|c| c.to_string()).collect();
    let count = if state.fault(Fault::LogoCountIgnored) {
        4
    } else if state.fault(Fault::LogoDefaultNotApplied) && value.get("count").is_none() {
        1
    } else {
        u32::try_from(request.count.get()).unwrap_or(4)
    };
    let mut results = Vec::with_capacity(count as usize);
    for index in 0..count {
        let id = logo::logo_id(&request.prompt, &style, &colors, index);
        let svg = logo::draw(&id, &request.prompt, &style, &colors, index);
        state.store.put_logo(&id, &svg)?;
        let url = format!("{}/agents/logos/{id}", state.public_base_url);
        results.push(at::LogoResult {
            id: id.parse().map_err(ApiError::internal)?,
            preview: format!("{url}?size=preview"),
            url,
        });
    }
    let body = at::LogoResponse {
        results,
        type_: at::LogoResponseType::Logo,
    };
    Ok(json_response(StatusCode::OK, &to_value(&body)?))
}

/// `GET /agents/logos/{logoId}` (public).
pub async fn get_logo_image(
    State(state): State<Shared>,
    Path(logo_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let mut size = at::GetLogoImageSize::Full;
    for pair in query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "size" {
            size = match value.parse() {
                Ok(size) => size,
                Err(_) if state.fault(Fault::QueryEnumIgnored) => size,
                Err(_) => {
                    return Err(ApiError::validation(format!(
                        "size: `{value}` is not one of full, preview"
                    )));
                }
            };
        }
    }
    let svg = if logo::is_logo_id(&logo_id) {
        state.store.logo(&logo_id)?
    } else {
        None
    };
    let svg = svg.ok_or_else(|| ApiError::not_found(format!("no logo `{logo_id}`")))?;
    let svg = match size {
        at::GetLogoImageSize::Preview => logo::preview(&svg),
        at::GetLogoImageSize::Full => svg,
    };
    let mut response = Response::new(Body::from(svg));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    response.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}
