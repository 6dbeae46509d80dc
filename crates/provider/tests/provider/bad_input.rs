//! Bad input of every kind gets a documented 4xx with an Error body, never a 5xx.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;

use crate::support::{assert_error, fast_config, start, start_with};

#[tokio::test]
async fn bodies_that_break_the_rules_get_400_naming_the_field() -> Result<()> {
    let ctx = start().await?;
    let cases = [
        ("/agents/logo", json!({}), "prompt"),
        ("/agents/logo", json!({"prompt": ""}), "prompt"),
        ("/agents/logo", json!({"prompt": "x", "count": 0}), "count"),
        ("/agents/logo", json!({"prompt": "x", "count": 9}), "count"),
        (
            "/agents/logo",
            json!({"prompt": "x", "count": "4"}),
            "count",
        ),
        (
            "/agents/logo",
            json!({"prompt": "x", "style": "baroque"}),
            "style",
        ),
        (
            "/agents/logo",
            json!({"prompt": "x", "colors": ["#12345"]}),
            "colors[0]",
        ),
        (
            "/agents/logo",
            json!({"prompt": "x", "colors": ["#000000", "#000000", "#000000", "#000000", "#000000", "#000000"]}),
            "colors",
        ),
        (
            "/agents/logo",
            json!({"prompt": "x".repeat(1001)}),
            "prompt",
        ),
        (
            "/sites/test-tenant/deployments",
            json!({"environment": "staging"}),
            "siteId",
        ),
        (
            "/sites/test-tenant/deployments",
            json!({"siteId": "test-site-id", "environment": "qa"}),
            "environment",
        ),
        (
            "/sites/test-tenant/deployments",
            json!({"siteId": 7, "environment": "staging"}),
            "siteId",
        ),
        ("/sites/test-tenant/deployments", json!("a string"), "body"),
    ];
    for (path, body, field) in cases {
        let r = ctx.post(path, &body).send().await?;
        let e = assert_error(r, 400, "VALIDATION_ERROR").await?;
        assert!(
            e["message"].as_str().unwrap().starts_with(field),
            "{path} {body}: {e}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn bodies_that_are_not_json_or_too_large() -> Result<()> {
    let mut config = fast_config();
    config.body_limit = 1024;
    let ctx = start_with(config).await?;
    for path in ["/agents/logo", "/sites/test-tenant/deployments"] {
        let r = ctx
            .authed(Method::POST, path)
            .header("Content-Type", "application/json")
            .body("{\"prompt\":")
            .send()
            .await?;
        assert_error(r, 400, "BAD_REQUEST").await?;
        let r = ctx
            .authed(Method::POST, path)
            .header("Content-Type", "text/plain")
            .body("prompt")
            .send()
            .await?;
        assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE").await?;
        let r = ctx.authed(Method::POST, path).body("{}").send().await?;
        assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE").await?;
        let big = json!({"prompt": "x".repeat(2000)});
        let r = ctx.post(path, &big).send().await?;
        assert_error(r, 413, "PAYLOAD_TOO_LARGE").await?;
    }
    // The stream operation answers an over-size body with 413 too (it cannot be read).
    let r = ctx
        .post(
            "/sites/test-tenant/generation",
            &json!({"prompt": "x".repeat(2000)}),
        )
        .send()
        .await?;
    assert_error(r, 413, "PAYLOAD_TOO_LARGE").await?;
    Ok(())
}

#[tokio::test]
async fn unknown_routes_wrong_methods_and_bad_params() -> Result<()> {
    let ctx = start().await?;
    for path in [
        "/nope",
        "/sites",
        "/sites/test-tenant/unknown",
        "/agents/logos",
    ] {
        assert_error(ctx.get(path).send().await?, 404, "NOT_FOUND").await?;
    }
    let r = ctx
        .client
        .get(format!("http://{}/", ctx.provider.addr()))
        .send()
        .await?;
    assert_error(r, 404, "NOT_FOUND").await?;
    for (method, path) in [
        (Method::DELETE, "/sites/test-tenant/templates"),
        (Method::PUT, "/agents/logo"),
        (Method::GET, "/sites/test-tenant/deployments"),
        (Method::PATCH, "/sites/test-tenant/generation"),
    ] {
        let r = ctx.authed(method.clone(), path).send().await?;
        assert!(r.headers().contains_key("allow"), "{method} {path}");
        assert_error(r, 405, "METHOD_NOT_ALLOWED").await?;
    }
    let r = ctx
        .client
        .get(ctx.url("/agents/logos/logo-0000000000000000"))
        .send()
        .await?;
    assert_error(r, 404, "NOT_FOUND").await?;
    let r = ctx
        .client
        .get(ctx.url("/agents/logos/not-a-logo-id"))
        .send()
        .await?;
    assert_error(r, 404, "NOT_FOUND").await?;
    let r = ctx
        .client
        .get(ctx.url(&format!(
            "/agents/logos/{}?size=huge",
            sb_provider::DEMO_LOGO_ID
        )))
        .send()
        .await?;
    assert_error(r, 400, "VALIDATION_ERROR").await?;
    // An incoming request id is kept; an empty one is replaced.
    let r = ctx
        .get("/sites/test-tenant/templates")
        .header("X-Request-Id", "trace-me-123")
        .send()
        .await?;
    assert_eq!(r.headers()["x-request-id"], "trace-me-123");
    let r = ctx
        .get("/sites/test-tenant/nope")
        .header("X-Request-Id", "")
        .send()
        .await?;
    let e = assert_error(r, 404, "NOT_FOUND").await?;
    assert!(!e["requestId"].as_str().unwrap().is_empty());
    Ok(())
}
