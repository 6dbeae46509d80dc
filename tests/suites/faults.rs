//! Each streaming check and e2e scenario (and the latency budget) goes red against a
//! provider with exactly the fault that breaks it, for the reason it names. The providers
//! stream without pacing and deploy in 20 ms steps, so the suite stays fast; polling
//! deadlines are 5 s and a silent stream counts as stalled after 3 s.

use std::future::Future;
use std::time::{Duration, Instant};

use sb_provider::{Config, Fault, Pacing};
use sb_runtime::{Outcome, Target, TargetOptions};
use sb_suites::{e2e, perf, streaming};

/// Starts a provider with `fault` on, and a target with short limits.
async fn broken(fault: Fault) -> Target {
    let config = Config {
        faults: [fault].into(),
        pacing: Pacing::instant(),
        deployment_step: Duration::from_millis(20),
        ..Config::default()
    };
    let options = TargetOptions {
        timeout_secs: 5,
        sse_idle_secs: 3,
        ..TargetOptions::default()
    };
    Target::embedded(config, options)
        .await
        .unwrap_or_else(|e| panic!("cannot start a provider with {fault}: {e}"))
}

/// Runs `check` against a provider with `fault` and expects a failure mentioning `reason`.
async fn red<F, Fut>(fault: Fault, check: F, reason: &str)
where
    F: for<'a> FnOnce(&'a Target) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let target = broken(fault).await;
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(60), check(&target))
        .await
        .unwrap_or_else(|_| panic!("the check hung against {fault}"));
    match outcome {
        Ok(()) => panic!("the check passed against a provider with {fault} ({})", fault.description()),
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
