//! The generation stream: event sequence, error events for bad input, the logo in the page,
//! concurrency, disconnects and default pacing.

use std::time::{Duration, Instant};

use anyhow::Result;
use futures::StreamExt;
use serde_json::{Value, json};

use crate::support::{Ctx, fast_config, start, start_with};

fn assert_sequence(events: &[Value]) {
    assert!(!events.is_empty());
    assert_eq!(events[0]["type"], "progress");
    assert_eq!(events[0]["progress"], 0);
    let mut last = 0;
    for e in events.iter().filter(|e| e["type"] == "progress") {
        let p = e["progress"].as_i64().unwrap();
        assert!(p >= last && p <= 100, "progress went from {last} to {p}");
        assert!(e["stage"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(e["message"].is_string());
        last = p;
    }
    assert!(events.iter().any(|e| e["type"] == "chunk"));
    let terminals: Vec<_> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e["type"] == "complete" || e["type"] == "error")
        .collect();
    assert_eq!(terminals.len(), 1, "{events:?}");
    assert_eq!(
        terminals[0].0,
        events.len() - 1,
        "the terminal event must be last"
    );
    let complete = events.last().unwrap();
    for field in ["generationId", "siteId", "versionId"] {
        assert!(
            complete[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }
    let score = complete["brandScore"].as_f64().unwrap();
    assert!((0.0..=10.0).contains(&score));
}

#[tokio::test]
async fn stream_has_the_documented_shape() -> Result<()> {
    let ctx = start().await?;
    let r = ctx
        .post("/sites/test-tenant/generation", &json!({"prompt": "Create a landing page for summer sale", "templateId": "ecommerce-sale"}))
        .header("Accept", "text/event-stream")
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    assert!(r.headers().contains_key("x-request-id"));
    let events = crate::support::sse_events(r).await?;
    assert_sequence(&events);
    Ok(())
}

async fn single_error(ctx: &Ctx, body: reqwest::RequestBuilder) -> Result<Value> {
    let r = body.send().await?;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let events = crate::support::sse_events(r).await?;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "error");
    assert!(events[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    let _ = ctx;
    Ok(events[0].clone())
}

#[tokio::test]
async fn bad_input_streams_one_error_event() -> Result<()> {
    let ctx = start().await?;
    let path = "/sites/test-tenant/generation";
    let cases = [
        (json!({"prompt": ""}), "VALIDATION_ERROR", "prompt"),
        (json!({}), "VALIDATION_ERROR", "prompt"),
        (json!({"prompt": 42}), "VALIDATION_ERROR", "prompt"),
        (
            json!({"prompt": "x", "brandAssets": {"primaryColor": "red"}}),
            "VALIDATION_ERROR",
            "primaryColor",
        ),
        (
            json!({"prompt": "x", "templateId": "no-such-template"}),
            "VALIDATION_ERROR",
            "templateId",
        ),
        (
            json!({"prompt": "x", "siteId": "no-such-site"}),
            "NOT_FOUND",
            "siteId",
        ),
        (json!(["not", "an", "object"]), "VALIDATION_ERROR", "body"),
    ];
    for (body, code, field) in cases {
        let e = single_error(&ctx, ctx.post(path, &body)).await?;
        assert_eq!(e["code"], code, "{body}");
        assert!(
            e["message"].as_str().unwrap().contains(field),
            "{body}: {e}"
        );
    }
    let raw = ctx
        .authed(reqwest::Method::POST, path)
        .header("Content-Type", "application/json")
        .body("{not json");
    assert_eq!(single_error(&ctx, raw).await?["code"], "BAD_REQUEST");
    let text = ctx
        .authed(reqwest::Method::POST, path)
        .header("Content-Type", "text/plain")
        .body("hello");
    assert_eq!(
        single_error(&ctx, text).await?["code"],
        "UNSUPPORTED_MEDIA_TYPE"
    );
    Ok(())
}

#[tokio::test]
async fn the_chosen_logo_is_in_the_page() -> Result<()> {
    let ctx = start().await?;
    let logos: Value = ctx
        .post(
            "/agents/logo",
            &json!({"prompt": "Tech company logo", "count": 4}),
        )
        .send()
        .await?
        .json()
        .await?;
    let url = logos["results"][0]["url"].as_str().unwrap().to_owned();
    let events = ctx
        .generate(
            &json!({"prompt": "Create tech company landing page", "brandAssets": {"logo": url}}),
        )
        .await?;
    assert_sequence(&events);
    let html: String = events
        .iter()
        .filter(|e| e["type"] == "chunk")
        .map(|e| e["content"].as_str().unwrap())
        .collect();
    assert!(
        html.contains(&format!("<img class=\"logo\" src=\"{url}\"")),
        "{html}"
    );
    let site = events.last().unwrap()["siteId"]
        .as_str()
        .unwrap()
        .to_owned();
    let score: Value = ctx
        .get(&format!("/sites/{site}/brand-score"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(score["breakdown"]["logoPresence"], 10.0);
    Ok(())
}

#[tokio::test]
async fn ten_concurrent_generations_all_complete() -> Result<()> {
    let mut config = fast_config();
    config.pacing.chunk_interval = Duration::from_millis(5);
    let ctx = start_with(config).await?;
    let bodies: Vec<Value> = (0..10)
        .map(|i| json!({"prompt": format!("Concurrent page {i}")}))
        .collect();
    let runs = bodies.iter().map(|body| ctx.generate(body));
    let results = futures::future::join_all(runs).await;
    let mut ids = std::collections::BTreeSet::new();
    for events in results {
        let events = events?;
        assert_sequence(&events);
        ids.insert(
            events.last().unwrap()["generationId"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(ids.len(), 10);
    for id in &ids {
        let g: Value = ctx
            .get(&format!("/sites/test-tenant/generation/{id}"))
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(g["status"], "COMPLETE");
    }
    Ok(())
}

#[tokio::test]
async fn a_disconnect_marks_the_generation_failed() -> Result<()> {
    let db = crate::support::temp_db("disconnect");
    let mut config = fast_config();
    config.pacing.chunk_interval = Duration::from_millis(200);
    config.db = sb_provider::DbLocation::File(db.clone());
    let ctx = start_with(config).await?;
    let r = ctx
        .post(
            "/sites/test-tenant/generation",
            &json!({"prompt": "I will hang up"}),
        )
        .send()
        .await?;
    let mut stream = r.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("\"chunk\"") {
        seen.push_str(std::str::from_utf8(&stream.next().await.unwrap()?)?);
    }
    // The id is only announced at the end, so read it from the store.
    let running = crate::support::generations_with_status(&db, "IN_PROGRESS")?;
    assert_eq!(running.len(), 1, "{running:?}");
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let g: Value = ctx
            .get(&format!("/sites/test-tenant/generation/{}", running[0]))
            .send()
            .await?
            .json()
            .await?;
        if g["status"] == "FAILED" {
            assert!(g["completedAt"].is_string());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the generation was not marked FAILED: {g}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ctx.provider.shutdown().await;
    let _ = std::fs::remove_file(&db);
    Ok(())
}

#[tokio::test]
async fn default_pacing_meets_the_slo() -> Result<()> {
    let ctx = start_with(sb_provider::Config::default()).await?;
    let started = Instant::now();
    let r = ctx
        .post(
            "/sites/test-tenant/generation",
            &json!({"prompt": "Create a landing page"}),
        )
        .send()
        .await?;
    let mut stream = r.bytes_stream();
    let mut text = String::new();
    let mut first_chunk = None;
    while let Some(bytes) = stream.next().await {
        text.push_str(std::str::from_utf8(&bytes?)?);
        if first_chunk.is_none() && text.contains("\"type\":\"chunk\"") {
            first_chunk = Some(started.elapsed());
        }
    }
    let last = started.elapsed();
    let first = first_chunk.expect("a chunk");
    assert!(
        first >= Duration::from_millis(100) && first < Duration::from_millis(1000),
        "first chunk after {first:?}"
    );
    assert!(
        last >= Duration::from_millis(500) && last < Duration::from_secs(3),
        "last event after {last:?}"
    );
    assert_sequence(&crate::support::parse_sse(&text)?);
    Ok(())
}
