//! The end-to-end suite (seed worker 4): the user workflows across the three APIs — page
//! generation, logo then page, validation then deployment, version history. Each scenario
//! fails with the step that broke; `tests/scenarios/e2e_scenarios.md` documents them.

use std::num::NonZeroU64;
use std::time::{Duration, Instant};

use sb_runtime::request::{self, Body, RequestPlan};
use sb_runtime::{Ctx, Failure, Outcome, Target};
use serde_json::json;
use sitebuilder_contract::agents::types as at;
use sitebuilder_contract::generation::types as gt;
use sitebuilder_contract::specs;
use sitebuilder_contract::validation::types as vt;

use crate::api::{Api, ensure, typed};
use crate::contract;
use crate::stream::{self, Recorded};

/// The demo site whose brand score allows deployment (>= 8).
pub const DEPLOYABLE_SITE: &str = "test-site-id";
/// The demo site whose brand score is below 8.
pub const LOW_SCORE_SITE: &str = "low-score-site";
/// The demo site whose brand score is just below 8 (7.5 to 7.9): a gate that rounds the
/// score would let it deploy.
pub const THRESHOLD_SITE: &str = "threshold-site";
/// Smallest brand score that may deploy (validation spec).
pub const DEPLOY_THRESHOLD: f64 = 8.0;

/// Prefixes a failure with the scenario step it happened in.
fn at_step<T>(step: &str, result: Result<T, Failure>) -> Result<T, Failure> {
    result.map_err(|f| Failure::new(format!("{step}: {}", f.reason)))
}

async fn generate(api: &Api, body: &gt::GenerationRequest) -> Result<Recorded, Failure> {
    stream::generate(api, body, stream::limits(api)?).await
}

/// Reads the generation until it is COMPLETE (or the call timeout passes).
pub async fn await_complete(api: &Api, generation_id: &str) -> Result<gt::Generation, Failure> {
    await_complete_counting(api, generation_id)
        .await
        .map(|(generation, _)| generation)
}

/// [`await_complete`], also returning how many reads it took (1: the state was COMPLETE at
/// the first read).
pub async fn await_complete_counting(
    api: &Api,
    generation_id: &str,
) -> Result<(gt::Generation, u32), Failure> {
    let id: gt::GetGenerationGenerationId = typed(generation_id, "generationId")?;
    let deadline = Instant::now() + api.call_timeout();
    let mut delay = Duration::from_millis(5);
    let mut reads = 0;
    loop {
        reads += 1;
        let generation = api
            .call(
                "getGeneration",
                api.generation
                    .get_generation(&api.tenant()?, &id, &api.tenant()?),
            )
            .await?
            .into_inner();
        match generation.status {
            gt::GenerationStatus::Complete => return Ok((generation, reads)),
            gt::GenerationStatus::Failed => {
                return Err(Failure::new(format!(
                    "generation {generation_id} is FAILED after its stream completed"
                )));
            }
            status if Instant::now() + delay > deadline => {
                return Err(Failure::new(format!(
                    "generation {generation_id} is still {status} {} s after its stream \
                     completed, expected COMPLETE",
                    api.call_timeout().as_secs()
                )));
            }
            _ => {}
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(200));
    }
}

/// Page generation: stream a page -> getGeneration reads COMPLETE with the streamed HTML ->
/// getBrandScore of the new site (its id is the generationId) matches the stream's score.
pub async fn page_generation(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let request = stream::page_request("Create summer sale landing page")?;
    let recorded = at_step("step 1 (generatePage)", generate(&api, &request).await)?;
    let complete = at_step("step 1 (generatePage)", recorded.expect_complete())?;
    let html = recorded.html();
    at_step(
        "step 1 (generatePage)",
        ensure(!html.is_empty(), || "no chunk carried HTML".into()),
    )?;
    let generation_id = complete.generation_id.to_string();

    let saved = at_step(
        "step 2 (getGeneration)",
        await_complete(&api, &generation_id).await,
    )?;
    at_step(
        "step 2 (getGeneration)",
        ensure(*saved.generation_id == generation_id, || {
            format!("asked for {generation_id}, got {}", *saved.generation_id)
        })
        .and_then(|()| {
            ensure(saved.html.as_deref() == Some(html.as_str()), || {
                "the saved html differs from the streamed chunks".into()
            })
        })
        .and_then(|()| {
            ensure(saved.completed_at.is_some(), || {
                "a COMPLETE generation has no completedAt".into()
            })
        }),
    )?;

    let site: vt::GetBrandScoreSiteId = typed(&complete.site_id, "siteId")?;
    let score = at_step(
        "step 3 (getBrandScore)",
        api.call(
            "getBrandScore",
            api.validation.get_brand_score(&site, &api.tenant()?),
        )
        .await,
    )?
    .into_inner();
    at_step(
        "step 3 (getBrandScore)",
        ensure((0.0..=10.0).contains(&score.brand_score), || {
            format!("brandScore {} is outside 0..=10", score.brand_score)
        })
        .and_then(|()| {
            ensure(
                (score.brand_score - complete.brand_score).abs() < 0.01,
                || {
                    format!(
                        "the site's brand score {} differs from the complete event's {}",
                        score.brand_score, complete.brand_score
                    )
                },
            )
        }),
    )
}

/// Logo then page: generateLogo (count 3, not the default 4, so an ignored `count` shows)
/// -> the first option's URL serves an SVG ->
/// generatePage with it as `brandAssets.logo` -> the URL is in the streamed and saved HTML.
/// How many logo options the scenario asks for: not the default (4).
const LOGO_COUNT: u64 = 3;

pub async fn logo_then_page(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let logo_request = at::LogoRequest {
        prompt: typed("Tech company logo", "the logo prompt")?,
        count: NonZeroU64::new(LOGO_COUNT).expect("the count is not zero"),
        colors: Vec::new(),
        style: None,
    };
    let logos = at_step(
        "step 1 (generateLogo)",
        api.call(
            "generateLogo",
            api.agents.generate_logo(&api.tenant()?, &logo_request),
        )
        .await,
    )?
    .into_inner();
    at_step(
        "step 1 (generateLogo)",
        ensure(logos.results.len() == LOGO_COUNT as usize, || {
            format!("asked for {LOGO_COUNT} logos, got {}", logos.results.len())
        })
        .and_then(|()| {
            let ids: std::collections::BTreeSet<&str> =
                logos.results.iter().map(|l| l.id.as_str()).collect();
            ensure(ids.len() == logos.results.len(), || {
                "two logo options share an id".into()
            })
        })
        .and_then(|()| {
            let urls: std::collections::BTreeSet<&str> =
                logos.results.iter().map(|l| l.url.as_str()).collect();
            ensure(urls.len() == logos.results.len(), || {
                "two logo options share a url".into()
            })
        })
        .and_then(|()| {
            ensure(
                logos
                    .results
                    .iter()
                    .all(|l| !l.url.is_empty() && !l.preview.is_empty()),
                || "a logo option has an empty url or preview".into(),
            )
        }),
    )?;
    let selected = logos.results[0].url.clone();
    at_step("step 2 (fetch the logo)", fetch_svg(&api, &selected).await)?;

    let request = gt::GenerationRequest {
        prompt: typed("Create tech company landing page", "the prompt")?,
        brand_assets: Some(gt::BrandAssets {
            logo: Some(selected.clone()),
            primary_color: None,
            secondary_color: None,
        }),
        site_id: None,
        template_id: None,
    };
    let recorded = at_step("step 3 (generatePage)", generate(&api, &request).await)?;
    let complete = at_step("step 3 (generatePage)", recorded.expect_complete())?;
    let escaped = selected.replace('&', "&amp;");
    let has_logo = |html: &str| html.contains(&selected) || html.contains(&escaped);
    at_step(
        "step 4 (logo in the page)",
        ensure(has_logo(&recorded.html()), || {
            format!("the streamed page does not reference the selected logo {selected}")
        }),
    )?;
    let saved = at_step(
        "step 4 (getGeneration)",
        await_complete(&api, &complete.generation_id).await,
    )?;
    at_step(
        "step 4 (getGeneration)",
        ensure(saved.html.as_deref().is_some_and(has_logo), || {
            format!("the saved page does not reference the selected logo {selected}")
        }),
    )
}

/// Fetches a logo URL as an `<img>` would (no token) and checks it is an SVG.
async fn fetch_svg(api: &Api, url: &str) -> Outcome {
    let client = sb_stream::tls::client_builder()
        .timeout(api.call_timeout())
        .build()
        .map_err(|e| Failure::new(format!("cannot build an HTTP client: {e}")))?;
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| Failure::new(format!("GET {url}: {e}")))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response
        .text()
        .await
        .map_err(|e| Failure::new(format!("GET {url}: reading the body: {e}")))?;
    ensure(status == 200, || format!("GET {url} answered {status}"))?;
    ensure(content_type.starts_with("image/svg+xml"), || {
        format!("GET {url} is `{content_type}`, expected image/svg+xml")
    })?;
    ensure(
        body.contains("<svg") && body.trim_end().ends_with("</svg>"),
        || {
            format!(
                "GET {url} is not an SVG document: {}",
                sb_runtime::request::preview(body.as_bytes())
            )
        },
    )
}

/// Validation and deployment: validateSite(test-site-id) scores >= 8 -> createDeployment
/// answers 202 -> getDeployment advances PENDING -> IN_PROGRESS -> SUCCEEDED (polled with a
/// deadline), to staging then production; a site scoring below 8 is refused 422
/// BRAND_SCORE_TOO_LOW, and so is one scoring 7.5 to 7.9 (checked against the spec's 422,
/// X-Request-Id included).
pub async fn validation_deployment(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let score = at_step(
        "step 1 (validateSite)",
        validate(&api, DEPLOYABLE_SITE).await,
    )?;
    at_step(
        "step 1 (validateSite)",
        ensure(score >= DEPLOY_THRESHOLD, || {
            format!(
                "{DEPLOYABLE_SITE} scores {score}, below {DEPLOY_THRESHOLD}; the scenario needs \
                 a deployable site"
            )
        }),
    )?;
    // Staging, then the same site to production: the environment asked for is the one
    // deployed to.
    for (create, poll, environment) in [
        (
            "step 2 (createDeployment)",
            "step 3 (getDeployment)",
            vt::Environment::Staging,
        ),
        (
            "step 3b (createDeployment production)",
            "step 3b (getDeployment production)",
            vt::Environment::Production,
        ),
    ] {
        let sent = Instant::now();
        let deployment = at_step(create, deploy(&api, DEPLOYABLE_SITE, environment).await)?;
        let deployment = at_step(create, deployment.map_err(Failure::new))?;
        at_step(poll, await_deployment(&api, &deployment, sent).await)?;
    }

    let low = at_step(
        "step 4 (validateSite low-score-site)",
        validate(&api, LOW_SCORE_SITE).await,
    )?;
    at_step(
        "step 4 (validateSite low-score-site)",
        ensure(low < DEPLOY_THRESHOLD, || {
            format!(
                "{LOW_SCORE_SITE} scores {low}; the scenario needs a site below {DEPLOY_THRESHOLD}"
            )
        }),
    )?;
    match at_step(
        "step 5 (createDeployment low-score-site)",
        deploy(&api, LOW_SCORE_SITE, vt::Environment::Staging).await,
    )? {
        Ok(deployment) => Err(Failure::new(format!(
            "step 5 (createDeployment low-score-site): a site scoring {low} was accepted \
             (deployment {}), expected 422 BRAND_SCORE_TOO_LOW",
            *deployment.deployment_id
        ))),
        Err(refusal) if refusal.starts_with("422 BRAND_SCORE_TOO_LOW") => Ok(()),
        Err(refusal) => Err(Failure::new(format!(
            "step 5 (createDeployment low-score-site): expected 422 BRAND_SCORE_TOO_LOW, got {refusal}"
        ))),
    }?;

    // Just under the threshold: 7.5 to 7.9 must not round up to a deployable 8.
    let near = at_step(
        "step 6 (validateSite threshold-site)",
        validate(&api, THRESHOLD_SITE).await,
    )?;
    at_step(
        "step 6 (validateSite threshold-site)",
        ensure((7.5..DEPLOY_THRESHOLD).contains(&near), || {
            format!("{THRESHOLD_SITE} scores {near}; the scenario needs a site scoring 7.5 to 7.9")
        }),
    )?;
    at_step(
        "step 7 (createDeployment threshold-site)",
        expect_refused(target, THRESHOLD_SITE, near).await,
    )
}

/// Sends createDeployment of `site` (scoring `score`) raw and expects the spec's 422: an
/// `Error` body with code BRAND_SCORE_TOO_LOW, valid against the schema, and the required
/// X-Request-Id header, equal to the body's requestId.
async fn expect_refused(target: &Target, site: &str, score: f64) -> Outcome {
    let ctx = Ctx::new(target, &contract::op(specs::VALIDATION, "createDeployment"))?;
    let plan = RequestPlan {
        body: Body::Json(json!({ "siteId": site, "environment": "staging" })),
        ..RequestPlan::default()
    };
    let response = request::send(&ctx, &ctx.http()?, &plan).await?;
    ensure(response.status != 202 && response.status != 200, || {
        format!(
            "a site scoring {score} was accepted ({}): {}",
            response.status,
            request::preview(&response.body)
        )
    })?;
    let body = ctx.error_response(&response, &[422])?;
    let code = body.get("code").and_then(serde_json::Value::as_str);
    ensure(code == Some("BRAND_SCORE_TOO_LOW"), || {
        format!("422 with code {code:?}, expected BRAND_SCORE_TOO_LOW")
    })?;
    // The headers the spec requires on the refusal (X-Request-Id): present (checked by
    // `error_response`) and not empty.
    let documented = ctx.documented(&response)?;
    for header in documented.headers.iter().filter(|h| h.required) {
        let value = response.header(&header.name).unwrap_or_default();
        ensure(!value.is_empty(), || {
            format!("the 422 refusal has no {} header", header.name)
        })?;
    }
    Ok(())
}

async fn validate(api: &Api, site: &str) -> Result<f64, Failure> {
    let site_id: vt::ValidateSiteSiteId = typed(site, "siteId")?;
    let result = api
        .call(
            "validateSite",
            api.validation.validate_site(&site_id, &api.tenant()?),
        )
        .await?
        .into_inner();
    ensure(*result.site_id == site, || {
        format!("asked to validate {site}, got {}", *result.site_id)
    })?;
    ensure((0.0..=10.0).contains(&result.brand_score), || {
        format!("brandScore {} is outside 0..=10", result.brand_score)
    })?;
    Ok(result.brand_score)
}

/// Creates a staging deployment of `site`: `Ok(Ok(deployment))` on 202, `Ok(Err("STATUS
/// CODE: message"))` on a documented error, `Err` on anything else.
async fn deploy(
    api: &Api,
    site: &str,
    environment: vt::Environment,
) -> Result<Result<vt::Deployment, String>, Failure> {
    let body = vt::DeploymentRequest {
        site_id: typed(site, "siteId")?,
        environment,
    };
    let result = api
        .timed(
            "createDeployment",
            api.validation
                .create_deployment(&api.tenant()?, &api.tenant()?, &body),
        )
        .await?;
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let deployment = response.into_inner();
            ensure(status == 202, || {
                format!("createDeployment answered {status}, expected 202 Accepted")
            })?;
            ensure(*deployment.site_id == site, || {
                format!("deployed {}, asked for {site}", *deployment.site_id)
            })?;
            ensure(deployment.environment == environment, || {
                format!(
                    "asked to deploy to {environment}, the deployment is for {}",
                    deployment.environment
                )
            })?;
            ensure(deployment.status != vt::DeploymentStatus::Failed, || {
                "the deployment is FAILED at once".into()
            })?;
            Ok(Ok(deployment))
        }
        Err(progenitor_client::Error::ErrorResponse(response)) => {
            let status = response.status().as_u16();
            let error = response.into_inner();
            ensure(!error.request_id.is_empty(), || {
                "the error body has an empty requestId".into()
            })?;
            Ok(Err(format!(
                "{status} {}: {}",
                error.code.as_str(),
                error.message.as_str()
            )))
        }
        Err(other) => Err(crate::api::describe("createDeployment", other)),
    }
}

/// Polls getDeployment until SUCCEEDED, checking the states only move forward and that
/// IN_PROGRESS shows between PENDING and SUCCEEDED. `sent` is when createDeployment was sent.
///
/// The poll gap grows with the wait (a twentieth of it, 5 to 250 ms), so it stays small
/// next to the deployment's own duration. A skipped IN_PROGRESS fails only when it cannot
/// have fallen between two reads: the last PENDING read and the first SUCCEEDED read were
/// less than a third of the deployment's duration (`updatedAt - createdAt` at SUCCEEDED,
/// the provider's own clock) apart, while a provider with even steps spends half of it
/// IN_PROGRESS. A stalled machine widens the gap and skips the check instead of failing.
async fn await_deployment(api: &Api, deployment: &vt::Deployment, sent: Instant) -> Outcome {
    let id: vt::GetDeploymentDeploymentId = typed(&deployment.deployment_id, "deploymentId")?;
    let rank = |s: vt::DeploymentStatus| match s {
        vt::DeploymentStatus::Pending => 0,
        vt::DeploymentStatus::InProgress => 1,
        vt::DeploymentStatus::Succeeded | vt::DeploymentStatus::Failed => 2,
    };
    let mut seen = vec![deployment.status];
    // When the last read that answered PENDING was sent.
    let mut pending_sent = (deployment.status == vt::DeploymentStatus::Pending).then_some(sent);
    let deadline = Instant::now() + api.call_timeout();
    loop {
        let delay =
            (sent.elapsed() / 20).clamp(Duration::from_millis(5), Duration::from_millis(250));
        let read_sent = Instant::now();
        let current = api
            .call(
                "getDeployment",
                api.validation
                    .get_deployment(&api.tenant()?, &id, &api.tenant()?),
            )
            .await?
            .into_inner();
        let previous = *seen.last().expect("seen starts non-empty");
        ensure(rank(current.status) >= rank(previous), || {
            format!(
                "the deployment went back from {previous} to {}",
                current.status
            )
        })?;
        if current.status != previous {
            seen.push(current.status);
        }
        if current.status == vt::DeploymentStatus::Pending {
            pending_sent = Some(read_sent);
        }
        ensure(current.environment == deployment.environment, || {
            format!(
                "the deployment moved from {} to {}",
                deployment.environment, current.environment
            )
        })?;
        ensure(
            current.status == vt::DeploymentStatus::Succeeded || current.url.is_none(),
            || format!("a {} deployment already has a url", current.status),
        )?;
        match current.status {
            vt::DeploymentStatus::Succeeded => {
                ensure(current.url.is_some(), || {
                    "a SUCCEEDED deployment has no url".into()
                })?;
                return skipped_in_progress(&current, &seen, pending_sent);
            }
            vt::DeploymentStatus::Failed => {
                return Err(Failure::new(format!(
                    "deployment {} FAILED (states {seen:?})",
                    *current.deployment_id
                )));
            }
            status if Instant::now() + delay > deadline => {
                return Err(Failure::new(format!(
                    "deployment {} is still {status} after {} s, expected SUCCEEDED (states {seen:?})",
                    *current.deployment_id,
                    api.call_timeout().as_secs()
                )));
            }
            _ => {}
        }
        tokio::time::sleep(delay).await;
    }
}

/// Fails when a deployment seen PENDING reached SUCCEEDED without an IN_PROGRESS read,
/// although IN_PROGRESS (half the deployment's duration) must have fallen between the reads:
/// see [`await_deployment`].
fn skipped_in_progress(
    succeeded: &vt::Deployment,
    seen: &[vt::DeploymentStatus],
    pending_sent: Option<Instant>,
) -> Outcome {
    let Some(pending_sent) = pending_sent else {
        return Ok(());
    };
    if seen.contains(&vt::DeploymentStatus::InProgress) {
        return Ok(());
    }
    let gap = pending_sent.elapsed();
    let took = (succeeded.updated_at - succeeded.created_at)
        .to_std()
        .unwrap_or_default();
    ensure(took.is_zero() || gap * 3 >= took, || {
        format!(
            "deployment {} went from PENDING straight to SUCCEEDED (states {seen:?}): it took \
             {} ms by its createdAt/updatedAt, yet the last PENDING read and the SUCCEEDED \
             read were {} ms apart, so IN_PROGRESS was never reported",
            *succeeded.deployment_id,
            took.as_millis(),
            gap.as_millis()
        )
    })
}

/// Version history: generate a new site -> generate again with its `siteId` -> listVersions
/// shows both, newest first and current -> restoreVersion of the first -> listVersions and
/// getVersion show the first as current.
pub async fn version_history(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let first = at_step(
        "step 1 (generatePage, new site)",
        generate(
            &api,
            &gt::GenerationRequest {
                brand_assets: Some(gt::BrandAssets {
                    primary_color: Some(typed("#0066CC", "primaryColor")?),
                    secondary_color: Some(typed("#FF6600", "secondaryColor")?),
                    logo: None,
                }),
                ..stream::page_request("Create a landing page for a bakery")?
            },
        )
        .await,
    )?;
    let first = at_step(
        "step 1 (generatePage, new site)",
        first.expect_complete().cloned(),
    )?;
    let site = first.site_id.to_string();
    // No brand assets this time, so the two versions score differently and the brand
    // score shows which one is analysed.
    let second_request = gt::GenerationRequest {
        site_id: Some(typed(&site, "siteId")?),
        brand_assets: None,
        ..stream::page_request("Create a landing page for a bakery with an autumn menu")?
    };
    let second = at_step(
        "step 2 (generatePage with siteId)",
        generate(&api, &second_request).await,
    )?;
    let second = at_step(
        "step 2 (generatePage with siteId)",
        second.expect_complete().cloned(),
    )?;
    at_step(
        "step 2 (generatePage with siteId)",
        ensure(*second.site_id == site, || {
            format!(
                "the second generation went to site {}, not {site}",
                *second.site_id
            )
        })
        .and_then(|()| {
            ensure(second.version_id != first.version_id, || {
                format!("both generations made version {}", *first.version_id)
            })
        })
        .and_then(|()| {
            // Without different scores step 7 could not tell which version is analysed.
            ensure((first.brand_score - second.brand_score).abs() >= 0.05, || {
                format!(
                    "both versions score {}; the scenario needs versions that score differently",
                    first.brand_score
                )
            })
        }),
    )?;
    let (v1, v2) = (first.version_id.to_string(), second.version_id.to_string());

    let list = at_step("step 3 (listVersions)", list_versions(&api, &site).await)?;
    at_step(
        "step 3 (listVersions)",
        expect_versions(&list, &[&v2, &v1], &v2),
    )?;
    let generations: Vec<&str> = list
        .versions
        .iter()
        .map(|v| v.generation_id.as_str())
        .collect();
    at_step(
        "step 3 (listVersions)",
        ensure(
            generations == [second.generation_id.as_str(), first.generation_id.as_str()],
            || format!("the versions' generationIds are {generations:?}"),
        ),
    )?;

    let restored = at_step(
        "step 4 (restoreVersion)",
        api.call(
            "restoreVersion",
            api.generation.restore_version(
                &typed(&site, "siteId")?,
                &typed(&v1, "versionId")?,
                &api.tenant()?,
            ),
        )
        .await,
    )?
    .into_inner();
    at_step(
        "step 4 (restoreVersion)",
        expect_versions(&restored, &[&v2, &v1], &v1),
    )?;
    let list = at_step("step 5 (listVersions)", list_versions(&api, &site).await)?;
    at_step(
        "step 5 (listVersions)",
        expect_versions(&list, &[&v2, &v1], &v1),
    )?;

    let version = at_step(
        "step 6 (getVersion)",
        api.call(
            "getVersion",
            api.generation.get_version(
                &typed(&site, "siteId")?,
                &typed(&v1, "versionId")?,
                &api.tenant()?,
            ),
        )
        .await,
    )?
    .into_inner();
    at_step(
        "step 6 (getVersion)",
        ensure(version.current, || {
            format!("the restored version {v1} is not current")
        })
        .and_then(|()| {
            ensure(*version.generation_id == *first.generation_id, || {
                format!(
                    "version {v1} belongs to generation {}",
                    *version.generation_id
                )
            })
        })
        .and_then(|()| {
            ensure(!version.html.is_empty(), || {
                format!("version {v1} has no html")
            })
        }),
    )?;

    // The brand score is the current (restored) version's, not the newest's.
    let score = at_step(
        "step 7 (getBrandScore)",
        api.call(
            "getBrandScore",
            api.validation
                .get_brand_score(&typed(&site, "siteId")?, &api.tenant()?),
        )
        .await,
    )?
    .into_inner();
    at_step(
        "step 7 (getBrandScore)",
        ensure((score.brand_score - first.brand_score).abs() < 1e-9, || {
            format!(
                "the brand score is {}, but the restored version {v1} scored {} (the newest, {v2}, scored {})",
                score.brand_score, first.brand_score, second.brand_score
            )
        }),
    )
}

/// A site with more versions than one digit counts (11): listVersions is still newest first
/// by `versionNumber`, with the newest current (a text sort puts `v9` before `v10`).
pub async fn many_versions(target: &Target) -> Outcome {
    const VERSIONS: usize = 11;
    let api = Api::new(target)?;
    let first = at_step(
        "step 1 (generatePage, new site)",
        generate(
            &api,
            &stream::page_request("Create a landing page for a florist")?,
        )
        .await,
    )?;
    let first = at_step(
        "step 1 (generatePage, new site)",
        first.expect_complete().cloned(),
    )?;
    let site = first.site_id.to_string();
    let mut newest = first.version_id.to_string();
    for n in 2..=VERSIONS {
        let request = gt::GenerationRequest {
            site_id: Some(typed(&site, "siteId")?),
            ..stream::page_request(&format!("Create a landing page for a florist, take {n}"))?
        };
        let step = format!("step 2 (generatePage, version {n})");
        let recorded = at_step(&step, generate(&api, &request).await)?;
        newest = at_step(&step, recorded.expect_complete())?
            .version_id
            .to_string();
    }
    let list = at_step("step 3 (listVersions)", list_versions(&api, &site).await)?;
    at_step(
        "step 3 (listVersions)",
        ensure(list.versions.len() == VERSIONS, || {
            format!("{} versions listed, {VERSIONS} made", list.versions.len())
        })
        .and_then(|()| {
            let numbers: Vec<u64> = list.versions.iter().map(|v| v.version_number.get()).collect();
            ensure(numbers.windows(2).all(|w| w[0] > w[1]), || {
                format!("version numbers {numbers:?} are not newest first")
            })
        })
        .and_then(|()| {
            ensure(*list.versions[0].version_id == newest && list.versions[0].current, || {
                format!(
                    "the first listed version is {} (current: {}), expected the newest, {newest}, current",
                    *list.versions[0].version_id, list.versions[0].current
                )
            })
        }),
    )
}

async fn list_versions(api: &Api, site: &str) -> Result<gt::VersionList, Failure> {
    Ok(api
        .call(
            "listVersions",
            api.generation
                .list_versions(&typed(site, "siteId")?, &api.tenant()?),
        )
        .await?
        .into_inner())
}

/// The list holds exactly `expected` (newest first), numbered downwards, and only
/// `current` is current.
fn expect_versions(list: &gt::VersionList, expected: &[&str], current: &str) -> Outcome {
    let ids: Vec<&str> = list
        .versions
        .iter()
        .map(|v| v.version_id.as_str())
        .collect();
    ensure(ids == expected, || {
        format!("versions are {ids:?}, expected {expected:?} (newest first)")
    })?;
    let numbers: Vec<u64> = list
        .versions
        .iter()
        .map(|v| v.version_number.get())
        .collect();
    ensure(numbers.windows(2).all(|w| w[0] > w[1]), || {
        format!("version numbers {numbers:?} are not newest first")
    })?;
    ensure(*list.current_version_id == current, || {
        format!(
            "currentVersionId is {}, expected {current}",
            *list.current_version_id
        )
    })?;
    let flagged: Vec<&str> = list
        .versions
        .iter()
        .filter(|v| v.current)
        .map(|v| v.version_id.as_str())
        .collect();
    ensure(flagged == [current], || {
        format!("versions flagged current: {flagged:?}, expected only {current}")
    })
}
