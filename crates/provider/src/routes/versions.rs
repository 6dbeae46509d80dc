//! listVersions, getVersion and restoreVersion.

use std::num::NonZeroU64;

use axum::extract::{Path, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use sitebuilder_contract::generation::types as gt;

use super::{Shared, authorize, json_response, to_value, visible_to};
use crate::error::ApiError;
use crate::fault::Fault;
use crate::store::{SiteRow, VersionRow};

fn number(n: i64) -> Result<NonZeroU64, ApiError> {
    u64::try_from(n)
        .ok()
        .and_then(NonZeroU64::new)
        .ok_or_else(|| ApiError::internal(format!("version number {n} is not positive")))
}

fn summary(v: &VersionRow, current: bool) -> Result<gt::VersionSummary, ApiError> {
    Ok(gt::VersionSummary {
        brand_score: v.brand_score,
        created_at: v.created_at,
        current,
        generation_id: v.generation_id.parse().map_err(ApiError::internal)?,
        site_id: v.site_id.parse().map_err(ApiError::internal)?,
        version_id: v.version_id.parse().map_err(ApiError::internal)?,
        version_number: number(v.number)?,
    })
}

fn version_list(state: &Shared, site: &SiteRow) -> Result<Response, ApiError> {
    let versions = if state.fault(Fault::VersionsSortedAsText) {
        state.store.versions_sorted_as_text(&site.id)?
    } else {
        state.store.versions(&site.id)?
    };
    let current = site
        .current_version
        .clone()
        .or_else(|| versions.first().map(|v| v.version_id.clone()))
        .ok_or_else(|| ApiError::internal(format!("site {} has no versions", site.id)))?;
    let body = gt::VersionList {
        current_version_id: current.parse().map_err(ApiError::internal)?,
        site_id: site.id.parse().map_err(ApiError::internal)?,
        versions: versions
            .iter()
            .map(|v| summary(v, v.version_id == current))
            .collect::<Result<_, _>>()?,
    };
    Ok(json_response(StatusCode::OK, &to_value(&body)?))
}

fn site(state: &Shared, headers: &HeaderMap, site_id: &str) -> Result<SiteRow, ApiError> {
    let caller = authorize(state, headers, None)?;
    state
        .store
        .site(site_id, visible_to(state, &caller))?
        .ok_or_else(|| ApiError::not_found(format!("no site `{site_id}` for this tenant")))
}

/// `GET /sites/{siteId}/versions`.
pub async fn list_versions(
    State(state): State<Shared>,
    Path(site_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let site = site(&state, &headers, &site_id)?;
    version_list(&state, &site)
}

/// `GET /sites/{siteId}/versions/{versionId}`.
pub async fn get_version(
    State(state): State<Shared>,
    Path((site_id, version_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let site = site(&state, &headers, &site_id)?;
    let v = state.store.version(&site.id, &version_id)?.ok_or_else(|| {
        ApiError::not_found(format!("no version `{version_id}` of site `{site_id}`"))
    })?;
    let current = site.current_version.as_deref() == Some(v.version_id.as_str());
    let s = summary(&v, current)?;
    let body = gt::SiteVersion {
        brand_score: s.brand_score,
        created_at: s.created_at,
        current: s.current,
        generation_id: v.generation_id.parse().map_err(ApiError::internal)?,
        html: v.html.clone(),
        site_id: v.site_id.parse().map_err(ApiError::internal)?,
        version_id: v.version_id.parse().map_err(ApiError::internal)?,
        version_number: s.version_number,
    };
    Ok(json_response(StatusCode::OK, &to_value(&body)?))
}

/// `POST /sites/{siteId}/versions/{versionId}/restore`.
pub async fn restore_version(
    State(state): State<Shared>,
    Path((site_id, version_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut site = site(&state, &headers, &site_id)?;
    let v = state.store.version(&site.id, &version_id)?.ok_or_else(|| {
        ApiError::not_found(format!("no version `{version_id}` of site `{site_id}`"))
    })?;
    if !state.fault(Fault::RestoreNoop) {
        state.store.set_current_version(&site.id, &v.version_id)?;
        site.current_version = Some(v.version_id);
    }
    version_list(&state, &site)
}
