//! createDeployment and getDeployment.
//!
//! A deployment's status follows from its age: PENDING, then IN_PROGRESS after one
//! `deployment_step`, then SUCCEEDED after two. Deriving it from the stored creation time
//! (instead of a timer task) makes it advance in the background and survive restarts.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use http::{HeaderMap, StatusCode};
use sitebuilder_contract::validation::types as vt;

use super::{Shared, authorize, json_response, read_json, to_value, visible_to};
use crate::error::ApiError;
use crate::fault::Fault;
use crate::routes::validation::analyse_site;
use crate::store::DeploymentRow;
use crate::validate;

/// Smallest brand score that may deploy.
pub const DEPLOY_THRESHOLD: f64 = 8.0;

/// How a faulty provider misreports a deployment's progress.
// pub for the integration tests (tests/provider/deployments.rs)
#[doc(hidden)]
#[derive(Clone, Copy, Default)]
pub struct Misreport {
    /// `deployment-stuck`: always PENDING.
    pub stuck: bool,
    /// `deployment-skips-in-progress`: IN_PROGRESS is reported as PENDING.
    pub skip_in_progress: bool,
}

/// The status `d` reports at `now`, and since when.
// pub for the integration tests (tests/provider/deployments.rs)
#[doc(hidden)]
pub fn status_at(
    d: &DeploymentRow,
    now: DateTime<Utc>,
    misreport: Misreport,
) -> (vt::DeploymentStatus, DateTime<Utc>) {
    if misreport.stuck {
        return (vt::DeploymentStatus::Pending, d.created_at);
    }
    let step = TimeDelta::milliseconds(d.step_ms.max(0));
    let elapsed = now - d.created_at;
    if step.is_zero() || elapsed >= step * 2 {
        (vt::DeploymentStatus::Succeeded, d.created_at + step * 2)
    } else if elapsed >= step && !misreport.skip_in_progress {
        (vt::DeploymentStatus::InProgress, d.created_at + step)
    } else {
        (vt::DeploymentStatus::Pending, d.created_at)
    }
}

fn render(state: &Shared, d: &DeploymentRow, status: StatusCode) -> Result<Response, ApiError> {
    let misreport = Misreport {
        stuck: state.fault(Fault::DeploymentStuck),
        skip_in_progress: state.fault(Fault::DeploymentSkipsInProgress),
    };
    let (current, updated_at) = status_at(d, Utc::now(), misreport);
    let body = vt::Deployment {
        created_at: d.created_at,
        deployment_id: d.id.parse().map_err(ApiError::internal)?,
        environment: d.environment.parse().map_err(ApiError::internal)?,
        site_id: d.site_id.parse().map_err(ApiError::internal)?,
        status: current,
        updated_at,
        url: (current == vt::DeploymentStatus::Succeeded || state.fault(Fault::DeploymentUrlEarly))
            .then(|| d.url.clone()),
    };
    Ok(json_response(status, &to_value(&body)?))
}

/// `POST /sites/{tenantId}/deployments`.
pub async fn create_deployment(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, Some(&tenant))?;
    let accepted = if state.fault(Fault::WrongSuccessStatus) {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    let value = match read_json(&state, &headers, body).await {
        Err(e) if e.code == "BAD_REQUEST" && state.fault(Fault::BadJsonAccepted) => {
            // Answer as if the body had been fine, without storing anything.
            let fake = DeploymentRow {
                id: format!("dep-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
                tenant: caller.tenant.clone(),
                site_id: "unknown-site".to_owned(),
                environment: "staging".to_owned(),
                created_at: Utc::now(),
                step_ms: state.config.deployment_step.as_millis() as i64,
                url: "https://staging.sites.kimmyai.io/unknown-site/".to_owned(),
            };
            return render(&state, &fake, accepted);
        }
        other => other?,
    };
    let request = validate::deployment_request(&value).map_err(|i| ApiError::validation(i.0))?;
    super::refuse_unknown_fields(&state, &value, &request)?;
    // Under `deploy-any-tenant-site` the site is looked up without the tenant filter.
    let owner = if state.fault(Fault::DeployAnyTenantSite) {
        None
    } else {
        visible_to(&state, &caller)
    };
    let (site, analysis) = analyse_site(&state, owner, &request.site_id)?;
    // Under `brand-score-gate-rounded` 7.5 rounds to 8 and passes.
    let gated = if state.fault(Fault::BrandScoreGateRounded) {
        analysis.brand_score.round()
    } else {
        analysis.brand_score
    };
    if gated < DEPLOY_THRESHOLD && !state.fault(Fault::DeployIgnoresBrandScore) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "BRAND_SCORE_TOO_LOW",
            format!(
                "brand score {} is below the deployment threshold {DEPLOY_THRESHOLD}; improve the page (see validateSite) and retry",
                analysis.brand_score
            ),
        ));
    }
    let environment = if state.fault(Fault::DeploymentEnvironmentIgnored) {
        "staging".to_owned()
    } else {
        request.environment.to_string()
    };
    let row = DeploymentRow {
        id: format!("dep-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
        tenant: caller.tenant.clone(),
        site_id: site.id.clone(),
        url: format!(
            "https://{environment}.sites.kimmyai.io/{}/{}/",
            caller.tenant, site.id
        ),
        environment,
        created_at: Utc::now(),
        step_ms: state.config.deployment_step.as_millis() as i64,
    };
    state.store.insert_deployment(&row)?;
    render(&state, &row, accepted)
}

/// `GET /sites/{tenantId}/deployments/{deploymentId}`.
pub async fn get_deployment(
    State(state): State<Shared>,
    Path((tenant, deployment_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, Some(&tenant))?;
    let row = state
        .store
        .deployment(&deployment_id, visible_to(&state, &caller))?
        .ok_or_else(|| {
            ApiError::not_found(format!("no deployment `{deployment_id}` for this tenant"))
        })?;
    render(&state, &row, StatusCode::OK)
}
