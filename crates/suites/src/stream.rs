//! One page generation read as a stream: sent through the typed client (or raw, for a body
//! the typed client refuses), its events decoded into the spec's event types, timed from
//! the send, and never read past the idle and total limits.

use std::future::Future;
use std::time::{Duration, Instant};

use futures::StreamExt;
use sb_runtime::{Failure, Outcome};
use sb_stream::{SseEvent, SseLimits, SseReader, SseRecording, StreamEnd};
use serde_json::Value;
use sitebuilder_contract::generation::types as gt;

use crate::api::{Api, describe, ensure};

/// Interim: being replaced by the model's x-stream semantics.
pub const TERMINAL_TYPES: [&str; 2] = ["complete", "error"];
fn kind_of(data: &str) -> Option<String> {
    serde_json::from_str::<Value>(data)
        .ok()?
        .get("type")?
        .as_str()
        .map(String::from)
}
fn is_terminal(e: &SseEvent) -> bool {
    kind_of(&e.data).is_some_and(|k| TERMINAL_TYPES.contains(&k.as_str()))
}

/// The response header in which generatePage names its generation before the stream ends
/// (optional in the spec: without it the id is only known at `complete`).
pub const GENERATION_ID_HEADER: &str = "x-generation-id";

/// The event types the spec documents, in its order.
pub const EVENT_TYPES: [&str; 4] = ["progress", "chunk", "complete", "error"];

/// One event of a recorded stream.
#[derive(Debug, Clone)]
pub struct Event {
    /// When it was complete, measured from the request's send time.
    pub at: Duration,
    /// Its `data:` lines.
    pub data: String,
    /// Its JSON `type`, when the data is JSON with a string `type`.
    pub kind: Option<String>,
    /// The event decoded as the spec's type for its `type`, or why it does not decode.
    pub typed: Result<gt::GenerationEvent, String>,
}

/// A generation's stream, read to its terminal event (or a limit).
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The response status.
    pub status: u16,
    /// The response's media type, without parameters.
    pub content_type: Option<String>,
    /// When the request was sent.
    pub sent_at: Instant,
    pub events: Vec<Event>,
    /// Why reading stopped.
    pub end: StreamEnd,
    /// Lines that are not SSE fields.
    pub stray_lines: Vec<String>,
}

/// A request for a new page from `prompt`, as the typed client sends it.
pub fn page_request(prompt: &str) -> Result<gt::GenerationRequest, Failure> {
    Ok(gt::GenerationRequest {
        prompt: crate::api::typed(prompt, "the prompt")?,
        brand_assets: None,
        site_id: None,
        template_id: None,
    })
}

/// Limits for a stream with `total` as its budget and the target's idle limit.
pub fn limits(api: &Api, total: Duration) -> SseLimits {
    SseLimits::new(api.sse_idle(), total)
}

/// Sends `body` through the typed `generatePage` and records the stream.
pub async fn generate(
    api: &Api,
    body: &gt::GenerationRequest,
    limits: SseLimits,
) -> Result<Recorded, Failure> {
    generate_observing(api, body, limits, |_| async {})
        .await
        .map(|(recorded, _)| recorded)
}

/// [`generate`], pausing once the first `progress` event has arrived to await `observe`
/// with the generation id the response's `X-Generation-Id` header names (`None` without
/// it), then recording the rest. The observation is `None` when the stream held no
/// progress event.
pub async fn generate_observing<T, Fut>(
    api: &Api,
    body: &gt::GenerationRequest,
    limits: SseLimits,
    observe: impl FnOnce(Option<String>) -> Fut,
) -> Result<(Recorded, Option<T>), Failure>
where
    Fut: Future<Output = T>,
{
    let tenant: gt::GeneratePageTenantId = api.tenant()?;
    let header: gt::GeneratePageXTenantId = api.tenant()?;
    let sent_at = Instant::now();
    let response = api
        .timed(
            "generatePage",
            api.generation.generate_page(&tenant, &header, body),
        )
        .await?
        .map_err(|e| describe("generatePage", e))?;
    let status = response.status().as_u16();
    let content_type = media_type(response.headers());
    let generation_id = response
        .headers()
        .get(GENERATION_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .into_inner()
        .into_inner()
        .map(|item| item.map_err(|e| e.to_string()));
    let mut reader = SseReader::from_stream(Box::pin(bytes), sent_at);
    let mut head = Vec::new();
    let ended = loop {
        match reader.next_event(limits).await {
            Ok(Some(event)) => {
                let kind = kind_of(&event.data);
                head.push(event);
                match kind.as_deref() {
                    Some("progress") => break None,
                    Some(k) if TERMINAL_TYPES.contains(&k) => break Some(StreamEnd::Terminal),
                    _ => {}
                }
            }
            Ok(None) => break Some(StreamEnd::Closed),
            Err(end) => break Some(end),
        }
    };
    if let Some(end) = ended {
        // No progress event before the stream ended: nothing to observe.
        let rest = SseRecording {
            events: Vec::new(),
            end,
            stray_lines: Vec::new(),
        };
        return Ok((assemble(head, rest, status, content_type, sent_at), None));
    }
    let observation = observe(generation_id).await;
    let rest = reader.record(limits, is_terminal).await;
    Ok((
        assemble(head, rest, status, content_type, sent_at),
        Some(observation),
    ))
}

/// Sends a raw JSON `body` to `generatePage` (for bodies the typed client cannot build,
/// such as an empty prompt) and records the stream.
pub async fn generate_raw(api: &Api, body: &Value, limits: SseLimits) -> Result<Recorded, Failure> {
    let url = format!("{}/sites/{}/generation", api.base_url(), api.tenant_name());
    let sent_at = Instant::now();
    let response = api
        .http
        .post(&url)
        .header("X-Tenant-Id", api.tenant_name())
        .header("Accept", "text/event-stream")
        .json(body)
        .send();
    let response = tokio::time::timeout(api.call_timeout(), response)
        .await
        .map_err(|_| {
            Failure::new(format!(
                "generatePage: no response head within {} s",
                api.call_timeout().as_secs()
            ))
        })?
        .map_err(|e| Failure::new(format!("generatePage: request failed: {e}")))?;
    let status = response.status().as_u16();
    let content_type = media_type(response.headers());
    let reader = SseReader::from_stream(
        Box::pin(
            response
                .bytes_stream()
                .map(|i| i.map_err(|e| e.to_string())),
        ),
        sent_at,
    );
    Ok(record(reader, status, content_type, sent_at, limits).await)
}

async fn record(
    reader: SseReader,
    status: u16,
    content_type: Option<String>,
    sent_at: Instant,
    limits: SseLimits,
) -> Recorded {
    let recording = reader.record(limits, is_terminal).await;
    assemble(Vec::new(), recording, status, content_type, sent_at)
}

/// The events of `head` (read one by one) then of `rest`, decoded.
fn assemble(
    head: Vec<SseEvent>,
    recording: SseRecording,
    status: u16,
    content_type: Option<String>,
    sent_at: Instant,
) -> Recorded {
    let events = head
        .into_iter()
        .chain(recording.events)
        .map(|e| Event {
            at: e.at,
            kind: kind_of(&e.data),
            typed: decode(&e.data),
            data: e.data,
        })
        .collect();
    Recorded {
        status,
        content_type,
        sent_at,
        events,
        end: recording.end,
        stray_lines: recording.stray_lines,
    }
}

fn media_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// Decodes one event's data as the spec's event type named by its `type`.
pub fn decode(data: &str) -> Result<gt::GenerationEvent, String> {
    let value: Value =
        serde_json::from_str(data).map_err(|e| format!("data is not JSON ({e}): {data}"))?;
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no string `type` field: {data}"))?
        .to_string();
    let typed = match kind.as_str() {
        "progress" => serde_json::from_value::<gt::ProgressEvent>(value).map(Into::into),
        "chunk" => serde_json::from_value::<gt::ChunkEvent>(value).map(Into::into),
        "complete" => serde_json::from_value::<gt::CompleteEvent>(value).map(Into::into),
        "error" => serde_json::from_value::<gt::ErrorEvent>(value).map(Into::into),
        other => {
            return Err(format!(
                "type `{other}` is not one of {}: {data}",
                EVENT_TYPES.join(", ")
            ));
        }
    };
    typed.map_err(|e| format!("does not decode as a `{kind}` event ({e}): {data}"))
}

impl Recorded {
    /// Fails unless the stream ended by the server closing it or at a terminal event.
    pub fn ended_cleanly(&self) -> Outcome {
        let events = self.events.len();
        match &self.end {
            StreamEnd::Closed | StreamEnd::Terminal => Ok(()),
            StreamEnd::Stalled { after } => Err(Failure::new(format!(
                "the stream stalled: nothing arrived for a while after {:.1} s and {events} events",
                after.as_secs_f64()
            ))),
            StreamEnd::Deadline { after } => Err(Failure::new(format!(
                "the stream did not finish within its budget ({:.1} s, {events} events)",
                after.as_secs_f64()
            ))),
            StreamEnd::TooLarge { bytes } => {
                Err(Failure::new(format!("the stream exceeded {bytes} bytes")))
            }
            StreamEnd::Error(e) => Err(Failure::new(format!(
                "the stream broke after {events} events: {e}"
            ))),
        }
    }

    /// Fails unless every event decodes as the spec's type for its `type`.
    pub fn all_typed(&self) -> Outcome {
        for (index, event) in self.events.iter().enumerate() {
            if let Err(e) = &event.typed {
                return Err(Failure::new(format!("event {index}: {e}")));
            }
        }
        Ok(())
    }

    /// The typed events, skipping those that do not decode.
    pub fn typed(&self) -> impl Iterator<Item = &gt::GenerationEvent> {
        self.events.iter().filter_map(|e| e.typed.as_ref().ok())
    }

    /// The progress values, in order.
    pub fn progress(&self) -> Vec<i64> {
        self.typed()
            .filter_map(|e| match e {
                gt::GenerationEvent::ProgressEvent(p) => Some(p.progress),
                _ => None,
            })
            .collect()
    }

    /// The chunks' contents, in order.
    pub fn chunks(&self) -> Vec<&str> {
        self.typed()
            .filter_map(|e| match e {
                gt::GenerationEvent::ChunkEvent(c) => Some(c.content.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The page: the chunks joined.
    pub fn html(&self) -> String {
        self.chunks().concat()
    }

    /// Indexes of the terminal events (by their `type`, typed or not).
    pub fn terminals(&self) -> Vec<usize> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.kind
                    .as_deref()
                    .is_some_and(|k| TERMINAL_TYPES.contains(&k))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The `complete` event, when the stream has one that decodes.
    pub fn complete(&self) -> Option<&gt::CompleteEvent> {
        self.typed().find_map(|e| match e {
            gt::GenerationEvent::CompleteEvent(c) => Some(c),
            _ => None,
        })
    }

    /// The `complete` event, or a failure saying how the stream ended instead.
    pub fn expect_complete(&self) -> Result<&gt::CompleteEvent, Failure> {
        self.ended_cleanly()?;
        if let Some(complete) = self.complete() {
            return Ok(complete);
        }
        let last = self
            .events
            .last()
            .map_or_else(|| "no event".to_string(), |e| e.data.clone());
        Err(Failure::new(format!(
            "the stream ended without a valid `complete` event after {} events; last: {last}",
            self.events.len()
        )))
    }

    /// Time to the first `chunk`, from the send.
    pub fn ttft(&self) -> Option<Duration> {
        self.events
            .iter()
            .find(|e| e.kind.as_deref() == Some("chunk"))
            .map(|e| e.at)
    }

    /// Time to the terminal event, from the send.
    pub fn ttlt(&self) -> Option<Duration> {
        self.terminals().first().map(|&i| self.events[i].at)
    }

    /// When the `complete` event arrived.
    pub fn completed_at(&self) -> Option<Instant> {
        self.events
            .iter()
            .find(|e| e.kind.as_deref() == Some("complete"))
            .map(|e| self.sent_at + e.at)
    }

    /// Fails unless the response is a 200 `text/event-stream`.
    pub fn is_event_stream(&self) -> Outcome {
        ensure(self.status == 200, || {
            format!("generatePage answered {}, expected 200", self.status)
        })?;
        ensure(
            self.content_type.as_deref() == Some("text/event-stream"),
            || {
                format!(
                    "Content-Type is `{}`, expected text/event-stream",
                    self.content_type.as_deref().unwrap_or("")
                )
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_documented_type_and_names_the_rest() {
        let progress = decode(r#"{"type":"progress","progress":0,"stage":"queued","message":""}"#);
        assert!(matches!(
            progress,
            Ok(gt::GenerationEvent::ProgressEvent(_))
        ));
        let chunk = decode(r#"{"type":"chunk","content":"<html>"}"#);
        assert!(matches!(chunk, Ok(gt::GenerationEvent::ChunkEvent(_))));
        let error = decode(r#"{"type":"error","code":"X","message":"y"}"#);
        assert!(matches!(error, Ok(gt::GenerationEvent::ErrorEvent(_))));
        let unknown = decode(r#"{"type":"thinking"}"#).unwrap_err();
        assert!(unknown.contains("type `thinking`"), "{unknown}");
        let broken = decode(r#"{"type":"chunk","content":"#).unwrap_err();
        assert!(broken.contains("not JSON"), "{broken}");
        let missing = decode(r#"{"type":"complete","siteId":"s","versionId":"v","brandScore":1}"#)
            .unwrap_err();
        assert!(missing.contains("generationId"), "{missing}");
    }

    #[test]
    fn the_typed_request_refuses_an_empty_prompt() {
        // Why the error-event check sends its body raw.
        assert!(page_request("").is_err());
        assert!(page_request("Create a landing page").is_ok());
    }
}
