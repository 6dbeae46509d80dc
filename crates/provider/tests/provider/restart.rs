//! A file store survives a restart; a generation a crash interrupted is FAILED afterwards.

use std::time::Duration;

use anyhow::Result;
use futures::StreamExt;
use sb_provider::DbLocation;
use serde_json::{Value, json};

use crate::support::{fast_config, generations_with_status, start_with, temp_db};

#[tokio::test]
async fn state_survives_a_restart_and_interrupted_generations_fail() -> Result<()> {
    let db = temp_db("restart");
    let config = || {
        let mut c = fast_config();
        c.db = DbLocation::File(db.clone());
        c
    };

    // First life: a complete generation, a deployment and logos.
    let ctx = start_with(config()).await?;
    let events = ctx
        .generate(&json!({"prompt": "Survive a restart"}))
        .await?;
    let done = events.last().unwrap()["generationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let d: Value = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": done, "environment": "staging"}),
        )
        .send()
        .await?
        .json()
        .await?;
    let deployment = d["deploymentId"].as_str().unwrap().to_owned();
    let logos: Value = ctx
        .post("/agents/logo", &json!({"prompt": "Persistent", "count": 1}))
        .send()
        .await?
        .json()
        .await?;
    let logo_url = logos["results"][0]["url"].as_str().unwrap().to_owned();
    ctx.provider.shutdown().await;

    // Second life: start a slow generation, then crash in the middle of it.
    let mut slow = config();
    slow.pacing.chunk_interval = Duration::from_secs(10);
    let ctx = start_with(slow).await?;
    let r = ctx
        .post(
            "/sites/test-tenant/generation",
            &json!({"prompt": "Interrupted"}),
        )
        .send()
        .await?;
    let mut stream = r.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("\"chunk\"") {
        seen.push_str(std::str::from_utf8(&stream.next().await.unwrap()?)?);
    }
    let interrupted = generations_with_status(&db, "IN_PROGRESS")?;
    assert_eq!(interrupted.len(), 1);
    ctx.provider.kill().await;
    drop(stream);
    assert_eq!(
        generations_with_status(&db, "IN_PROGRESS")?,
        interrupted,
        "a crash writes nothing"
    );

    // Third life: everything is still there and the interrupted generation is FAILED.
    let ctx = start_with(config()).await?;
    let g: Value = ctx
        .get(&format!("/sites/test-tenant/generation/{done}"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(g["status"], "COMPLETE");
    let g: Value = ctx
        .get(&format!("/sites/test-tenant/generation/{}", interrupted[0]))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(g["status"], "FAILED");
    let v: Value = ctx
        .get(&format!("/sites/{done}/versions"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(v["currentVersionId"], "v1");
    let d: Value = ctx
        .get(&format!("/sites/test-tenant/deployments/{deployment}"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(d["siteId"], done.as_str());
    // The logo URL names the old port; the id is what persists.
    let logo_id = logo_url.rsplit('/').next().unwrap();
    assert_eq!(
        ctx.client
            .get(ctx.url(&format!("/agents/logos/{logo_id}")))
            .send()
            .await?
            .status(),
        200
    );
    // Demo data is not duplicated by a second seeding.
    let demo: Value = ctx
        .get("/sites/test-site-id/versions")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(demo["versions"].as_array().unwrap().len(), 1);
    ctx.provider.shutdown().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    Ok(())
}
