//! `compat --live` in a test: the frontend's recorded use of the APIs
//! (`consumers/site-builder-frontend.yaml`) is served by the embedded provider, through the
//! same code as `cargo xtask compat --live`.

use std::path::Path;
use std::time::Duration;

use sb_diff::{Consumer, LiveTarget};
use sb_runtime::Target;

#[tokio::test]
async fn frontend_consumer_passes_against_the_embedded_provider() {
    let target =
        Target::shared(&sb_suites::harness::EMBEDDED).unwrap_or_else(|e| panic!("no target: {e}"));
    let http = target.streaming_http().expect("an HTTP client");
    let token = sb_suites::harness::token(target).expect("a token");
    let live = LiveTarget {
        http: &http,
        base_url: target.base_url(),
        token: &token,
        tenant: target.tenant(),
        timeout: Duration::from_secs(60),
    };
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("consumers/site-builder-frontend.yaml");
    let consumer = Consumer::load(&file).unwrap_or_else(|e| panic!("{e}"));
    // With the real specs, so the streams are judged by their x-stream contracts.
    let specs = sb_suites::harness::specs().expect("the specs load");
    let findings = sb_diff::check_live_against(&consumer, &live, &specs).await;
    assert_eq!(findings, []);
}
