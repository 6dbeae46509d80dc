//! A selection of faults really change behaviour (auth, tenancy and CORS faults are
//! covered next to their checks), and every fault has a unique name that round-trips.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::Result;
use reqwest::Method;
use sb_provider::Fault::{self, *};
use serde_json::{Value, json};

use crate::support::{fast_config, start_faulty, start_with};

#[tokio::test]
async fn conformance_faults() -> Result<()> {
    let ctx = start_faulty(MissingRequiredField).await?;
    let v: Value = ctx
        .get("/sites/test-site-id/validate")
        .send()
        .await?
        .json()
        .await?;
    assert!(v.get("brandScore").is_none());
    let ctx = start_faulty(WrongContentType).await?;
    let r = ctx.get("/sites/test-tenant/templates").send().await?;
    assert!(
        r.headers()["content-type"]
            .to_str()?
            .starts_with("text/plain")
    );
    let ctx = start_faulty(OutOfRangeValue).await?;
    let v: Value = ctx
        .get("/sites/test-site-id/brand-score")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(v["brandScore"], 11);
    let ctx = start_faulty(WrongSuccessStatus).await?;
    let r = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": "test-site-id", "environment": "staging"}),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    let ctx = start_faulty(MissingRequestId).await?;
    let r = ctx.get("/sites/test-tenant/templates").send().await?;
    assert!(!r.headers().contains_key("x-request-id"));
    let ctx = start_faulty(WrongFieldType).await?;
    let v: Value = ctx
        .get("/sites/test-tenant/templates")
        .send()
        .await?
        .json()
        .await?;
    assert!(v["templates"].is_object());
    let ctx = start_faulty(RenamedField).await?;
    let v: Value = ctx
        .get("/sites/test-tenant/generation/gen-demo-0001")
        .send()
        .await?
        .json()
        .await?;
    assert!(v.get("status").is_none() && v["state"] == "COMPLETE");
    Ok(())
}

#[tokio::test]
async fn error_faults() -> Result<()> {
    let bad = json!({"prompt": "x", "count": 99});
    let ctx = start_faulty(Validation500).await?;
    assert_eq!(ctx.post("/agents/logo", &bad).send().await?.status(), 500);
    let ctx = start_faulty(UndocumentedStatus).await?;
    assert_eq!(ctx.post("/agents/logo", &bad).send().await?.status(), 302);
    let ctx = start_faulty(ErrorBodyMissingCode).await?;
    let v: Value = ctx.post("/agents/logo", &bad).send().await?.json().await?;
    assert!(v.get("code").is_none() && v.get("message").is_some());
    let ctx = start_faulty(BadJsonAccepted).await?;
    let r = ctx
        .authed(Method::POST, "/agents/logo")
        .header("Content-Type", "application/json")
        .body("nope")
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    let r = ctx
        .authed(Method::POST, "/sites/test-tenant/deployments")
        .header("Content-Type", "application/json")
        .body("nope")
        .send()
        .await?;
    assert_eq!(r.status(), 202);
    let ctx = start_faulty(NotFound200).await?;
    let r = ctx.get("/sites/test-tenant/generation/nope").send().await?;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await?, json!({}));
    let ctx = start_faulty(SlowResponses).await?;
    let started = Instant::now();
    ctx.get("/sites/test-tenant/templates").send().await?;
    assert!(started.elapsed() >= Duration::from_millis(30));
    Ok(())
}

async fn raw_stream(fault: Fault, prompt: &str) -> Result<(String, String)> {
    let ctx = start_faulty(fault).await?;
    let r = ctx
        .post("/sites/test-tenant/generation", &json!({"prompt": prompt}))
        .send()
        .await?;
    let content_type = r.headers()["content-type"].to_str()?.to_owned();
    Ok((content_type, r.text().await?))
}

#[tokio::test]
async fn sse_faults() -> Result<()> {
    let parse = |text: &str| crate::support::parse_sse(text);
    let (_, t) = raw_stream(SseProgressNotZero, "p").await?;
    assert_eq!(parse(&t)?[0]["progress"], 10);
    let (_, t) = raw_stream(SseProgressDecreases, "p").await?;
    let progress: Vec<i64> = parse(&t)?
        .iter()
        .filter(|e| e["type"] == "progress")
        .map(|e| e["progress"].as_i64().unwrap())
        .collect();
    assert!(progress.windows(2).any(|w| w[1] < w[0]), "{progress:?}");
    let (_, t) = raw_stream(SseNoTerminal, "p").await?;
    assert!(parse(&t)?.iter().all(|e| e["type"] != "complete"));
    let (_, t) = raw_stream(SseTwoTerminals, "p").await?;
    assert_eq!(
        parse(&t)?
            .iter()
            .filter(|e| e["type"] == "complete")
            .count(),
        2
    );
    let (_, t) = raw_stream(SseInvalidJson, "p").await?;
    assert!(parse(&t).is_err());
    let (_, t) = raw_stream(SseUnknownType, "p").await?;
    assert!(parse(&t)?.iter().any(|e| e["type"] == "thinking"));
    let (_, t) = raw_stream(SseBrandScoreOutOfRange, "p").await?;
    assert_eq!(parse(&t)?.last().unwrap()["brandScore"], 12);
    let (_, t) = raw_stream(SseCompleteMissingField, "p").await?;
    assert!(parse(&t)?.last().unwrap().get("generationId").is_none());
    let (ct, _) = raw_stream(SseWrongContentType, "p").await?;
    assert_eq!(ct, "application/json");
    let (_, t) = raw_stream(SseNoErrorEvent, "").await?;
    assert_eq!(parse(&t)?.last().unwrap()["type"], "complete");
    let started = Instant::now();
    let (_, t) = raw_stream(SseSlowFirstChunk, "p").await?;
    assert!(started.elapsed() >= Duration::from_millis(2500) && t.contains("chunk"));

    // A stalled stream keeps the connection open: the read times out.
    let ctx = start_faulty(SseStall).await?;
    let r = ctx
        .post("/sites/test-tenant/generation", &json!({"prompt": "p"}))
        .send()
        .await?;
    let read = tokio::time::timeout(Duration::from_millis(500), r.text()).await;
    assert!(read.is_err(), "a stalled stream must not end");
    Ok(())
}

#[tokio::test]
async fn e2e_faults() -> Result<()> {
    let ctx = start_faulty(GenerationNotSaved).await?;
    let events = ctx.generate(&json!({"prompt": "p"})).await?;
    let id = events.last().unwrap()["generationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let g: Value = ctx
        .get(&format!("/sites/test-tenant/generation/{id}"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(g["status"], "IN_PROGRESS");

    let ctx = start_faulty(LogoNotInPage).await?;
    let events = ctx
        .generate(&json!({"prompt": "p", "brandAssets": {"logo": "https://cdn.example/l.svg"}}))
        .await?;
    assert!(!events.iter().any(|e| {
        e["content"]
            .as_str()
            .is_some_and(|c| c.contains("cdn.example/l.svg"))
    }));

    let mut config = fast_config();
    config.faults = [DeploymentStuck].into();
    config.deployment_step = Duration::from_millis(1);
    let ctx = start_with(config).await?;
    let d: Value = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": "test-site-id", "environment": "staging"}),
        )
        .send()
        .await?
        .json()
        .await?;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let d: Value = ctx
        .get(&format!(
            "/sites/test-tenant/deployments/{}",
            d["deploymentId"].as_str().unwrap()
        ))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(d["status"], "PENDING");

    let ctx = start_faulty(DeployIgnoresBrandScore).await?;
    let r = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": "low-score-site", "environment": "staging"}),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 202);

    let ctx = start_faulty(RestoreNoop).await?;
    let events = ctx
        .generate(&json!({"prompt": "p", "siteId": "test-site"}))
        .await?;
    assert_eq!(events.last().unwrap()["versionId"], "v2");
    let v: Value = ctx
        .post("/sites/test-site/versions/v1/restore", &json!({}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(v["currentVersionId"], "v2");

    let ctx = start_faulty(BrandScoreMissingSite).await?;
    let events = ctx.generate(&json!({"prompt": "p"})).await?;
    let site = events.last().unwrap()["siteId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ctx.get(&format!("/sites/{site}/brand-score"))
            .send()
            .await?
            .status(),
        404
    );
    assert_eq!(
        ctx.get("/sites/test-site-id/brand-score")
            .send()
            .await?
            .status(),
        200
    );
    Ok(())
}

#[tokio::test]
async fn deploy_gate_faults() -> Result<()> {
    let body = json!({"siteId": "threshold-site", "environment": "staging"});
    let ctx = start_with(fast_config()).await?;
    let r = ctx
        .post("/sites/test-tenant/deployments", &body)
        .send()
        .await?;
    crate::support::assert_error(r, 422, "BRAND_SCORE_TOO_LOW").await?;
    let ctx = start_faulty(BrandScoreGateRounded).await?;
    let r = ctx
        .post("/sites/test-tenant/deployments", &body)
        .send()
        .await?;
    assert_eq!(r.status(), 202, "a 7.8 rounds to 8 and deploys");
    Ok(())
}

/// A paced generation's id header and its state while it streams.
async fn state_while_streaming(faults: &[Fault]) -> Result<(Value, String, Vec<Value>)> {
    let mut config = fast_config();
    config.faults = faults.iter().copied().collect();
    config.pacing.first_chunk_delay = Duration::from_millis(400);
    let ctx = start_with(config).await?;
    let r = ctx
        .post("/sites/test-tenant/generation", &json!({"prompt": "p"}))
        .send()
        .await?;
    let id = r.headers()["x-generation-id"].to_str()?.to_owned();
    let mid: Value = ctx
        .get(&format!("/sites/test-tenant/generation/{id}"))
        .send()
        .await?
        .json()
        .await?;
    let events = crate::support::sse_events(r).await?;
    Ok((mid, id, events))
}

#[tokio::test]
async fn generation_state_mid_stream_fault() -> Result<()> {
    let (mid, id, events) = state_while_streaming(&[]).await?;
    assert!(
        mid["status"] == "PENDING" || mid["status"] == "IN_PROGRESS",
        "{mid}"
    );
    assert_eq!(events.last().unwrap()["generationId"], id.as_str());
    let (mid, _, _) = state_while_streaming(&[GenerationStateInvalidMidStream]).await?;
    assert_eq!(mid["status"], "RUNNING");
    Ok(())
}

/// Fault names, without a server.
#[test]
fn names_round_trip_and_are_unique() {
    let mut seen = BTreeSet::new();
    for fault in Fault::ALL {
        assert_eq!(fault.name().parse::<Fault>().unwrap(), *fault);
        assert_eq!(fault.to_string(), fault.name());
        assert!(seen.insert(fault.name()), "duplicate name {fault}");
        assert!(!fault.description().is_empty());
    }
}

#[test]
fn unknown_name_lists_known_ones() {
    let err = "no-such-fault".parse::<Fault>().unwrap_err();
    assert!(err.to_string().contains("unknown fault `no-such-fault`"));
    assert!(err.to_string().contains("sse-stall"));
}
