//! Which requests the edge treats as the generation stream (no slow-response fault for it).

use http::Method;
use sb_provider::internals::is_generation;

#[test]
fn generation_path_detection() {
    assert!(is_generation(
        &Method::POST,
        "/v1/sites/test-tenant/generation"
    ));
    assert!(!is_generation(
        &Method::GET,
        "/v1/sites/test-tenant/generation"
    ));
    assert!(!is_generation(&Method::POST, "/v1/sites/a/b/generation"));
    assert!(!is_generation(&Method::POST, "/v1/sites/t/generation/x"));
}
