//! Each streaming check and e2e scenario (and the latency budget) goes red against a
//! provider with exactly the fault that breaks it, for the reason it names. The providers
//! stream without pacing and deploy in 20 ms steps, so the suite stays fast (the two faults
//! that only show at a realistic pace get a paced stream or longer steps); polling
//! deadlines are 3 s and a silent stream counts as stalled after 2 s.

use std::future::Future;
use std::time::{Duration, Instant};

use sb_provider::{Config, Fault, Pacing};
use sb_runtime::{Outcome, Target, TargetOptions};
use sb_suites::{e2e, perf, streaming};

/// Starts a provider with `fault` on (streaming without pacing, deploying in 20 ms steps,
/// unless `adjust` changes its config for a fault that only shows at a realistic pace),
/// and a target with short limits. The target is leaked so checks can borrow it for
/// `'static`; its provider stops with the test's runtime.
async fn broken(fault: Fault, adjust: impl FnOnce(&mut Config)) -> &'static Target {
    let mut config = Config {
        faults: [fault].into(),
        pacing: Pacing::instant(),
        deployment_step: Duration::from_millis(20),
        ..Config::default()
    };
    adjust(&mut config);
    let options = TargetOptions {
        timeout_secs: 3,
        sse_idle_secs: 2,
        ..TargetOptions::default()
    };
    let target = sb_suites::harness::embedded(config, options)
        .await
        .unwrap_or_else(|e| panic!("cannot start a provider with {fault}: {e}"));
    Box::leak(Box::new(target))
}

/// Runs `check` against a provider with `fault` and expects a failure mentioning `reason`.
async fn red<F, Fut>(fault: Fault, check: F, reason: &str)
where
    F: FnOnce(&'static Target) -> Fut,
    Fut: Future<Output = Outcome>,
{
    red_with(fault, |_| {}, check, reason).await;
}

/// [`red`] against a provider whose config `adjust` changes (see [`broken`]).
async fn red_with<F, Fut>(fault: Fault, adjust: impl FnOnce(&mut Config), check: F, reason: &str)
where
    F: FnOnce(&'static Target) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let target = broken(fault, adjust).await;
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(60), check(target))
        .await
        .unwrap_or_else(|_| panic!("the check hung against {fault}"));
    match outcome {
        Ok(()) => panic!(
            "the check passed against a provider with {fault} ({})",
            fault.description()
        ),
        Err(failure) => assert!(
            failure.reason.contains(reason),
            "against {fault} the check failed for another reason than `{reason}`: {}",
            failure.reason
        ),
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the check took {:.1} s to notice {fault}",
        started.elapsed().as_secs_f64()
    );
}

// Streaming: SSE format.

#[tokio::test]
async fn sse_format_catches_a_wrong_content_type() {
    red(
        Fault::SseWrongContentType,
        streaming::sse_format,
        "text/event-stream",
    )
    .await;
}

#[tokio::test]
async fn sse_format_catches_invalid_json() {
    red(Fault::SseInvalidJson, streaming::sse_format, "not JSON").await;
}

#[tokio::test]
async fn sse_format_catches_an_unknown_event_type() {
    red(
        Fault::SseUnknownType,
        streaming::sse_format,
        "type `thinking`",
    )
    .await;
}

// Streaming: progress events.

#[tokio::test]
async fn progress_events_catch_a_first_progress_above_zero() {
    red(
        Fault::SseProgressNotZero,
        streaming::progress_events,
        "not 0",
    )
    .await;
}

#[tokio::test]
async fn progress_events_catch_decreasing_progress() {
    red(
        Fault::SseProgressDecreases,
        streaming::progress_events,
        "decreased",
    )
    .await;
}

#[tokio::test]
async fn progress_events_catch_an_invalid_generation_state_mid_stream() {
    // Paced: the page streams 800 ms after the first progress event, so getGeneration is
    // read while the generation still runs.
    red_with(
        Fault::GenerationStateInvalidMidStream,
        |config| config.pacing.first_chunk_delay = Duration::from_millis(800),
        streaming::progress_events,
        "getGeneration after the first progress event: getGeneration: the response does not decode",
    )
    .await;
}

// Streaming: chunk delivery.

#[tokio::test]
async fn chunk_delivery_catches_a_stalled_stream() {
    red(Fault::SseStall, streaming::chunk_delivery, "stalled").await;
}

// Streaming: the complete event.

#[tokio::test]
async fn complete_event_catches_a_missing_terminal_event() {
    red(
        Fault::SseNoTerminal,
        streaming::complete_event,
        "without a terminal event",
    )
    .await;
}

#[tokio::test]
async fn complete_event_catches_two_terminal_events() {
    red(
        Fault::SseTwoTerminals,
        streaming::complete_event,
        "2 terminal events",
    )
    .await;
}

#[tokio::test]
async fn complete_event_catches_a_brand_score_out_of_range() {
    red(
        Fault::SseBrandScoreOutOfRange,
        streaming::complete_event,
        "outside 0..=10",
    )
    .await;
}

#[tokio::test]
async fn complete_event_catches_a_missing_generation_id() {
    red(
        Fault::SseCompleteMissingField,
        streaming::complete_event,
        "generationId",
    )
    .await;
}

// Streaming: the error event.

#[tokio::test]
async fn error_event_catches_an_empty_prompt_that_streams_a_page() {
    red(
        Fault::SseNoErrorEvent,
        streaming::error_event,
        "expected a single `error` event",
    )
    .await;
}

// Streaming: time to first and last token.

#[tokio::test]
async fn time_to_first_token_catches_a_slow_first_chunk() {
    red(
        Fault::SseSlowFirstChunk,
        streaming::time_to_first_token,
        "time to first token",
    )
    .await;
}

#[tokio::test]
async fn time_to_last_token_catches_a_stalled_stream() {
    red(Fault::SseStall, streaming::time_to_last_token, "stalled").await;
}

// End to end.

#[tokio::test]
async fn page_generation_catches_a_generation_not_saved() {
    red(
        Fault::GenerationNotSaved,
        e2e::page_generation,
        "still IN_PROGRESS",
    )
    .await;
}

#[tokio::test]
async fn page_generation_catches_a_brand_score_missing_for_the_new_site() {
    red(
        Fault::BrandScoreMissingSite,
        e2e::page_generation,
        "step 3 (getBrandScore): getBrandScore: status 404",
    )
    .await;
}

#[tokio::test]
async fn logo_then_page_catches_the_logo_left_out_of_the_page() {
    red(
        Fault::LogoNotInPage,
        e2e::logo_then_page,
        "does not reference the selected logo",
    )
    .await;
}

#[tokio::test]
async fn validation_deployment_catches_a_stuck_deployment() {
    red(
        Fault::DeploymentStuck,
        e2e::validation_deployment,
        "still PENDING",
    )
    .await;
}

#[tokio::test]
async fn validation_deployment_catches_a_deploy_that_ignores_the_brand_score() {
    red(
        Fault::DeployIgnoresBrandScore,
        e2e::validation_deployment,
        "was accepted",
    )
    .await;
}

#[tokio::test]
async fn version_history_catches_a_restore_that_changes_nothing() {
    red(
        Fault::RestoreNoop,
        e2e::version_history,
        "step 4 (restoreVersion)",
    )
    .await;
}

#[tokio::test]
async fn logo_then_page_catches_an_ignored_count() {
    red(
        Fault::LogoCountIgnored,
        e2e::logo_then_page,
        "asked for 3 logos, got 4",
    )
    .await;
}

#[tokio::test]
async fn validation_deployment_catches_an_ignored_environment() {
    red(
        Fault::DeploymentEnvironmentIgnored,
        e2e::validation_deployment,
        "asked to deploy to production",
    )
    .await;
}

#[tokio::test]
async fn validation_deployment_catches_a_url_before_success() {
    red(
        Fault::DeploymentUrlEarly,
        e2e::validation_deployment,
        "already has a url",
    )
    .await;
}

#[tokio::test]
async fn version_history_catches_analysis_of_the_newest_version() {
    red(
        Fault::AnalysisUsesNewestVersion,
        e2e::version_history,
        "step 7 (getBrandScore)",
    )
    .await;
}

#[tokio::test]
async fn many_versions_catches_versions_sorted_as_text() {
    red(
        Fault::VersionsSortedAsText,
        e2e::many_versions,
        "not newest first",
    )
    .await;
}

#[tokio::test]
async fn validation_deployment_catches_a_deployment_that_skips_in_progress() {
    // Steps of 250 ms: the 5 to 25 ms poll gap is far below the 500 ms deployment, so a
    // faithful provider's IN_PROGRESS could not be missed (the check tolerates gaps up to
    // a third of it, 167 ms).
    red_with(
        Fault::DeploymentSkipsInProgress,
        |config| config.deployment_step = Duration::from_millis(250),
        e2e::validation_deployment,
        "went from PENDING straight to SUCCEEDED",
    )
    .await;
}

#[tokio::test]
async fn validation_deployment_catches_a_rounded_brand_score_gate() {
    red(
        Fault::BrandScoreGateRounded,
        e2e::validation_deployment,
        "step 7 (createDeployment threshold-site): a site scoring 7.",
    )
    .await;
}

#[tokio::test]
async fn validation_deployment_catches_a_refusal_without_request_id() {
    red(
        Fault::RequestIdMissingOn422,
        e2e::validation_deployment,
        "X-Request-Id",
    )
    .await;
}

// Performance.

#[tokio::test]
async fn latency_budget_catches_slow_responses() {
    red(Fault::SlowResponses, perf::latency_budget, "over budget").await;
}

#[tokio::test]
async fn state_store_write_catches_a_generation_not_saved() {
    red(
        Fault::GenerationNotSaved,
        perf::state_store_budget,
        "still IN_PROGRESS",
    )
    .await;
}
