//! The end-to-end scenarios (seed worker 4) against the shared target.

use sb_provider::{Config, Pacing};
use sb_runtime::{Target, TargetOptions};
use sb_suites::e2e;

use crate::green;

#[tokio::test]
async fn page_generation() {
    green(e2e::page_generation).await;
}

#[tokio::test]
async fn logo_then_page() {
    green(e2e::logo_then_page).await;
}

#[tokio::test]
async fn validation_deployment() {
    green(e2e::validation_deployment).await;
}

#[tokio::test]
async fn version_history() {
    green(e2e::version_history).await;
}

/// Eleven generations one after another. Against the embedded provider, a provider of its
/// own that streams without pacing: the order of versions does not depend on the pace, and
/// eleven paced streams took ten seconds, the longest wait of `cargo test`. Against a
/// deployment (`SB_BASE_URL`), that deployment.
#[tokio::test]
async fn many_versions() {
    let options = TargetOptions::from_env();
    if options.base_url.is_some() {
        return green(e2e::many_versions).await;
    }
    let config = Config {
        pacing: Pacing::instant(),
        ..Config::default()
    };
    let target: &'static Target = Box::leak(Box::new(
        sb_suites::harness::embedded(config, options)
            .await
            .unwrap_or_else(|e| panic!("no provider: {e}")),
    ));
    if let Err(failure) = e2e::many_versions(target).await {
        panic!("{}", failure.reason);
    }
}
