//! The streaming suite (seed worker 2): the Server-Sent Events of `generatePage` — format,
//! progress, chunk delivery, the `complete` event, the `error` event for an empty prompt,
//! and time to first / last token. Each check runs its own generation.

use sb_runtime::{Ctx, Failure, Outcome, Target};
use sb_spec::Slo;
use serde_json::json;
use sitebuilder_contract::generation::types as gt;
use sitebuilder_contract::specs;

use crate::api::{Api, ensure, typed};
use crate::budget::Key;
use crate::contract;
use crate::stream::{self, Recorded, rule};

const SIMPLE_PROMPT: &str = "Create a simple landing page";
const COMPREHENSIVE_PROMPT: &str =
    "Create a comprehensive landing page with hero, features, testimonials";

async fn generate(target: &Target, prompt: &str) -> Result<(Api, Recorded), Failure> {
    let api = Api::new(target)?;
    let limits = stream::limits(&api)?;
    let recorded = stream::generate(&api, &stream::page_request(prompt)?, limits).await?;
    Ok((api, recorded))
}

/// The rule `format` on `recorded` (`sb_rules::format`: every line an SSE field, an event,
/// each event JSON of a documented type valid against its schema), in the rules' words.
fn format(target: &Target, recorded: &Recorded) -> Outcome {
    let ctx = Ctx::new(
        target,
        &contract::op(specs::GENERATION, contract::GENERATE_PAGE),
    )?;
    sb_runtime::context::judged(&sb_rules::format(&ctx.spec, &recorded.judged))
}

/// SSE format: the success response as the stream's media type, every line an SSE field and
/// every event JSON of a documented type, valid against the spec's event schema (the rule
/// `format`), decoding as the spec's generated type, and a clean end (the rule `ended`).
pub async fn sse_format(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, SIMPLE_PROMPT).await?;
    recorded.is_event_stream()?;
    format(target, &recorded)?;
    recorded.all_typed()?;
    recorded.ended_cleanly()
}

/// Progress events (the rule `progress`: at least one, the first at the spec's `start`,
/// never decreasing), the first event of the stream, every event valid against its schema
/// (so progress stays within the schema's range). When the response names its generation
/// (`X-Generation-Id`, optional in the spec), getGeneration read right after the first
/// progress event decodes as the spec's `Generation` with status PENDING or IN_PROGRESS
/// (see [`state_mid_stream`]).
pub async fn progress_events(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let limits = stream::limits(&api)?;
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
    format(target, &recorded)?;
    recorded.all_typed()?;
    rule(recorded.judged.progress())?;
    let semantics = recorded.page().semantics()?;
    let progress = semantics
        .progress
        .as_ref()
        .map(|p| p.event.as_str())
        .unwrap_or_default();
    let first = recorded
        .events()
        .first()
        .ok_or_else(|| Failure::new("the stream holds no event"))?;
    ensure(first.kind.as_deref() == Some(progress), || {
        format!(
            "the first event is not a `{progress}` event: {}",
            first.data
        )
    })?;
    match mid.flatten() {
        Some((id, read)) => state_mid_stream(&recorded, &id, read),
        // The spec names the generation only in the success event: nothing to read mid-stream.
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

/// Chunk delivery: the rules `ended` and `succeeded` (one terminal event, last, the success
/// event, after content, so no content comes after the end), non-empty content pieces that
/// join into an HTML document, and that document is what the generation's state holds.
pub async fn chunk_delivery(target: &Target) -> Outcome {
    let (api, recorded) = generate(target, SIMPLE_PROMPT).await?;
    recorded.ended_cleanly()?;
    recorded.all_typed()?;
    let complete = recorded.expect_complete()?;
    let chunks = recorded.chunks();
    ensure(!chunks.is_empty(), || {
        "no content event was received".into()
    })?;
    ensure(chunks.iter().all(|c| !c.is_empty()), || {
        "a content event has empty content".into()
    })?;
    let html = recorded.html();
    let lower = html.to_ascii_lowercase();
    ensure(
        lower.contains("<html") && lower.trim_end().ends_with("</html>"),
        || {
            format!(
                "the {} content events do not join into an HTML document: {}",
                chunks.len(),
                sb_runtime::request::preview(html.as_bytes())
            )
        },
    )?;
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
            "getGeneration's html ({} bytes) differs from the {} streamed content events ({} bytes)",
            saved.html.as_deref().map_or(0, str::len),
            chunks.len(),
            html.len()
        )
    })
}

/// The success event: the rules `ended` and `succeeded` (exactly one terminal event, last,
/// the spec's success event, after content), decoding as the spec's `CompleteEvent` with
/// `siteId` the generation id (for a new site) and `brandScore` within 0..=10.
pub async fn complete_event(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, SIMPLE_PROMPT).await?;
    let complete = recorded.expect_complete()?;
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

/// The error event: an empty prompt (sent raw: the typed client refuses it) is answered with
/// the success response, a stream holding a single error event (the rule `single_error`)
/// that decodes as the spec's `ErrorEvent` with a `code` and a `message`.
pub async fn error_event(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let limits = stream::limits(&api)?;
    let recorded = stream::generate_raw(&api, &json!({ "prompt": "" }), limits).await?;
    recorded.is_event_stream()?;
    recorded.ended_cleanly()?;
    rule(recorded.judged.single_error())?;
    match &recorded.typed[0] {
        Ok(gt::GenerationEvent::ErrorEvent(e)) => {
            ensure(!e.code.is_empty() && !e.message.is_empty(), || {
                "the error event has an empty code or message".into()
            })
        }
        Ok(other) => Err(Failure::new(format!(
            "the error event decoded as another event type: {other:?}"
        ))),
        Err(e) => Err(Failure::new(format!("the error event {e}"))),
    }
}

/// Time to first token: the first content event arrives within generatePage's
/// `firstChunkMs` (the rule `within_budget`).
pub async fn time_to_first_token(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, "Create a landing page").await?;
    let budget = Slo {
        first_chunk_ms: Some(recorded.page().budget(Key::FirstChunkMs)?),
        ..Slo::default()
    };
    rule(recorded.judged.within_budget(&budget))
        .map(drop)
        .map_err(|f| {
            Failure::new(match recorded.judged.ended() {
                Err(end) => format!("time to first token: {} ({end})", f.reason),
                Ok(()) => format!("time to first token: {}", f.reason),
            })
        })
}

/// Time to last token: the stream succeeds and its terminal event arrives within
/// generatePage's `lastChunkMs` (the rule `within_budget`; the read stops at that budget,
/// so a stalled stream fails within it).
pub async fn time_to_last_token(target: &Target) -> Outcome {
    let (_, recorded) = generate(target, COMPREHENSIVE_PROMPT).await?;
    recorded.expect_complete()?;
    let budget = Slo {
        last_chunk_ms: Some(recorded.page().budget(Key::LastChunkMs)?),
        ..Slo::default()
    };
    rule(recorded.judged.within_budget(&budget))
        .map(drop)
        .map_err(|f| Failure::new(format!("time to last token: {}", f.reason)))
}
