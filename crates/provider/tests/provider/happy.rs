//! The happy path of every operation of the three specs.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Value, json};

use crate::support::{TENANT, start};

#[tokio::test]
async fn templates_generation_versions_and_restore() -> Result<()> {
    let ctx = start().await?;
    let r = ctx.get("/sites/test-tenant/templates").send().await?;
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    assert_eq!(r.headers()["content-type"], "application/json");
    let templates: Value = r.json().await?;
    let ids: Vec<&str> = templates["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["templateId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"ecommerce-sale"), "{ids:?}");

    // A new site from a generation.
    let events = ctx
        .generate(&json!({"prompt": "Create a landing page for summer sale", "templateId": "ecommerce-sale",
            "brandAssets": {"primaryColor": "#0066CC", "secondaryColor": "#FF6600"}}))
        .await?;
    let complete = events.last().unwrap();
    assert_eq!(complete["type"], "complete");
    let generation_id = complete["generationId"].as_str().unwrap().to_owned();
    assert_eq!(complete["siteId"], generation_id.as_str());
    assert_eq!(complete["versionId"], "v1");
    let html: String = events
        .iter()
        .filter(|e| e["type"] == "chunk")
        .map(|e| e["content"].as_str().unwrap())
        .collect();
    assert!(html.contains("#0066CC"));

    let g: Value = ctx
        .get(&format!("/sites/test-tenant/generation/{generation_id}"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(g["status"], "COMPLETE");
    assert_eq!(g["html"], html.as_str());
    assert_eq!(g["brandScore"], complete["brandScore"]);
    assert!(g["completedAt"].is_string());

    // A second version of the same site becomes current.
    let events = ctx
        .generate(&json!({"prompt": "Make it bolder", "siteId": generation_id}))
        .await?;
    assert_eq!(events.last().unwrap()["versionId"], "v2");
    let versions: Value = ctx
        .get(&format!("/sites/{generation_id}/versions"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(versions["currentVersionId"], "v2");
    assert_eq!(versions["versions"][0]["versionId"], "v2");
    assert_eq!(versions["versions"][0]["current"], true);
    assert_eq!(versions["versions"][1]["versionId"], "v1");
    assert_eq!(versions["versions"][1]["current"], false);

    let v1: Value = ctx
        .get(&format!("/sites/{generation_id}/versions/v1"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(v1["html"], html.as_str());
    assert_eq!(v1["versionNumber"], 1);
    assert_eq!(v1["current"], false);

    let r = ctx
        .post(
            &format!("/sites/{generation_id}/versions/v1/restore"),
            &json!({}),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    let restored: Value = r.json().await?;
    assert_eq!(restored["currentVersionId"], "v1");
    assert_eq!(restored["versions"][1]["current"], true);
    ctx.provider.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn demo_data_matches_the_spec_examples() -> Result<()> {
    let ctx = start().await?;
    let g: Value = ctx
        .get("/sites/test-tenant/generation/gen-demo-0001")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(g["siteId"], "test-site-id");
    assert_eq!(g["status"], "COMPLETE");
    for site in ["test-site-id", "test-site"] {
        let score: Value = ctx
            .get(&format!("/sites/{site}/brand-score"))
            .send()
            .await?
            .json()
            .await?;
        assert!(
            score["brandScore"].as_f64().unwrap() >= 8.0,
            "{site}: {score}"
        );
    }
    let low: Value = ctx
        .get("/sites/low-score-site/brand-score")
        .send()
        .await?
        .json()
        .await?;
    assert!(low["brandScore"].as_f64().unwrap() < 8.0, "{low}");
    let d: Value = ctx
        .get("/sites/test-tenant/deployments/dep-demo-0001")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(d["status"], "SUCCEEDED");
    assert!(d["url"].is_string());
    let r = ctx
        .client
        .get(ctx.url(&format!("/agents/logos/{}", sb_provider::DEMO_LOGO_ID)))
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    Ok(())
}

#[tokio::test]
async fn logos_are_distinct_deterministic_and_public() -> Result<()> {
    let ctx = start().await?;
    let body =
        json!({"prompt": "Modern tech logo", "style": "modern", "colors": ["#0066CC"], "count": 4});
    let a: Value = ctx.post("/agents/logo", &body).send().await?.json().await?;
    let b: Value = ctx.post("/agents/logo", &body).send().await?.json().await?;
    assert_eq!(a, b);
    assert_eq!(a["type"], "logo");
    let results = a["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let ids: std::collections::BTreeSet<&str> =
        results.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4);
    for result in results {
        let url = result["url"].as_str().unwrap();
        assert_eq!(
            url,
            ctx.url(&format!("/agents/logos/{}", result["id"].as_str().unwrap()))
        );
        assert_eq!(result["preview"], format!("{url}?size=preview"));
        // No token needed.
        let r = ctx.client.get(url).send().await?;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/svg+xml");
        assert!(r.text().await?.starts_with("<svg"));
        let p = ctx
            .client
            .get(result["preview"].as_str().unwrap())
            .send()
            .await?;
        assert!(p.text().await?.contains("width=\"64\""));
    }
    let default: Value = ctx
        .post("/agents/logo", &json!({"prompt": "x"}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(default["results"].as_array().unwrap().len(), 4);
    let eight: Value = ctx
        .post("/agents/logo", &json!({"prompt": "x", "count": 8}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(eight["results"].as_array().unwrap().len(), 8);
    Ok(())
}

#[tokio::test]
async fn validation_finds_real_issues() -> Result<()> {
    let ctx = start().await?;
    let good: Value = ctx
        .get("/sites/test-site-id/validate")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(good["siteId"], "test-site-id");
    assert_eq!(good["securityPassed"], true);
    assert!(good["performanceMs"].as_u64().unwrap() > 0);
    let bad: Value = ctx
        .get("/sites/low-score-site/validate")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(bad["securityPassed"], false);
    let codes: Vec<&str> = bad["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    for code in [
        "MISSING_ALT_TEXT",
        "INLINE_SCRIPT",
        "INSECURE_LINK",
        "MISSING_LOGO",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let score: Value = ctx
        .get("/sites/test-site-id/brand-score")
        .send()
        .await?
        .json()
        .await?;
    for part in [
        "colorUsage",
        "logoPresence",
        "accessibility",
        "contentQuality",
    ] {
        let v = score["breakdown"][part].as_f64().unwrap();
        assert!((0.0..=10.0).contains(&v), "{part}: {v}");
    }
    assert_eq!(score["brandScore"], good["brandScore"]);
    Ok(())
}

#[tokio::test]
async fn deployments_advance_and_low_scores_are_refused() -> Result<()> {
    let ctx = start().await?;
    let r = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": "test-site-id", "environment": "staging"}),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 202);
    let d: Value = r.json().await?;
    assert_eq!(d["status"], "PENDING");
    assert!(d.get("url").is_none());
    let id = d["deploymentId"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = vec!["PENDING".to_owned()];
    loop {
        let d: Value = ctx
            .get(&format!("/sites/{TENANT}/deployments/{id}"))
            .send()
            .await?
            .json()
            .await?;
        let status = d["status"].as_str().unwrap().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "SUCCEEDED" {
            assert!(d["url"].as_str().unwrap().starts_with("https://"));
            break;
        }
        assert!(Instant::now() < deadline, "deployment stuck: {seen:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen, ["PENDING", "IN_PROGRESS", "SUCCEEDED"]);

    let r = ctx
        .post(
            "/sites/test-tenant/deployments",
            &json!({"siteId": "low-score-site", "environment": "production"}),
        )
        .send()
        .await?;
    let body = crate::support::assert_error(r, 422, "BRAND_SCORE_TOO_LOW").await?;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("below the deployment threshold 8")
    );
    Ok(())
}
