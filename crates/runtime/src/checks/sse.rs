//! Family 6: the Server-Sent Events stream. Content-Type, every `data:` line JSON valid
//! against the event schema with a documented `type`, progress starting at 0 and never
//! decreasing, exactly one terminal event and last, the `error` event for invalid input,
//! and time to first chunk / last event within the operation's `x-slo`.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::context::Ctx;
use crate::outcome::{Failure, Outcome, ensure, fail};
use crate::request::{self, RawResponse, RequestPlan};
use crate::sse::{SseLimits, SseReader, SseRecording, StreamEnd};

pub use crate::sse::TERMINAL_TYPES;

/// Sends the request and returns the response head (empty body) and a reader on its body.
pub async fn open(ctx: &Ctx<'_>, plan: &RequestPlan) -> Result<(RawResponse, SseReader), Failure> {
    let client = ctx
        .target
        .streaming_http()
        .map_err(|e| fail(e.to_string()))?;
    let mut plan = plan.clone();
    plan.headers
        .push(("Accept".into(), "text/event-stream".into()));
    let request = request::build(ctx, &client, &plan)?;
    let started = Instant::now();
    let response = client
        .execute(request)
        .await
        .map_err(|e| fail(format!("{}: request failed: {e}", ctx.op.id)))?;
    let head = RawResponse {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: Default::default(),
        elapsed: started.elapsed(),
    };
    if !(200..300).contains(&head.status) {
        let body = response.bytes().await.unwrap_or_default();
        return Err(fail(format!(
            "expected a stream, got status {}: {}",
            head.status,
            request::preview(&body)
        )));
    }
    Ok((head, SseReader::new(response, started)))
}

/// A stream read to its end, with each event's JSON.
pub struct Stream {
    pub head: RawResponse,
    pub recording: SseRecording,
    /// `(type, json)` of each event whose data is JSON.
    pub events: Vec<(String, Value)>,
}

/// The limits from the operation's `x-slo` (60 s to the last event by default).
pub fn limits(ctx: &Ctx<'_>) -> SseLimits {
    let total = Duration::from_millis(ctx.op.slo.last_chunk_ms.unwrap_or(60_000));
    let idle = Duration::from_secs(ctx.target.options().sse_idle_secs);
    SseLimits {
        idle: total.min(idle),
        total,
    }
}

/// Opens and records a whole stream, stopping at a terminal event.
pub async fn record(ctx: &Ctx<'_>, plan: &RequestPlan) -> Result<Stream, Failure> {
    let (head, reader) = open(ctx, plan).await?;
    let recording = reader.record(limits(ctx), crate::sse::is_terminal).await;
    let events = recording
        .events
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(&e.data).ok())
        .map(|v| {
            (
                v.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                v,
            )
        })
        .collect();
    Ok(Stream {
        head,
        recording,
        events,
    })
}

fn ended_cleanly(stream: &Stream) -> Outcome {
    match &stream.recording.end {
        StreamEnd::Closed | StreamEnd::Terminal => Ok(()),
        StreamEnd::Stalled { after } => Err(fail(format!(
            "the stream stalled: no event for a while after {:.1} s and {} events",
            after.as_secs_f64(),
            stream.recording.events.len()
        ))),
        StreamEnd::Deadline { after } => Err(fail(format!(
            "the stream did not finish within its budget ({:.1} s, {} events)",
            after.as_secs_f64(),
            stream.recording.events.len()
        ))),
        StreamEnd::Error(e) => Err(fail(format!("the stream broke: {e}"))),
    }
}

/// The event types the spec documents (discriminator mapping, or each variant's `type` enum).
pub fn documented_types(ctx: &Ctx<'_>) -> BTreeSet<String> {
    let mut types = BTreeSet::new();
    let Some(schema) = ctx.op.sse_event_schema() else {
        return types;
    };
    let Ok(schema) = ctx.spec.resolve(schema, "") else {
        return types;
    };
    if let Some(mapping) = schema
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
    {
        types.extend(mapping.keys().cloned());
    }
    for variant in schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Ok(variant) = ctx.spec.resolve(variant, "") {
            let values = variant
                .pointer("/properties/type/enum")
                .and_then(Value::as_array);
            types.extend(
                values
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(String::from)),
            );
        }
    }
    types
}

/// Content-Type, then every event is JSON, valid, of a documented type; no stray lines.
pub async fn stream_format(ctx: &Ctx<'_>) -> Outcome {
    let stream = record(ctx, &RequestPlan::default()).await?;
    check_format(ctx, &stream)?;
    ended_cleanly(&stream)
}

fn check_format(ctx: &Ctx<'_>, stream: &Stream) -> Outcome {
    ensure(
        stream.head.media_type().as_deref() == Some("text/event-stream"),
        || {
            format!(
                "Content-Type is `{}`, expected text/event-stream",
                stream.head.header("content-type").unwrap_or("")
            )
        },
    )?;
    ctx.conforms(&stream.head)?;
    if let Some(line) = stream.recording.stray_lines.first() {
        return Err(fail(format!("a line that is not an SSE field: `{line}`")));
    }
    ensure(!stream.recording.events.is_empty(), || {
        "the stream holds no event".into()
    })?;
    let schema = ctx
        .op
        .sse_event_schema()
        .ok_or_else(|| fail("no event schema for the stream"))?
        .clone();
    let types = documented_types(ctx);
    for (index, event) in stream.recording.events.iter().enumerate() {
        let value: Value = serde_json::from_str(&event.data).map_err(|e| {
            fail(format!(
                "event {index}: data is not JSON ({e}): {}",
                event.data
            ))
        })?;
        ctx.validate(&schema, &value, &format!("event {index}"))?;
        let kind = value.get("type").and_then(Value::as_str).unwrap_or("");
        ensure(types.is_empty() || types.contains(kind), || {
            format!("event {index}: type `{kind}` is not documented ({types:?})")
        })?;
    }
    Ok(())
}

/// Progress events exist, the first is 0, and progress never decreases.
pub async fn progress(ctx: &Ctx<'_>) -> Outcome {
    let stream = record(ctx, &RequestPlan::default()).await?;
    ended_cleanly(&stream)?;
    let values: Vec<i64> = stream
        .events
        .iter()
        .filter(|(t, _)| t == "progress")
        .map(|(_, v)| v.get("progress").and_then(Value::as_i64).unwrap_or(-1))
        .collect();
    ensure(!values.is_empty(), || "no progress event".into())?;
    ensure(values[0] == 0, || {
        format!("the first progress is {}, not 0", values[0])
    })?;
    for pair in values.windows(2) {
        ensure(pair[1] >= pair[0], || {
            format!("progress decreased from {} to {}", pair[0], pair[1])
        })?;
    }
    ensure(values.iter().all(|v| (0..=100).contains(v)), || {
        format!("progress outside 0..100: {values:?}")
    })
}

/// Exactly one terminal event, last, and for a valid request a `complete` whose fields are
/// present and in range, after at least one chunk.
pub async fn terminal(ctx: &Ctx<'_>) -> Outcome {
    let stream = record(ctx, &RequestPlan::default()).await?;
    ended_cleanly(&stream)?;
    ensure(stream.events.len() == stream.recording.events.len(), || {
        "an event's data is not JSON".into()
    })?;
    let terminals: Vec<usize> = stream
        .events
        .iter()
        .enumerate()
        .filter(|(_, (t, _))| TERMINAL_TYPES.contains(&t.as_str()))
        .map(|(i, _)| i)
        .collect();
    ensure(terminals.len() == 1, || {
        format!("{} terminal events (expected exactly one)", terminals.len())
    })?;
    ensure(terminals[0] + 1 == stream.events.len(), || {
        format!(
            "the terminal event is event {} of {}, not the last",
            terminals[0] + 1,
            stream.events.len()
        )
    })?;
    let (kind, last) = &stream.events[terminals[0]];
    ensure(kind == "complete", || {
        format!("a valid request ended with `{kind}`: {last}")
    })?;
    ensure(stream.events.iter().any(|(t, _)| t == "chunk"), || {
        "no chunk before complete".into()
    })?;
    let schema = complete_schema(ctx).ok_or_else(|| fail("no `complete` event schema"))?;
    ctx.validate(&schema, last, "the complete event")
}

fn complete_schema(ctx: &Ctx<'_>) -> Option<Value> {
    let schema = ctx.spec.resolve(ctx.op.sse_event_schema()?, "").ok()?;
    schema
        .pointer("/discriminator/mapping/complete")
        .and_then(Value::as_str)
        .map(|r| serde_json::json!({ "$ref": r }))
}

/// Invalid input (each bound of the body broken, each required field missing: an empty
/// prompt among them) yields one `error` event.
pub async fn error_event(ctx: &Ctx<'_>) -> Outcome {
    let mutations: Vec<_> = [
        crate::plan::Check::ErrorOutOfRange,
        crate::plan::Check::ErrorMissingRequired,
    ]
    .into_iter()
    .flat_map(|check| crate::negative::body_mutations(&ctx.spec, &ctx.op, check))
    .collect();
    if mutations.is_empty() {
        return Err(fail("cannot make an invalid body from the spec"));
    }
    for mutation in mutations {
        let plan = RequestPlan {
            body: request::Body::Json(mutation.body),
            ..RequestPlan::default()
        };
        expect_single_error(ctx, &plan)
            .await
            .map_err(|e| fail(format!("{}: {}", mutation.description, e.reason)))?;
    }
    Ok(())
}

/// A stream holding exactly one event, an `error` with `code` and `message`, valid.
pub async fn expect_single_error(ctx: &Ctx<'_>, plan: &RequestPlan) -> Outcome {
    let stream = record(ctx, plan).await?;
    check_format(ctx, &stream)?;
    ended_cleanly(&stream)?;
    let kinds: Vec<&str> = stream.events.iter().map(|(t, _)| t.as_str()).collect();
    ensure(kinds == ["error"], || {
        format!("expected a single `error` event, got {kinds:?}")
    })?;
    let error = &stream.events[0].1;
    for field in ["code", "message"] {
        ensure(
            error
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty()),
            || format!("the error event has no `{field}`: {error}"),
        )?;
    }
    Ok(())
}

/// Time to first chunk and to the terminal event within `x-slo`.
pub async fn budget(ctx: &Ctx<'_>) -> Outcome {
    let stream = record(ctx, &RequestPlan::default()).await?;
    ended_cleanly(&stream)?;
    let timings = timings(&stream);
    let ms = |d: Option<Duration>| {
        d.map(|d| format!("{} ms", d.as_millis()))
            .unwrap_or("none".into())
    };
    crate::record::note(
        &ctx.op.id,
        crate::plan::Check::SseBudget,
        format!(
            "time to first chunk {}, to last event {} ({} events)",
            ms(timings.first_chunk),
            ms(timings.last),
            stream.events.len()
        ),
    );
    if let Some(budget) = ctx.op.slo.first_chunk_ms {
        let first = timings
            .first_chunk
            .ok_or_else(|| fail("no chunk event arrived"))?;
        ensure(first.as_millis() as u64 <= budget, || {
            format!(
                "time to first chunk {} ms exceeds {budget} ms",
                first.as_millis()
            )
        })?;
    }
    if let Some(budget) = ctx.op.slo.last_chunk_ms {
        let last = timings.last.ok_or_else(|| fail("no event arrived"))?;
        ensure(last.as_millis() as u64 <= budget, || {
            format!(
                "time to last event {} ms exceeds {budget} ms",
                last.as_millis()
            )
        })?;
    }
    Ok(())
}

/// Time to the first `chunk` and to the last event, from the send time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub first_chunk: Option<Duration>,
    pub last: Option<Duration>,
}

/// The timings of a recorded stream.
pub fn timings(stream: &Stream) -> Timings {
    let first_chunk = stream
        .recording
        .events
        .iter()
        .zip(&stream.events)
        .find(|(_, (t, _))| t == "chunk")
        .map(|(e, _)| e.at);
    Timings {
        first_chunk,
        last: stream.recording.events.last().map(|e| e.at),
    }
}
