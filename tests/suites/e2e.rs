//! The end-to-end scenarios (seed worker 4) against the shared target.

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

/// Eleven generations one after another, against an unpaced provider when embedded: the
/// order of versions does not depend on the pace, and eleven paced streams took ten seconds,
/// the longest wait of `cargo test`.
#[tokio::test]
async fn many_versions() {
    if let Err(failure) = e2e::many_versions(crate::unpaced_or_shared().await).await {
        panic!("{}", failure.reason);
    }
}
