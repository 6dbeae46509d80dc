//! Shared helpers: starting a provider, minting tokens, reading SSE streams.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures::StreamExt;
use reqwest::{Client, RequestBuilder, Response};
use sb_provider::{Config, Fault, JwtConfig, Pacing, RunningProvider};
use serde_json::Value;

/// The demo tenant.
pub const TENANT: &str = "test-tenant";

/// A started provider with a client and a token for the demo tenant.
pub struct Ctx {
    pub provider: RunningProvider,
    pub client: Client,
    pub token: String,
    pub jwt: JwtConfig,
}

/// A fast configuration: instant pacing, short deployment steps.
pub fn fast_config() -> Config {
    Config {
        pacing: Pacing::instant(),
        deployment_step: Duration::from_millis(50),
        ..Config::default()
    }
}

pub fn client() -> Client {
    sb_stream::tls::client_builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("a reqwest client builds")
}

pub async fn start_with(config: Config) -> Result<Ctx> {
    let jwt = config.jwt.clone();
    let provider = sb_provider::start(config, "127.0.0.1:0".parse()?).await?;
    let token = sb_provider::dev_token(&jwt, TENANT, "tester", Duration::from_secs(600));
    Ok(Ctx {
        provider,
        client: client(),
        token,
        jwt,
    })
}

pub async fn start() -> Result<Ctx> {
    start_with(fast_config()).await
}

pub async fn start_faulty(fault: Fault) -> Result<Ctx> {
    start_with(Config {
        faults: [fault].into(),
        ..fast_config()
    })
    .await
}

impl Ctx {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.provider.base_url())
    }

    /// A request with the demo tenant's token and header.
    pub fn authed(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("X-Tenant-Id", TENANT)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.authed(reqwest::Method::GET, path)
    }

    pub fn post(&self, path: &str, body: &Value) -> RequestBuilder {
        self.authed(reqwest::Method::POST, path).json(body)
    }

    /// Runs a generation and returns its events.
    pub async fn generate(&self, body: &Value) -> Result<Vec<Value>> {
        let response = self
            .post("/sites/test-tenant/generation", body)
            .send()
            .await?;
        assert_eq!(response.status(), 200);
        sse_events(response).await
    }
}

/// Parses a whole SSE body into its `data:` JSON events.
pub async fn sse_events(response: Response) -> Result<Vec<Value>> {
    let mut buffer = String::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        buffer.push_str(std::str::from_utf8(&chunk.context("reading the stream")?)?);
    }
    parse_sse(&buffer)
}

/// Parses SSE text into events (each event: `data: <json>` then a blank line).
pub fn parse_sse(text: &str) -> Result<Vec<Value>> {
    let mut events = Vec::new();
    for block in text.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let Some(data) = block.strip_prefix("data: ") else {
            bail!("event without `data: `: {block:?}");
        };
        events.push(
            serde_json::from_str(data).with_context(|| format!("event is not JSON: {data:?}"))?,
        );
    }
    Ok(events)
}

/// Asserts the response is an Error body whose requestId equals the X-Request-Id header.
pub async fn assert_error(response: Response, status: u16, code: &str) -> Result<Value> {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let request_id = response
        .headers()
        .get("x-request-id")
        .context("no X-Request-Id")?
        .to_str()?
        .to_owned();
    let content_type = response
        .headers()
        .get("content-type")
        .context("no content type")?
        .to_str()?
        .to_owned();
    assert_eq!(content_type, "application/json");
    let body: Value = response.json().await?;
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body["requestId"], request_id.as_str(), "{body}");
    Ok(body)
}

/// A fresh SQLite file path under the system temp dir.
pub fn temp_db(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "sb-provider-{name}-{}.sqlite",
        uuid::Uuid::new_v4()
    ))
}

/// Ids of the generations with `status`, read straight from a file store.
pub fn generations_with_status(db: &std::path::Path, status: &str) -> Result<Vec<String>> {
    let conn = rusqlite::Connection::open(db)?;
    let mut stmt = conn.prepare("SELECT id FROM generations WHERE status = ?1 ORDER BY id")?;
    let ids = stmt
        .query_map([status], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}
