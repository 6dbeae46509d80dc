//! The streaming, end-to-end and performance-smoke suites of `crates/suites` against the
//! shared target (the embedded provider unless `SB_BASE_URL` is set), and `faults`: each
//! check shown red against a provider with the fault that breaks it. The library's own
//! tests, which need no target (budgets, the contract as read, streams, the load's summary,
//! the performance report), are here too, so `sb-suites` is not built a second time for
//! unit tests.

mod budget;
mod compat_live;
mod contract;
mod e2e;
mod faults;
mod load;
mod perf_smoke;
mod report;
mod stream;
mod streaming;

use std::future::Future;
use std::time::Duration;

use sb_runtime::{Outcome, Target};

/// Longest any one suite check may take here; each wait inside has its own, shorter limit.
const CHECK_LIMIT: Duration = Duration::from_secs(180);

/// Runs `check` against the shared target and fails the test with its reason.
pub async fn green<F, Fut>(check: F)
where
    F: FnOnce(&'static Target) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let target =
        Target::shared(&sb_suites::harness::EMBEDDED).unwrap_or_else(|e| panic!("no target: {e}"));
    match tokio::time::timeout(CHECK_LIMIT, check(target)).await {
        Ok(Ok(())) => {}
        Ok(Err(failure)) => panic!("{}", failure.reason),
        Err(_) => panic!(
            "the check did not finish within {} s",
            CHECK_LIMIT.as_secs()
        ),
    }
}

/// The shared target when the suites run against a deployment (`SB_BASE_URL`); otherwise an
/// embedded provider of the caller's own that streams without pacing, for the checks whose
/// verdict does not depend on the pace (the shared provider paces streams as a real
/// generation does, which makes every stream take about a second).
pub async fn unpaced_or_shared() -> &'static Target {
    let options = sb_runtime::TargetOptions::from_env();
    if options.base_url.is_some() {
        return Target::shared(&sb_suites::harness::EMBEDDED)
            .unwrap_or_else(|e| panic!("no target: {e}"));
    }
    let config = sb_provider::Config {
        pacing: sb_provider::Pacing::instant(),
        ..sb_provider::Config::default()
    };
    Box::leak(Box::new(
        sb_suites::harness::embedded(config, options)
            .await
            .unwrap_or_else(|e| panic!("no provider: {e}")),
    ))
}
