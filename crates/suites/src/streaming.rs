//! The streaming suite (seed worker 2): the Server-Sent Events of `generatePage` — format,
//! progress, chunk delivery, the `complete` event, the `error` event for an empty prompt,
//! and time to first / last token. Each check runs its own generation.

use std::time::Duration;

use sb_runtime::{Ctx, Failure, Op, Outcome, SpecSource, Target};
use serde_json::json;
use sitebuilder_contract::generation::types as gt;

use crate::api::{Api, ensure, typed};
use crate::stream::{self, Recorded};

/// `openapi/generation-api.yaml`, compiled in for schema validation of the events.
pub const GENERATION_SPEC: SpecSource = SpecSource {
    file: "openapi/generation-api.yaml",
    text: include_str!("../../../openapi/generation-api.yaml"),
};

/// Time to first token budget (seed: TTFT < 2 s; spec: `firstChunkMs`).
pub const TTFT_BUDGET: Duration = Duration::from_secs(2);
/// Time to last token budget (seed: TTLT < 60 s; spec: `lastChunkMs`).
pub const TTLT_BUDGET: Duration = Duration::from_secs(60);

const SIMPLE_PROMPT: &str = "Create a simple landing page";
const COMPREHENSIVE_PROMPT: &str =
    "Create a comprehensive landing page with hero, features, testimonials";

async fn generate(target: &Target, prompt: &str) -> Result<(Api, Recorded), Failure> {
    let api = Api::new(target)?;
    let limits = stream::limits(&api, TTLT_BUDGET);
    let recorded = stream::generate(&api, &stream::page_request(prompt)?, limits).await?;
    Ok((api, recorded))
}

/// SSE format: a 200 `text/event-stream` whose every line is an SSE field and every event
/// a `data:` line of JSON with a documented `type`, valid against the spec's event schema.
pub async fn sse_format(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, SIMPLE_PROMPT).await?;
    recorded.is_event_stream()?;
    if let Some(line) = recorded.stray_lines.first() {
        return Err(Failure::new(format!(
            "a line that is not an SSE field: `{line}`"
        )));
    }
    ensure(!recorded.events.is_empty(), || {
        "the stream holds no event".into()
    })?;
    recorded.all_typed()?;
    let ctx = Ctx::new(
        target,
        &Op {
            spec: GENERATION_SPEC,
            id: "generatePage",
        },
    )?;
    let schema = ctx
        .op
        .sse_event_schema()
        .ok_or_else(|| Failure::new("generatePage documents no event schema"))?
        .clone();
    for (index, event) in recorded.events.iter().enumerate() {
        let value: serde_json::Value = serde_json::from_str(&event.data)
            .map_err(|e| Failure::new(format!("event {index}: data is not JSON ({e})")))?;
        ctx.validate(&schema, &value, &format!("event {index}"))?;
    }
    recorded.ended_cleanly()
}

/// Progress events: at least one, the first event of the stream, starting at 0, never
/// decreasing, within 0..=100. When the response names its generation (`X-Generation-Id`,
/// optional in the spec), getGeneration read right after the first progress event decodes
/// as the spec's `Generation` with status PENDING or IN_PROGRESS (see [`state_mid_stream`]).
pub async fn progress_events(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let limits = stream::limits(&api, TTLT_BUDGET);
    let api = &api;
    let (recorded, mid) = stream::generate_observing(
        api,
        &stream::page_request(SIMPLE_PROMPT)?,
        limits,
        |id| async move {
            match id {
                Some(id) => Some((id.clone(), read_generation(api, &id).await)),
                None => None,
            }
        },
    )
    .await?;
    recorded.ended_cleanly()?;
    recorded.all_typed()?;
    let values = recorded.progress();
    ensure(!values.is_empty(), || {
        "no progress event was received".into()
    })?;
    ensure(
        recorded.events[0].kind.as_deref() == Some("progress"),
        || {
            format!(
                "the first event is not a progress event: {}",
                recorded.events[0].data
            )
        },
    )?;
    ensure(values[0] == 0, || {
        format!("the first progress is {}, not 0", values[0])
    })?;
    for pair in values.windows(2) {
        ensure(pair[1] >= pair[0], || {
            format!(
                "progress decreased from {} to {} ({values:?})",
                pair[0], pair[1]
            )
        })?;
    }
    ensure(values.iter().all(|v| (0..=100).contains(v)), || {
        format!("progress outside 0..=100: {values:?}")
    })?;
    match mid.flatten() {
        Some((id, read)) => state_mid_stream(&recorded, &id, read),
        // The spec names the generation only in `complete`: nothing to read mid-stream.
        None => Ok(()),
    }
}

async fn read_generation(api: &Api, id: &str) -> Result<gt::Generation, Failure> {
    Ok(api
        .call(
            "getGeneration",
            api.generation.get_generation(
                &api.tenant()?,
                &typed(id, "generationId")?,
                &api.tenant()?,
            ),
        )
        .await?
        .into_inner())
}

/// The generation read mid-stream (`read`, of the generation `id` the response header
/// named): a `Generation` of that id, PENDING or IN_PROGRESS. COMPLETE passes only when it
/// already holds the whole streamed page (a provider without pacing may finish before the
/// client reads its first event); FAILED never does. The `complete` event names `id` too.
fn state_mid_stream(
    recorded: &Recorded,
    id: &str,
    read: Result<gt::Generation, Failure>,
) -> Outcome {
    let what = "getGeneration after the first progress event";
    let generation = read.map_err(|e| Failure::new(format!("{what}: {}", e.reason)))?;
    ensure(*generation.generation_id == id, || {
        format!("{what}: asked for {id}, got {}", *generation.generation_id)
    })?;
    match generation.status {
        gt::GenerationStatus::Pending | gt::GenerationStatus::InProgress => {}
        gt::GenerationStatus::Complete => {
            ensure(
                generation.html.as_deref() == Some(recorded.html().as_str()),
                || format!("{what}: COMPLETE while streaming, without the streamed page"),
            )?;
        }
        gt::GenerationStatus::Failed => {
            return Err(Failure::new(format!(
                "{what}: FAILED while the page streams, expected PENDING or IN_PROGRESS"
            )));
        }
    }
    let complete = recorded.expect_complete()?;
    ensure(*complete.generation_id == id, || {
        format!(
            "X-Generation-Id named {id}, the complete event {}",
            *complete.generation_id
        )
    })
}

/// Chunk delivery: non-empty chunks arrive before the terminal event, join into an HTML
/// document, and that document is what the generation's state holds.
pub async fn chunk_delivery(target: &Target) -> Outcome {
    let (api, recorded) = generate(target, SIMPLE_PROMPT).await?;
    recorded.ended_cleanly()?;
    recorded.all_typed()?;
    let chunks = recorded.chunks();
    ensure(!chunks.is_empty(), || "no chunk event was received".into())?;
    ensure(chunks.iter().all(|c| !c.is_empty()), || {
        "a chunk has empty content".into()
    })?;
    let last_chunk = recorded
        .events
        .iter()
        .rposition(|e| e.kind.as_deref() == Some("chunk"))
        .unwrap_or(0);
    let terminal = recorded.terminals().first().copied().unwrap_or(usize::MAX);
    ensure(last_chunk < terminal, || {
        format!("a chunk (event {last_chunk}) arrived after the terminal event {terminal}")
    })?;
    let html = recorded.html();
    let lower = html.to_ascii_lowercase();
    ensure(
        lower.contains("<html") && lower.trim_end().ends_with("</html>"),
        || {
            format!(
                "the {} chunks do not join into an HTML document: {}",
                chunks.len(),
                sb_runtime::request::preview(html.as_bytes())
            )
        },
    )?;
    let complete = recorded.expect_complete()?;
    let saved = api
        .call(
            "getGeneration",
            api.generation.get_generation(
                &api.tenant()?,
                &typed(&complete.generation_id, "generationId")?,
                &api.tenant()?,
            ),
        )
        .await?
        .into_inner();
    ensure(saved.html.as_deref() == Some(html.as_str()), || {
        format!(
            "getGeneration's html ({} bytes) differs from the {} streamed chunks ({} bytes)",
            saved.html.as_deref().map_or(0, str::len),
            chunks.len(),
            html.len()
        )
    })
}

/// The `complete` event: exactly one terminal event, last, a `complete` after at least one
/// chunk, with `generationId`, `siteId` (the generation id, for a new site), `versionId`
/// and `brandScore` within 0..=10.
pub async fn complete_event(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, SIMPLE_PROMPT).await?;
    recorded.ended_cleanly()?;
    let terminals = recorded.terminals();
    ensure(terminals.len() == 1, || {
        format!("{} terminal events, expected exactly one", terminals.len())
    })?;
    ensure(terminals[0] + 1 == recorded.events.len(), || {
        format!(
            "the terminal event is event {} of {}, not the last",
            terminals[0] + 1,
            recorded.events.len()
        )
    })?;
    let last = &recorded.events[terminals[0]];
    ensure(last.kind.as_deref() == Some("complete"), || {
        format!("a valid request ended with: {}", last.data)
    })?;
    let complete: &gt::CompleteEvent = match &last.typed {
        Ok(gt::GenerationEvent::CompleteEvent(c)) => c,
        Ok(other) => {
            return Err(Failure::new(format!(
                "the complete event decoded as {other:?}"
            )));
        }
        Err(e) => return Err(Failure::new(format!("the complete event {e}"))),
    };
    ensure(!recorded.chunks().is_empty(), || {
        "no chunk before complete".into()
    })?;
    let score = complete.brand_score;
    ensure(score.is_finite() && (0.0..=10.0).contains(&score), || {
        format!("the complete event's brandScore {score} is outside 0..=10")
    })?;
    ensure(*complete.site_id == *complete.generation_id, || {
        format!(
            "a generation without siteId created site `{}`, expected the generationId `{}`",
            *complete.site_id, *complete.generation_id
        )
    })
}

/// The `error` event: an empty prompt (sent raw: the typed client refuses it) is answered
/// 200 with a stream holding a single `error` event with `code` and `message`.
pub async fn error_event(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let limits = stream::limits(&api, TTLT_BUDGET);
    let recorded = stream::generate_raw(&api, &json!({ "prompt": "" }), limits).await?;
    recorded.is_event_stream()?;
    recorded.ended_cleanly()?;
    let kinds: Vec<&str> = recorded
        .events
        .iter()
        .map(|e| e.kind.as_deref().unwrap_or("?"))
        .collect();
    ensure(kinds == ["error"], || {
        format!("an empty prompt streamed {kinds:?}, expected a single `error` event")
    })?;
    match &recorded.events[0].typed {
        Ok(gt::GenerationEvent::ErrorEvent(e)) => {
            ensure(!e.code.is_empty() && !e.message.is_empty(), || {
                "the error event has an empty code or message".into()
            })
        }
        Ok(other) => Err(Failure::new(format!(
            "the error event decoded as {other:?}"
        ))),
        Err(e) => Err(Failure::new(format!("the error event {e}"))),
    }
}

/// Time to first token: the first `chunk` arrives within 2 s of the send.
pub async fn time_to_first_token(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, "Create a landing page").await?;
    let ttft = recorded.ttft().ok_or_else(|| {
        Failure::new(match recorded.ended_cleanly() {
            Err(e) => format!("no chunk arrived: {e}"),
            Ok(()) => "the stream ended without a chunk".to_string(),
        })
    })?;
    ensure(ttft < TTFT_BUDGET, || {
        format!(
            "time to first token {:.3} s exceeds {} s",
            ttft.as_secs_f64(),
            TTFT_BUDGET.as_secs()
        )
    })
}

/// Time to last token: the terminal event arrives within 60 s of the send (the read stops
/// at the budget, so a stalled stream fails within it).
pub async fn time_to_last_token(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, COMPREHENSIVE_PROMPT).await?;
    recorded.ended_cleanly()?;
    recorded.expect_complete()?;
    let ttlt = recorded
        .ttlt()
        .ok_or_else(|| Failure::new("the stream has no terminal event"))?;
    ensure(ttlt < TTLT_BUDGET, || {
        format!(
            "time to last token {:.3} s exceeds {} s",
            ttlt.as_secs_f64(),
            TTLT_BUDGET.as_secs()
        )
    })
}
