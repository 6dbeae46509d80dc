//! CORS: preflights from allowed and disallowed origins, and actual responses; the default
//! origin patterns, without a server.

use anyhow::Result;
use reqwest::Method;
use sb_provider::CorsConfig;
use sb_provider::internals::allowed;

use crate::support::{Ctx, start, start_faulty};

async fn preflight(ctx: &Ctx, origin: &str) -> Result<reqwest::Response> {
    Ok(ctx
        .client
        .request(Method::OPTIONS, ctx.url("/sites/test-tenant/generation"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type, x-tenant-id",
        )
        .send()
        .await?)
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    r.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn preflights_from_allowed_origins() -> Result<()> {
    let ctx = start().await?;
    for origin in [
        "https://kimmyai.io",
        "https://app.kimmyai.io",
        "http://localhost:5173",
    ] {
        let r = preflight(&ctx, origin).await?;
        assert!(r.status().is_success(), "{origin}: {}", r.status());
        assert_eq!(header(&r, "access-control-allow-origin"), Some(origin));
        let methods = header(&r, "access-control-allow-methods").unwrap();
        for m in ["GET", "POST", "OPTIONS"] {
            assert!(methods.contains(m), "{methods}");
        }
        let headers = header(&r, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        for h in ["authorization", "content-type", "x-tenant-id", "accept"] {
            assert!(headers.contains(h), "{headers}");
        }
        assert_eq!(header(&r, "access-control-max-age"), Some("600"));
        assert!(header(&r, "vary").unwrap().contains("Origin"));
        assert!(header(&r, "access-control-allow-credentials").is_none());
        assert!(header(&r, "x-request-id").is_some());
    }
    // The seed's preflight carries only an Origin header.
    let r = ctx
        .client
        .request(Method::OPTIONS, ctx.url("/sites/test-tenant/generation"))
        .header("Origin", "https://kimmyai.io")
        .send()
        .await?;
    assert!(header(&r, "access-control-allow-origin").is_some());
    assert!(header(&r, "access-control-allow-methods").is_some());
    Ok(())
}

#[tokio::test]
async fn disallowed_origins_get_no_acao() -> Result<()> {
    let ctx = start().await?;
    for origin in [
        "https://evil.example",
        "https://kimmyai.io.evil.example",
        "http://kimmyai.io",
    ] {
        let r = preflight(&ctx, origin).await?;
        assert!(
            header(&r, "access-control-allow-origin").is_none(),
            "{origin}"
        );
        let r = ctx
            .get("/sites/test-tenant/templates")
            .header("Origin", origin)
            .send()
            .await?;
        assert_eq!(r.status(), 200);
        assert!(
            header(&r, "access-control-allow-origin").is_none(),
            "{origin}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn actual_responses_carry_acao_even_on_errors() -> Result<()> {
    let ctx = start().await?;
    let r = ctx
        .get("/sites/test-tenant/templates")
        .header("Origin", "https://app.kimmyai.io")
        .send()
        .await?;
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        Some("https://app.kimmyai.io")
    );
    assert!(
        header(&r, "access-control-expose-headers")
            .unwrap()
            .contains("X-Request-Id")
    );
    assert!(header(&r, "vary").unwrap().contains("Origin"));
    let r = ctx
        .client
        .get(ctx.url("/sites/test-tenant/templates"))
        .header("Origin", "https://app.kimmyai.io")
        .send()
        .await?;
    assert_eq!(r.status(), 401);
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        Some("https://app.kimmyai.io")
    );
    Ok(())
}

#[tokio::test]
async fn cors_faults_change_behaviour() -> Result<()> {
    use sb_provider::Fault::*;
    let ctx = start_faulty(CorsAllowAnyOrigin).await?;
    assert!(
        header(
            &preflight(&ctx, "https://evil.example").await?,
            "access-control-allow-origin"
        )
        .is_some()
    );
    let ctx = start_faulty(CorsWildcardWithCredentials).await?;
    let r = preflight(&ctx, "https://kimmyai.io").await?;
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&r, "access-control-allow-credentials"), Some("true"));
    let ctx = start_faulty(CorsNoVary).await?;
    assert!(header(&preflight(&ctx, "https://kimmyai.io").await?, "vary").is_none());
    let ctx = start_faulty(CorsMissingHeader).await?;
    let r = preflight(&ctx, "https://kimmyai.io").await?;
    assert!(
        !header(&r, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase()
            .contains("x-tenant-id")
    );
    let ctx = start_faulty(CorsNoAcaoOnActual).await?;
    let r = ctx
        .get("/sites/test-tenant/templates")
        .header("Origin", "https://kimmyai.io")
        .send()
        .await?;
    assert!(header(&r, "access-control-allow-origin").is_none());
    assert!(
        header(
            &preflight(&ctx, "https://kimmyai.io").await?,
            "access-control-allow-origin"
        )
        .is_some()
    );
    Ok(())
}

/// The default origin patterns, without a server.
#[test]
fn default_patterns() {
    let p = CorsConfig::default().allowed_origins;
    for ok in [
        "https://kimmyai.io",
        "https://app.kimmyai.io",
        "https://a.b.kimmyai.io",
        "http://localhost:3000",
        "http://localhost:5173",
    ] {
        assert!(allowed(&p, ok), "{ok}");
    }
    for bad in [
        "https://evil.example",
        "http://kimmyai.io",
        "https://kimmyai.io.evil.example",
        "https://evilkimmyai.io",
        "https://.kimmyai.io",
        "http://localhost",
        "http://localhost:",
        "http://localhost:80x",
        "https://localhost:3000",
        "null",
    ] {
        assert!(!allowed(&p, bad), "{bad}");
    }
}
