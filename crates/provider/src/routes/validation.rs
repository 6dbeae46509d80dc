//! validateSite and getBrandScore: the analysis of a site's current page.

use axum::extract::{Path, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use serde_json::json;
use sitebuilder_contract::validation::types as vt;

use super::{Shared, authorize, json_response, to_value, visible_to};
use crate::analysis::{Analysis, Severity, analyse};
use crate::error::ApiError;
use crate::fault::Fault;
use crate::store::SiteRow;

/// The analysis of a site's current version, or 404.
pub fn analyse_site(
    state: &Shared,
    tenant: Option<&str>,
    site_id: &str,
) -> Result<(SiteRow, Analysis), ApiError> {
    let site = state
        .store
        .site(site_id, tenant)?
        .ok_or_else(|| ApiError::not_found(format!("no site `{site_id}` for this tenant")))?;
    let mut current = site
        .current_version
        .clone()
        .ok_or_else(|| ApiError::not_found(format!("site `{site_id}` has no version yet")))?;
    if state.fault(Fault::AnalysisUsesNewestVersion)
        && let Some(newest) = state
            .store
            .versions(&site.id)?
            .into_iter()
            .max_by_key(|v| v.number)
    {
        current = newest.version_id;
    }
    let version = state.store.version(&site.id, &current)?.ok_or_else(|| {
        ApiError::internal(format!(
            "site {site_id} points at missing version {current}"
        ))
    })?;
    Ok((site, analyse(&version.html, &version.brand)))
}

/// `GET /sites/{siteId}/validate`.
pub async fn validate_site(
    State(state): State<Shared>,
    Path(site_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, None)?;
    let (site, analysis) = analyse_site(&state, visible_to(&state, &caller), &site_id)?;
    let issues = analysis
        .issues
        .iter()
        .map(|i| {
            Ok(vt::ValidationIssue {
                code: i.code.parse().map_err(ApiError::internal)?,
                message: i.message.parse().map_err(ApiError::internal)?,
                severity: match i.severity {
                    Severity::Info => vt::Severity::Info,
                    Severity::Warning => vt::Severity::Warning,
                    Severity::Error => vt::Severity::Error,
                },
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let body = vt::ValidationResult {
        brand_score: analysis.brand_score,
        issues,
        performance_ms: analysis.performance_ms,
        security_passed: analysis.security_passed,
        site_id: site.id.parse().map_err(ApiError::internal)?,
    };
    let mut body = to_value(&body)?;
    if state.fault(Fault::MissingRequiredField)
        && let Some(map) = body.as_object_mut()
    {
        map.remove("brandScore");
    }
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /sites/{siteId}/brand-score`.
pub async fn get_brand_score(
    State(state): State<Shared>,
    Path(site_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, None)?;
    let (site, analysis) = analyse_site(&state, visible_to(&state, &caller), &site_id)?;
    if state.fault(Fault::BrandScoreMissingSite) && site.origin == "generation" {
        return Err(ApiError::not_found(format!(
            "no site `{site_id}` for this tenant"
        )));
    }
    let body = vt::BrandScore {
        brand_score: analysis.brand_score,
        breakdown: vt::BrandScoreBreakdown {
            accessibility: vt::ScoreComponent(analysis.accessibility),
            color_usage: vt::ScoreComponent(analysis.color_usage),
            content_quality: vt::ScoreComponent(analysis.content_quality),
            logo_presence: vt::ScoreComponent(analysis.logo_presence),
        },
        site_id: site.id.parse().map_err(ApiError::internal)?,
    };
    let mut body = to_value(&body)?;
    if state.fault(Fault::OutOfRangeValue) {
        body["brandScore"] = json!(11);
    }
    if state.fault(Fault::BrandScoreDisagrees) {
        let score = analysis.brand_score;
        body["brandScore"] = json!(if score >= 0.5 {
            score - 0.5
        } else {
            score + 0.5
        });
    }
    Ok(json_response(StatusCode::OK, &body))
}
