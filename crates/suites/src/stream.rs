//! One page generation read as a stream: sent through the typed client (or raw, for a body
//! the typed client refuses), read by the one SSE reader (`sb_stream`), judged by the one
//! stream rule set against generatePage's event stream as the spec declares it, each event
//! also decoded into the spec's generated event types, and never read past the limits the
//! operation's budget gives.

use std::future::Future;
use std::time::{Duration, Instant};

use futures::StreamExt;
use sb_runtime::{Failure, Outcome};
use sb_spec::{EventStream, media_essence};
use sb_stream::{Judged, Rule, SseEvent, SseLimits, SseReader, SseRecording, StreamEnd, rules};
use serde_json::Value;
use sitebuilder_contract::generation::types as gt;

use crate::api::{Api, describe, ensure};
use crate::contract::{self, Page};

/// The response header in which generatePage names its generation before the stream ends.
/// The name is the one generatePage's 200 response documents besides X-Request-Id
/// (openapi/generation-api.yaml); it is read only while the spec documents it there, and
/// it is optional: without it the id is only known at the success event.
pub const GENERATION_ID_HEADER: &str = "X-Generation-Id";

/// How long reading goes on after a terminal event that came before any progress event, to
/// see whether anything (a violation) follows it: as long as `SseReader::record` waits after
/// the terminal events it stops at.
const AFTER_TERMINAL: Duration = Duration::from_millis(300);

/// A generation's stream, read to its terminal event (or a limit) and judged.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The response status.
    pub status: u16,
    /// The response's media type, without parameters.
    pub content_type: Option<String>,
    /// When the request was sent.
    pub sent_at: Instant,
    /// The recording judged against generatePage's event stream: its events (timed from
    /// the send, typed by the contract), how reading ended and the stray lines.
    pub judged: Judged<'static>,
    /// Each event decoded as the spec's generated type, in the order of `judged.events`, or
    /// why it does not decode.
    pub typed: Vec<Result<gt::GenerationEvent, String>>,
    page: &'static Page,
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

/// Limits for reading a generation: generatePage's `lastChunkMs` in all, silent for at most
/// the target's idle limit (the one rule, `sb_stream::rules::limits`).
pub fn limits(api: &Api) -> Result<SseLimits, Failure> {
    Ok(rules::limits(
        &contract::page()?.operation.slo,
        api.sse_idle(),
    ))
}

/// Limits for a read of at most `total` (bounded as every budget-driven read is), silent
/// for at most the target's idle limit.
pub fn limits_within(api: &Api, total: Duration) -> SseLimits {
    SseLimits::new(api.sse_idle(), total.min(rules::MAX_TOTAL))
}

/// A rule's verdict as a suite failure.
pub fn rule<T>(verdict: Rule<T>) -> Result<T, Failure> {
    verdict.map_err(Failure::new)
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

/// How the first part of a stream, up to its first progress event, ended.
enum Head {
    /// At the first progress event (`x-stream` `progress`).
    Progress,
    /// At a terminal event, before any progress event.
    Terminal,
    /// The server closed the stream before either.
    Closed,
    /// Reading failed (stall, deadline, connection, size).
    Broken(StreamEnd),
}

/// Reads events until the first progress event, a terminal event, or the end.
async fn read_head(
    reader: &mut SseReader,
    stream: &EventStream,
    limits: SseLimits,
) -> (Vec<SseEvent>, Head) {
    let progress = stream
        .semantics
        .as_ref()
        .and_then(|s| s.progress.as_ref())
        .map(|p| p.event.as_str());
    let mut head = Vec::new();
    loop {
        match reader.next_event(limits).await {
            Ok(Some(event)) => {
                let kind = serde_json::from_str::<Value>(&event.data)
                    .ok()
                    .and_then(|v| stream.type_of(&v).map(str::to_owned));
                let terminal = rules::is_terminal(stream, &event);
                head.push(event);
                if kind.is_some() && kind.as_deref() == progress {
                    return (head, Head::Progress);
                }
                if terminal {
                    return (head, Head::Terminal);
                }
            }
            Ok(None) => return (head, Head::Closed),
            Err(end) => return (head, Head::Broken(end)),
        }
    }
}

/// [`generate`], pausing once the first progress event has arrived to await `observe` with
/// the generation id the response's [`GENERATION_ID_HEADER`] names (`None` without it, or
/// when the spec does not document it), then recording the rest. The observation is `None`
/// when the stream held no progress event.
pub async fn generate_observing<T, Fut>(
    api: &Api,
    body: &gt::GenerationRequest,
    limits: SseLimits,
    observe: impl FnOnce(Option<String>) -> Fut,
) -> Result<(Recorded, Option<T>), Failure>
where
    Fut: Future<Output = T>,
{
    let page = contract::page()?;
    let tenant: gt::GeneratePageTenantId = api.tenant()?;
    let header: gt::GeneratePageXTenantId = api.tenant()?;
    let sent_at = Instant::now();
    let response = api
        .timed(
            contract::GENERATE_PAGE,
            api.generation.generate_page(&tenant, &header, body),
        )
        .await?
        .map_err(|e| describe(contract::GENERATE_PAGE, e))?;
    let status = response.status().as_u16();
    let content_type = media_type(response.headers());
    let generation_id = page
        .documents_header(GENERATION_ID_HEADER)
        .then(|| response.headers().get(GENERATION_ID_HEADER))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .into_inner()
        .into_inner()
        .map(|item| item.map_err(|e| e.to_string()));
    let mut reader = SseReader::from_stream(Box::pin(bytes), sent_at);
    let is_terminal = |e: &SseEvent| rules::is_terminal(&page.stream, e);
    let (head, ended) = read_head(&mut reader, &page.stream, limits).await;
    let (rest, observation) = match ended {
        Head::Progress => {
            let observation = observe(generation_id).await;
            (reader.record(limits, is_terminal).await, Some(observation))
        }
        Head::Terminal => {
            let after = SseLimits {
                idle: AFTER_TERMINAL.min(limits.idle),
                ..limits
            };
            let mut rest = reader.record(after, |_| false).await;
            rest.end = StreamEnd::Terminal;
            (rest, None)
        }
        // Returns at once, with the stray lines the reader kept.
        Head::Closed => (reader.record(limits, is_terminal).await, None),
        Head::Broken(end) => (
            SseRecording {
                events: Vec::new(),
                end,
                stray_lines: Vec::new(),
            },
            None,
        ),
    };
    let recorded = Recorded::new(page, status, content_type, sent_at, head, rest);
    Ok((recorded, observation))
}

/// Sends a raw JSON `body` to `generatePage` (for bodies the typed client cannot build, such
/// as an empty prompt) on the path, tenant header and media type the spec gives, and records
/// the stream.
pub async fn generate_raw(api: &Api, body: &Value, limits: SseLimits) -> Result<Recorded, Failure> {
    let page = contract::page()?;
    let what = contract::GENERATE_PAGE;
    let url = format!("{}{}", api.base_url(), page.path_for(api.tenant_name())?);
    let method = reqwest::Method::from_bytes(page.operation.method.to_ascii_uppercase().as_bytes())
        .map_err(|e| Failure::new(format!("{what}: method `{}`: {e}", page.operation.method)))?;
    let mut request = api
        .http
        .request(method, &url)
        .header(reqwest::header::ACCEPT, page.stream.media_type.as_str())
        .json(body);
    if let Some(name) = page.tenant_header() {
        request = request.header(name, api.tenant_name());
    }
    let sent_at = Instant::now();
    let response = tokio::time::timeout(api.call_timeout(), request.send())
        .await
        .map_err(|_| {
            Failure::new(format!(
                "{what}: no response head within {} s",
                api.call_timeout().as_secs()
            ))
        })?
        .map_err(|e| Failure::new(format!("{what}: request failed: {e}")))?;
    let status = response.status().as_u16();
    let content_type = media_type(response.headers());
    let recording = SseReader::new(response, sent_at)
        .record(limits, |e| rules::is_terminal(&page.stream, e))
        .await;
    Ok(Recorded::new(
        page,
        status,
        content_type,
        sent_at,
        Vec::new(),
        recording,
    ))
}

fn media_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(media_essence)
}

/// Decodes one event's data as the spec's generated type for its type (the property
/// `stream` names). Each generated event type carries its own one-value type tag, and the
/// tag picks the type, so no event name is written here.
pub fn decode(stream: &EventStream, data: &str) -> Result<gt::GenerationEvent, String> {
    let value: Value =
        serde_json::from_str(data).map_err(|e| format!("data is not JSON ({e}): {data}"))?;
    let kind = stream
        .type_of(&value)
        .ok_or_else(|| format!("no string `{}` field: {data}", stream.property))?
        .to_string();
    let tag = Value::String(kind.clone());
    macro_rules! by_tag {
        ($($tag:ty => $event:ty),+ $(,)?) => {
            $(
                if serde_json::from_value::<$tag>(tag.clone()).is_ok() {
                    serde_json::from_value::<$event>(value).map(gt::GenerationEvent::from)
                } else
            )+ if stream.events.contains_key(&kind) {
                return Err(format!(
                    "the spec documents `{kind}` events, but the generated types have none: {data}"
                ));
            } else {
                return Err(format!(
                    "{} `{kind}` is not one of {}: {data}",
                    stream.property,
                    stream.events.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        };
    }
    let typed = by_tag!(
        gt::ProgressEventType => gt::ProgressEvent,
        gt::ChunkEventType => gt::ChunkEvent,
        gt::CompleteEventType => gt::CompleteEvent,
        gt::ErrorEventType => gt::ErrorEvent,
    );
    typed.map_err(|e| format!("does not decode as a `{kind}` event ({e}): {data}"))
}

impl Recorded {
    /// The events of `head` (read one by one) then of `rest`, judged and decoded.
    // pub for the integration tests (tests/suites/stream.rs)
    #[doc(hidden)]
    pub fn new(
        page: &'static Page,
        status: u16,
        content_type: Option<String>,
        sent_at: Instant,
        mut head: Vec<SseEvent>,
        rest: SseRecording,
    ) -> Recorded {
        head.extend(rest.events);
        let recording = SseRecording {
            events: head,
            end: rest.end,
            stray_lines: rest.stray_lines,
        };
        let judged = Judged::new(&page.stream, recording);
        let typed = judged
            .events
            .iter()
            .map(|e| decode(&page.stream, &e.data))
            .collect();
        Recorded {
            status,
            content_type,
            sent_at,
            judged,
            typed,
            page,
        }
    }

    /// The events, as the contract reads them.
    pub fn events(&self) -> &[sb_stream::Event] {
        &self.judged.events
    }

    /// The operation and stream this recording is judged against.
    pub fn page(&self) -> &'static Page {
        self.page
    }

    /// Fails unless the stream ended cleanly (the rule `ended`: no stall, deadline or broken
    /// connection, and a terminal event when the contract names them).
    pub fn ended_cleanly(&self) -> Outcome {
        rule(self.judged.ended())
    }

    /// Fails unless every event decodes as the spec's generated type for its type.
    pub fn all_typed(&self) -> Outcome {
        for (index, typed) in self.typed.iter().enumerate() {
            if let Err(e) = typed {
                return Err(Failure::new(format!("event {index}: {e}")));
            }
        }
        Ok(())
    }

    /// The typed events, skipping those that do not decode.
    pub fn typed(&self) -> impl Iterator<Item = &gt::GenerationEvent> {
        self.typed.iter().filter_map(|e| e.as_ref().ok())
    }

    /// The content pieces, in order (`x-stream` `content`).
    pub fn chunks(&self) -> Vec<&str> {
        self.judged.content()
    }

    /// The page: the content pieces joined.
    pub fn html(&self) -> String {
        self.chunks().concat()
    }

    /// The success event, decoded, once the rules hold: a clean end, exactly one terminal
    /// event, last, the contract's success event, after content. Otherwise a failure saying
    /// which rule broke.
    pub fn expect_complete(&self) -> Result<&gt::CompleteEvent, Failure> {
        self.ended_cleanly()?;
        rule(self.judged.succeeded())?;
        let index = rule(self.judged.terminal())?;
        match &self.typed[index] {
            Ok(gt::GenerationEvent::CompleteEvent(complete)) => Ok(complete),
            Ok(other) => Err(Failure::new(format!(
                "the success event decoded as another event type: {other:?}"
            ))),
            Err(e) => Err(Failure::new(format!("the success event {e}"))),
        }
    }

    /// The success event, when the stream succeeded.
    pub fn complete(&self) -> Option<&gt::CompleteEvent> {
        self.expect_complete().ok()
    }

    /// When the success event arrived, when the stream succeeded.
    pub fn completed_at(&self) -> Option<Instant> {
        self.complete()?;
        self.judged.timings().last.map(|at| self.sent_at + at)
    }

    /// Time to the first content event, from the send (the rule `timings`).
    pub fn ttft(&self) -> Option<Duration> {
        self.judged.timings().first_content
    }

    /// Time to the terminal event, from the send, when the stream ended cleanly.
    pub fn ttlt(&self) -> Option<Duration> {
        self.judged.ended().ok()?;
        self.judged.timings().last
    }

    /// Fails unless the response is the success response, as the stream's media type.
    pub fn is_event_stream(&self) -> Outcome {
        ensure(self.page.is_success_status(self.status), || {
            format!(
                "{} answered {}, expected {}",
                contract::GENERATE_PAGE,
                self.status,
                self.page.success_status()
            )
        })?;
        let expected = media_essence(&self.page.stream.media_type);
        ensure(
            self.content_type.as_deref() == Some(expected.as_str()),
            || {
                format!(
                    "Content-Type is `{}`, expected {expected}",
                    self.content_type.as_deref().unwrap_or("")
                )
            },
        )
    }
}
