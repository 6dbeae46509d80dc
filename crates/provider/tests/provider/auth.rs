//! Each authentication failure answers 401 with an Error body; RS256 tokens are accepted
//! from a JWKS file (the key pair under tests/fixtures/ is a test-only key). The verifier
//! is also tested alone, without a server.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sb_provider::internals::Verifier;
use sb_provider::{Fault, Faults, JwtConfig, dev_token};
use serde_json::{Value, json};

use crate::support::{Ctx, assert_error, fast_config, start, start_faulty, start_with};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn hs256(secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn alg_none(claims: &Value) -> String {
    format!(
        "{}.{}.",
        b64url(br#"{"alg":"none","typ":"JWT"}"#),
        b64url(claims.to_string().as_bytes())
    )
}

async fn templates_with(ctx: &Ctx, authorization: Option<&str>) -> Result<reqwest::Response> {
    let mut request = ctx
        .client
        .get(ctx.url("/sites/test-tenant/templates"))
        .header("X-Tenant-Id", "test-tenant");
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    Ok(request.send().await?)
}

fn valid_claims() -> Value {
    json!({"sub": "alice", "tenant_id": "test-tenant", "exp": now() + 600})
}

#[tokio::test]
async fn every_bad_token_is_refused_with_401() -> Result<()> {
    let ctx = start().await?;
    let secret = sb_provider::DEV_JWT_SECRET;
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("not bearer", Some(format!("Basic {}", b64url(b"a:b")))),
        ("empty bearer", Some("Bearer ".to_owned())),
        ("malformed", Some("Bearer not.a.jwt".to_owned())),
        ("two parts", Some("Bearer abc.def".to_owned())),
        (
            "expired",
            Some(format!(
                "Bearer {}",
                hs256(
                    secret,
                    &json!({"sub": "a", "tenant_id": "test-tenant", "exp": now() - 3600})
                )
            )),
        ),
        (
            "wrong signature",
            Some(format!(
                "Bearer {}",
                hs256("another-secret", &valid_claims())
            )),
        ),
        (
            "alg none",
            Some(format!("Bearer {}", alg_none(&valid_claims()))),
        ),
        (
            "no tenant_id",
            Some(format!(
                "Bearer {}",
                hs256(secret, &json!({"sub": "a", "exp": now() + 600}))
            )),
        ),
        (
            "no exp",
            Some(format!(
                "Bearer {}",
                hs256(secret, &json!({"sub": "a", "tenant_id": "test-tenant"}))
            )),
        ),
        (
            "no sub",
            Some(format!(
                "Bearer {}",
                hs256(
                    secret,
                    &json!({"tenant_id": "test-tenant", "exp": now() + 600})
                )
            )),
        ),
        (
            "rs256 without jwks",
            Some(format!("Bearer {}", rs256(&valid_claims()))),
        ),
    ];
    for (name, header) in cases {
        let response = templates_with(&ctx, header.as_deref()).await?;
        let body = assert_error(response, 401, "UNAUTHORIZED").await;
        assert!(body.is_ok(), "{name}: {body:?}");
    }
    // A valid token works, and the public logo needs none.
    let ok = templates_with(
        &ctx,
        Some(&format!("Bearer {}", hs256(secret, &valid_claims()))),
    )
    .await?;
    assert_eq!(ok.status(), 200);
    let logo = ctx
        .client
        .get(ctx.url(&format!("/agents/logos/{}", sb_provider::DEMO_LOGO_ID)))
        .send()
        .await?;
    assert_eq!(logo.status(), 200);
    Ok(())
}

#[tokio::test]
async fn auth_comes_before_tenant_and_validation() -> Result<()> {
    let ctx = start().await?;
    // Wrong tenant and invalid body, but no token: 401 first.
    let r = ctx
        .client
        .post(ctx.url("/sites/other-tenant/deployments"))
        .json(&json!({}))
        .send()
        .await?;
    assert_error(r, 401, "UNAUTHORIZED").await?;
    // With a token: 403 before 400.
    let r = ctx
        .post("/sites/other-tenant/deployments", &json!({}))
        .send()
        .await?;
    assert_error(r, 403, "FORBIDDEN").await?;
    // Then 400 before 404.
    let r = ctx
        .post("/sites/test-tenant/deployments", &json!({"siteId": "nope"}))
        .send()
        .await?;
    assert_error(r, 400, "VALIDATION_ERROR").await?;
    let r = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": "nope", "environment": "staging"}),
        )
        .send()
        .await?;
    assert_error(r, 404, "NOT_FOUND").await?;
    Ok(())
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn rs256(claims: &Value) -> String {
    let pem = std::fs::read(fixture("rs256-test-key.pem")).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key-1".to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(&pem).unwrap()).unwrap()
}

#[tokio::test]
async fn rs256_tokens_from_a_jwks_file() -> Result<()> {
    let mut config = fast_config();
    config.jwt.jwks_file = Some(fixture("rs256-test-jwks.json"));
    config.jwt.issuer = Some("https://auth.kimmyai.io".to_owned());
    config.jwt.audience = Some("site-builder".to_owned());
    let ctx = start_with(config).await?;
    let good = json!({"sub": "a", "tenant_id": "test-tenant", "exp": now() + 600, "iss": "https://auth.kimmyai.io", "aud": "site-builder"});
    let r = templates_with(&ctx, Some(&format!("Bearer {}", rs256(&good)))).await?;
    assert_eq!(r.status(), 200);
    for (name, claims) in [
        (
            "wrong issuer",
            json!({"sub": "a", "tenant_id": "test-tenant", "exp": now() + 600, "iss": "https://evil", "aud": "site-builder"}),
        ),
        (
            "wrong audience",
            json!({"sub": "a", "tenant_id": "test-tenant", "exp": now() + 600, "iss": "https://auth.kimmyai.io", "aud": "other"}),
        ),
        (
            "no issuer",
            json!({"sub": "a", "tenant_id": "test-tenant", "exp": now() + 600, "aud": "site-builder"}),
        ),
    ] {
        let r = templates_with(&ctx, Some(&format!("Bearer {}", rs256(&claims)))).await?;
        assert!(assert_error(r, 401, "UNAUTHORIZED").await.is_ok(), "{name}");
    }
    // dev_token carries the configured iss/aud.
    let token = sb_provider::dev_token(&ctx.jwt, "test-tenant", "dev", Duration::from_secs(60));
    assert_eq!(
        templates_with(&ctx, Some(&format!("Bearer {token}")))
            .await?
            .status(),
        200
    );
    Ok(())
}

#[tokio::test]
async fn a_bad_jwks_file_is_a_clear_start_error() -> Result<()> {
    let mut config = fast_config();
    config.jwt.jwks_file = Some(fixture("does-not-exist.json"));
    let err = sb_provider::start(config, "127.0.0.1:0".parse()?)
        .await
        .err()
        .expect("start must fail");
    assert!(err.to_string().contains("does-not-exist.json"), "{err}");
    Ok(())
}

#[tokio::test]
async fn auth_faults_change_behaviour() -> Result<()> {
    let expired = hs256(
        sb_provider::DEV_JWT_SECRET,
        &json!({"sub": "a", "tenant_id": "test-tenant", "exp": now() - 3600}),
    );
    let forged = hs256("another-secret", &valid_claims());
    let unsigned = alg_none(&valid_claims());
    for (fault, header) in [
        (sb_provider::Fault::AcceptMissingToken, None),
        (
            sb_provider::Fault::AcceptExpiredToken,
            Some(format!("Bearer {expired}")),
        ),
        (
            sb_provider::Fault::AcceptBadSignature,
            Some(format!("Bearer {forged}")),
        ),
        (
            sb_provider::Fault::AcceptAlgNone,
            Some(format!("Bearer {unsigned}")),
        ),
    ] {
        let ctx = start_faulty(fault).await?;
        assert_eq!(
            templates_with(&ctx, header.as_deref()).await?.status(),
            200,
            "{fault}"
        );
    }
    let ctx = start_faulty(sb_provider::Fault::AuthErrorNotJson).await?;
    let r = templates_with(&ctx, None).await?;
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["content-type"]
            .to_str()?
            .starts_with("text/plain")
    );
    Ok(())
}

/// A request's headers carrying `token` (for the verifier alone, without a server).
fn headers(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    h
}

#[test]
fn dev_token_round_trips() {
    let jwt = JwtConfig::default();
    let v = Verifier::new(&jwt).unwrap();
    let token = dev_token(&jwt, "test-tenant", "alice", Duration::from_secs(60));
    let caller = v.authenticate(&headers(&token), &Faults::new()).unwrap();
    assert_eq!(caller.tenant, "test-tenant");
    assert_eq!(caller.subject, "alice");
}

#[test]
fn wrong_secret_and_issuer_are_refused() {
    let jwt = JwtConfig::default();
    let other = JwtConfig {
        hs256_secret: "other".into(),
        ..JwtConfig::default()
    };
    let v = Verifier::new(&jwt).unwrap();
    let token = dev_token(&other, "t", "s", Duration::from_secs(60));
    let err = v
        .authenticate(&headers(&token), &Faults::new())
        .unwrap_err();
    assert_eq!(err.status, http::StatusCode::UNAUTHORIZED);
    assert!(err.message.contains("signature"), "{}", err.message);
    let strict = Verifier::new(&JwtConfig {
        issuer: Some("https://issuer.example".into()),
        ..JwtConfig::default()
    })
    .unwrap();
    let token = dev_token(&jwt, "t", "s", Duration::from_secs(60));
    assert!(
        strict
            .authenticate(&headers(&token), &Faults::new())
            .is_err()
    );
    let faults: Faults = [Fault::AcceptBadSignature].into();
    let token = dev_token(&other, "t", "s", Duration::from_secs(60));
    assert!(v.authenticate(&headers(&token), &faults).is_ok());
}
