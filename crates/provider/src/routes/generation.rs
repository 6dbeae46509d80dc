//! generatePage (the SSE stream), getGeneration and listTemplates.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{Value, json};
use sitebuilder_contract::generation::types as gt;
use tokio::sync::{mpsc, watch};

use super::{Shared, authorize, json_response, read_json, to_value, visible_to};
use crate::analysis::analyse;
use crate::error::ApiError;
use crate::fault::Fault;
use crate::page::{self, DEFAULT_TEMPLATE, TEMPLATES};
use crate::state::Lifecycle;
use crate::store::{Brand, Completion, GenerationRow};
use crate::validate;

/// A validated generation, ready to run.
struct Job {
    generation_id: String,
    tenant: String,
    site_id: String,
    new_site: bool,
    prompt: String,
    template: &'static page::Template,
    brand: Brand,
}

/// `POST /sites/{tenantId}/generation`.
pub async fn generate_page(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let caller = match authorize(&state, &headers, Some(&tenant)) {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    // From here on, bad input is answered 200 with a single `error` event.
    let value = match read_json(&state, &headers, body).await {
        Ok(value) => value,
        Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => return e.into_response(),
        Err(e) => return single_error(&state, e.code, &e.message),
    };
    let mut value = value;
    if state.fault(Fault::SseNoErrorEvent)
        && let Some(prompt) = value.get_mut("prompt")
        && prompt.as_str().is_some_and(|p| p.trim().is_empty())
    {
        *prompt = Value::String("Untitled page".to_owned());
    }
    if let Err(e) = super::lenient::apply(&state, super::lenient::Request::Generation, &mut value) {
        return single_error(&state, e.code, &e.message);
    }
    let request = match validate::generation_request(&value) {
        Ok(request) => request,
        Err(invalid) => return single_error(&state, "VALIDATION_ERROR", &invalid.0),
    };
    let template_id = request
        .template_id
        .as_deref()
        .map_or(DEFAULT_TEMPLATE, String::as_str);
    let Some(template) = page::template(template_id) else {
        return single_error(
            &state,
            "VALIDATION_ERROR",
            &format!("templateId: unknown template `{template_id}`; see listTemplates"),
        );
    };
    let generation_id = uuid::Uuid::new_v4().to_string();
    let (site_id, new_site) = match request.site_id.as_deref() {
        Some(site_id) => match state.store.site(site_id, visible_to(&state, &caller)) {
            Ok(Some(site)) => (site.id, false),
            Ok(None) if state.fault(Fault::UnknownSiteJson404) => {
                return ApiError::not_found(format!("no site `{}`", site_id.as_str()))
                    .into_response();
            }
            Ok(None) => {
                return single_error(
                    &state,
                    "NOT_FOUND",
                    &format!("siteId: no site `{}` for this tenant", site_id.as_str()),
                );
            }
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => (generation_id.clone(), true),
    };
    let brand = request
        .brand_assets
        .as_ref()
        .map(|b| Brand {
            primary: b.primary_color.as_ref().map(|c| c.to_string()),
            secondary: b.secondary_color.as_ref().map(|c| c.to_string()),
            logo: b.logo.clone(),
        })
        .unwrap_or_default();
    let job = Job {
        generation_id,
        tenant: caller.tenant.clone(),
        site_id,
        new_site,
        prompt: request.prompt.to_string(),
        template,
        brand,
    };
    let row = GenerationRow {
        id: job.generation_id.clone(),
        tenant: job.tenant.clone(),
        site_id: job.site_id.clone(),
        status: "PENDING".to_owned(),
        prompt: job.prompt.clone(),
        template_id: Some(template.id.to_owned()),
        brand_score: None,
        html: None,
        created_at: Utc::now(),
        completed_at: None,
    };
    if let Err(e) = state.store.insert_generation(&row) {
        return ApiError::from(e).into_response();
    }
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let id_header = HeaderValue::from_str(&job.generation_id).ok();
    tokio::spawn(run(state.clone(), job, tx));
    let mut response = stream_response(&state, rx);
    // The spec's optional X-Generation-Id: a client reads getGeneration while the page streams.
    if let Some(id) = id_header {
        response.headers_mut().insert(GENERATION_ID, id);
    }
    response
}

/// The response header naming a streaming generation (`X-Generation-Id` in the spec).
pub const GENERATION_ID: &str = "x-generation-id";

fn stream_response(state: &Shared, rx: mpsc::Receiver<Bytes>) -> Response {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    });
    let mut response = Response::new(Body::from_stream(stream));
    let content_type = if state.fault(Fault::SseWrongContentType) {
        "application/json"
    } else {
        "text/event-stream"
    };
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn frame(event: &Value) -> Bytes {
    Bytes::from(format!("data: {event}\n\n"))
}

fn error_event(code: &str, message: &str) -> Value {
    let event = gt::ErrorEvent {
        code: code
            .parse()
            .unwrap_or_else(|_| "ERROR".parse().expect("non-empty")),
        message: message
            .parse()
            .unwrap_or_else(|_| "generation failed".parse().expect("non-empty")),
        type_: gt::ErrorEventType::Error,
    };
    serde_json::to_value(event)
        .unwrap_or_else(|_| json!({"type": "error", "code": code, "message": message}))
}

/// A 200 stream holding one `error` event: the answer to bad input.
fn single_error(state: &Shared, code: &str, message: &str) -> Response {
    let (tx, rx) = mpsc::channel(1);
    // The channel has room for the one event, so this cannot fail.
    let _ = tx.try_send(frame(&error_event(code, message)));
    drop(tx);
    stream_response(state, rx)
}

fn progress(progress: i64, stage: &str, message: &str) -> Value {
    let event = gt::ProgressEvent {
        message: message.to_owned(),
        progress,
        stage: stage
            .parse()
            .unwrap_or_else(|_| "working".parse().expect("non-empty")),
        type_: gt::ProgressEventType::Progress,
    };
    serde_json::to_value(event).unwrap_or(Value::Null)
}

fn chunk(content: &str) -> Value {
    match content.parse::<gt::ChunkEventContent>() {
        Ok(content) => serde_json::to_value(gt::ChunkEvent {
            content,
            type_: gt::ChunkEventType::Chunk,
        })
        .unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

/// Why a running generation stopped early.
enum Stop {
    /// The client went away.
    Disconnected,
    /// The provider is shutting down gracefully.
    ShuttingDown,
    /// Simulated crash: write nothing more.
    Crashed,
}

struct Sender {
    tx: mpsc::Sender<Bytes>,
    lifecycle: watch::Receiver<Lifecycle>,
}

impl Sender {
    fn stopped(&self) -> Option<Stop> {
        match *self.lifecycle.borrow() {
            Lifecycle::Running => None,
            Lifecycle::Stopping => Some(Stop::ShuttingDown),
            Lifecycle::Crashed => Some(Stop::Crashed),
        }
    }

    async fn send_raw(&mut self, bytes: Bytes) -> Result<(), Stop> {
        if let Some(stop) = self.stopped() {
            return Err(stop);
        }
        tokio::select! {
            sent = self.tx.send(bytes) => sent.map_err(|_| Stop::Disconnected),
            _ = self.lifecycle.changed() => Err(self.stopped().unwrap_or(Stop::ShuttingDown)),
        }
    }

    async fn send(&mut self, event: &Value) -> Result<(), Stop> {
        self.send_raw(frame(event)).await
    }

    async fn pause(&mut self, d: Duration) -> Result<(), Stop> {
        if d.is_zero() {
            return self.stopped().map_or(Ok(()), Err);
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => Ok(()),
            _ = self.tx.closed() => Err(Stop::Disconnected),
            _ = self.lifecycle.changed() => Err(self.stopped().unwrap_or(Stop::ShuttingDown)),
        }
    }
}

async fn run(state: Shared, job: Job, tx: mpsc::Sender<Bytes>) {
    let mut sender = Sender {
        tx,
        lifecycle: state.lifecycle.clone(),
    };
    // Under the fault, each generation waits for the one before it to finish streaming.
    let serial = if state.fault(Fault::SerialisedGenerations) {
        Some(state.serial.lock().await)
    } else {
        None
    };
    let outcome = stream(&state, &job, &mut sender).await;
    drop(serial);
    let mark_failed = |why: &str| {
        tracing::info!(generation = %job.generation_id, why, "generation failed");
        if let Err(e) = state
            .store
            .set_generation_status(&job.generation_id, "FAILED")
        {
            tracing::error!(generation = %job.generation_id, error = %e, "could not mark the generation FAILED");
        }
    };
    match outcome {
        Ok(()) => {}
        Err(Stop::Crashed) => {}
        Err(Stop::Disconnected) => mark_failed("the client disconnected"),
        Err(Stop::ShuttingDown) => {
            mark_failed("the provider is shutting down");
            let event = error_event(
                "UNAVAILABLE",
                "the provider is shutting down; retry the generation",
            );
            let _ = sender.tx.try_send(frame(&event));
        }
    }
}

async fn stream(state: &Shared, job: &Job, s: &mut Sender) -> Result<(), Stop> {
    let pacing = state.config.pacing;
    let started = Instant::now();
    let first = if state.fault(Fault::SseProgressNotZero) {
        10
    } else {
        0
    };
    s.send(&progress(first, "queued", "generation accepted"))
        .await?;
    state
        .store
        .set_generation_status(&job.generation_id, "IN_PROGRESS")
        .map_err(|e| {
            tracing::error!(error = %e, "could not mark the generation IN_PROGRESS");
            Stop::Disconnected
        })?;
    let include_logo = !state.fault(Fault::LogoNotInPage);
    let chunks = page::render(&job.prompt, job.template, &job.brand, include_logo);
    let html = chunks.concat();
    s.send(&progress(
        5,
        "composing",
        &format!("laying out the {} template", job.template.name),
    ))
    .await?;
    let first_delay = if state.fault(Fault::SseSlowFirstChunk) {
        Duration::from_millis(2500)
    } else {
        pacing.first_chunk_delay
    };
    s.pause(first_delay).await?;
    let n = chunks.len() as i64;
    let mut last_progress = Instant::now();
    let mut reported = 5;
    for (i, content) in chunks.iter().enumerate() {
        if i > 0 {
            s.pause(pacing.chunk_interval).await?;
        }
        if state.fault(Fault::SseStall) && i as i64 == n / 2 {
            // Keep the connection open without sending anything until the client gives up.
            tokio::select! {
                _ = s.tx.closed() => return Err(Stop::Disconnected),
                _ = s.lifecycle.changed() => return Err(s.stopped().unwrap_or(Stop::ShuttingDown)),
            }
        }
        s.send(&chunk(content)).await?;
        if i == 0 && state.fault(Fault::SseInvalidJson) {
            s.send_raw(Bytes::from_static(
                b"data: {\"type\":\"chunk\",\"content\":\n\n",
            ))
            .await?;
        }
        if i == 0 && state.fault(Fault::SseUnknownType) {
            s.send(&json!({"type": "thinking", "message": "considering the layout"}))
                .await?;
        }
        let pct = 10 + 80 * (i as i64 + 1) / n;
        if last_progress.elapsed() >= pacing.progress_interval && pct > reported {
            s.send(&progress(
                pct,
                "writing",
                &format!("wrote section {} of {n}", i + 1),
            ))
            .await?;
            reported = pct;
            last_progress = Instant::now();
        }
    }
    if state.fault(Fault::SseProgressDecreases) {
        s.send(&progress(
            reported.min(50) / 2,
            "writing",
            "rewriting a section",
        ))
        .await?;
    }
    s.send(&progress(
        95,
        "scoring",
        "scoring the page against the brand",
    ))
    .await?;
    let analysis = analyse(&html, &job.brand);
    let stored_html = if state.fault(Fault::StoredHtmlDiffers) {
        format!("{html}\n<!-- stored -->")
    } else {
        html.clone()
    };
    let completion = Completion {
        generation_id: &job.generation_id,
        tenant: &job.tenant,
        site_id: &job.site_id,
        new_site: job.new_site,
        html: &stored_html,
        brand_score: analysis.brand_score,
        brand: &job.brand,
        completed_at: Utc::now(),
        mark_complete: !state.fault(Fault::GenerationNotSaved),
    };
    if let Some(stop) = s.stopped() {
        return Err(stop);
    }
    let version_id = match state.store.complete_generation(&completion) {
        Ok(version_id) => version_id,
        Err(e) => {
            tracing::error!(error = %e, generation = %job.generation_id, "could not store the generation");
            let _ = s
                .send(&error_event(
                    "INTERNAL",
                    "the generation could not be stored",
                ))
                .await;
            return Err(Stop::Disconnected);
        }
    };
    s.send(&progress(100, "complete", "page ready")).await?;
    let complete = gt::CompleteEvent {
        brand_score: analysis.brand_score,
        generation_id: job.generation_id.parse().map_err(|_| Stop::Disconnected)?,
        site_id: job.site_id.parse().map_err(|_| Stop::Disconnected)?,
        type_: gt::CompleteEventType::Complete,
        version_id: version_id.parse().map_err(|_| Stop::Disconnected)?,
    };
    let mut complete = serde_json::to_value(complete).unwrap_or(Value::Null);
    if state.fault(Fault::SseBrandScoreOutOfRange) {
        complete["brandScore"] = json!(12);
    }
    if state.fault(Fault::SseCompleteMissingField)
        && let Some(map) = complete.as_object_mut()
    {
        map.remove("generationId");
    }
    if !state.fault(Fault::SseNoTerminal) {
        s.send(&complete).await?;
    }
    if state.fault(Fault::SseTwoTerminals) {
        s.send(&complete).await?;
    }
    tracing::info!(
        generation = %job.generation_id,
        site = %job.site_id,
        version = %version_id,
        brand_score = analysis.brand_score,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "generation complete"
    );
    Ok(())
}

/// `GET /sites/{tenantId}/generation/{generationId}`.
pub async fn get_generation(
    State(state): State<Shared>,
    Path((tenant, generation_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, Some(&tenant))?;
    let row = state
        .store
        .generation(&generation_id, visible_to(&state, &caller))?
        // The fault hides every generation but the demo ones (`gen-...`).
        .filter(|_| !state.fault(Fault::GenerationNotFound) || generation_id.starts_with("gen-"))
        .ok_or_else(|| {
            ApiError::not_found(format!("no generation `{generation_id}` for this tenant"))
        })?;
    let status: gt::GenerationStatus = row.status.parse().map_err(ApiError::internal)?;
    let streaming = matches!(
        status,
        gt::GenerationStatus::Pending | gt::GenerationStatus::InProgress
    );
    let body = gt::Generation {
        brand_score: row.brand_score,
        completed_at: row.completed_at,
        created_at: row.created_at,
        generation_id: row.id.parse().map_err(ApiError::internal)?,
        html: row.html,
        prompt: row.prompt,
        site_id: row.site_id.parse().map_err(ApiError::internal)?,
        status,
        template_id: row.template_id,
    };
    let mut body = to_value(&body)?;
    if state.fault(Fault::RenamedField)
        && let Some(map) = body.as_object_mut()
        && let Some(status) = map.remove("status")
    {
        map.insert("state".to_owned(), status);
    }
    if streaming && state.fault(Fault::GenerationStateInvalidMidStream) {
        body["status"] = json!("RUNNING");
    }
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /sites/{tenantId}/templates`.
pub async fn list_templates(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Some(&tenant))?;
    let templates = TEMPLATES
        .iter()
        .map(|t| {
            Ok(gt::Template {
                category: t.category.parse().map_err(ApiError::internal)?,
                description: t.description.to_owned(),
                name: t.name.parse().map_err(ApiError::internal)?,
                template_id: t.id.parse().map_err(ApiError::internal)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let mut body = to_value(&gt::TemplateList { templates })?;
    if state.fault(Fault::WrongFieldType) {
        let list = body["templates"].take();
        let by_id: serde_json::Map<String, Value> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| (t["templateId"].as_str().unwrap_or("").to_owned(), t.clone()))
            .collect();
        body["templates"] = Value::Object(by_id);
    }
    Ok(json_response(StatusCode::OK, &body))
}
