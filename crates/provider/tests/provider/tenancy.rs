//! Tenant isolation: 403 on a mismatch, 404 for another tenant's resources, nothing leaks.

use anyhow::Result;
use serde_json::json;

use crate::support::{assert_error, start, start_faulty};

#[tokio::test]
async fn mismatched_tenants_get_403() -> Result<()> {
    let ctx = start().await?;
    // Path tenant differs from the token's.
    for path in [
        "/sites/other-tenant/templates",
        "/sites/other-tenant/generation/gen-other-0001",
        "/sites/other-tenant/deployments/dep-other-0001",
    ] {
        assert_error(ctx.get(path).send().await?, 403, "FORBIDDEN").await?;
    }
    // X-Tenant-Id differs from, or is missing next to, a valid token.
    let r = ctx
        .client
        .get(ctx.url("/sites/test-tenant/templates"))
        .bearer_auth(&ctx.token)
        .header("X-Tenant-Id", "other-tenant")
        .send()
        .await?;
    assert_error(r, 403, "FORBIDDEN").await?;
    let r = ctx
        .client
        .get(ctx.url("/sites/test-site-id/validate"))
        .bearer_auth(&ctx.token)
        .send()
        .await?;
    assert_error(r, 403, "FORBIDDEN").await?;
    // generatePage answers 403 (not a stream) too.
    let r = ctx
        .post("/sites/other-tenant/generation", &json!({"prompt": "x"}))
        .send()
        .await?;
    assert_error(r, 403, "FORBIDDEN").await?;
    Ok(())
}

#[tokio::test]
async fn other_tenants_resources_are_invisible() -> Result<()> {
    let ctx = start().await?;
    let paths = [
        "/sites/test-tenant/generation/gen-other-0001",
        "/sites/test-tenant/deployments/dep-other-0001",
        "/sites/other-site/versions",
        "/sites/other-site/versions/v1",
        "/sites/other-site/validate",
        "/sites/other-site/brand-score",
    ];
    for path in paths {
        let body = assert_error(ctx.get(path).send().await?, 404, "NOT_FOUND").await?;
        assert!(
            !body.to_string().contains("other-tenant"),
            "{path} leaks the owner: {body}"
        );
    }
    let r = ctx
        .post("/sites/other-site/versions/v1/restore", &json!({}))
        .send()
        .await?;
    assert_error(r, 404, "NOT_FOUND").await?;
    let r = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": "other-site", "environment": "staging"}),
        )
        .send()
        .await?;
    assert_error(r, 404, "NOT_FOUND").await?;
    // A generation cannot add a version to another tenant's site.
    let events = ctx
        .generate(&json!({"prompt": "x", "siteId": "other-site"}))
        .await?;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "error");
    assert_eq!(events[0]["code"], "NOT_FOUND");
    // The other tenant sees its own.
    let other = sb_provider::dev_token(
        &ctx.jwt,
        "other-tenant",
        "bob",
        std::time::Duration::from_secs(60),
    );
    let r = ctx
        .client
        .get(ctx.url("/sites/other-site/versions"))
        .bearer_auth(other)
        .header("X-Tenant-Id", "other-tenant")
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    Ok(())
}

#[tokio::test]
async fn tenancy_faults_change_behaviour() -> Result<()> {
    let ctx = start_faulty(sb_provider::Fault::IgnoreTenantMismatch).await?;
    assert_eq!(
        ctx.get("/sites/other-tenant/templates")
            .send()
            .await?
            .status(),
        200
    );
    let ctx = start_faulty(sb_provider::Fault::LeakOtherTenant).await?;
    assert_eq!(
        ctx.get("/sites/other-site/versions").send().await?.status(),
        200
    );
    assert_eq!(
        ctx.get("/sites/test-tenant/deployments/dep-other-0001")
            .send()
            .await?
            .status(),
        200
    );
    Ok(())
}
