//! Family 6: the Server-Sent Events stream, judged by the one rule set against the
//! operation's stream contract (`x-stream`) and budget (`x-slo`): Content-Type, every event
//! JSON of a documented type valid against its schema (`sb_rules::format`, as the proxy
//! judges each event it forwards), progress, exactly one terminal event and last, the error
//! event for invalid input (`sb_stream::Judged`, reported as `sb_rules::StreamRule`
//! findings), and the time budgets.

use std::time::Instant;

use futures::StreamExt;
use sb_rules::StreamRule;
use sb_spec::EventStream;
use sb_stream::{Judged, Rule, SseLimits, SseReader};

use crate::cause::{Cause, Phase};
use crate::context::{Ctx, judged};
use crate::outcome::{Failure, Measurement, Outcome, Verdict, ensure, fail};
use crate::request::{self, RawResponse, RequestPlan};

/// Sends the request and returns the response head (empty body) and a reader on its body.
pub async fn open(ctx: &Ctx<'_>, plan: &RequestPlan) -> Result<(RawResponse, SseReader), Failure> {
    open_with(ctx, &streaming_client(ctx)?, plan).await
}

/// The client streams are read with (no total timeout; [`open`] makes one per stream).
pub fn streaming_client(ctx: &Ctx<'_>) -> Result<reqwest::Client, Failure> {
    ctx.target.streaming_http().map_err(|e| fail(e.to_string()))
}

/// [`open`] on `client` (from [`streaming_client`]), for checks that open many streams.
pub async fn open_with(
    ctx: &Ctx<'_>,
    client: &reqwest::Client,
    plan: &RequestPlan,
) -> Result<(RawResponse, SseReader), Failure> {
    let mut plan = plan.clone();
    plan.headers
        .push(("Accept".into(), "text/event-stream".into()));
    let request = request::build(ctx, client, &plan)?;
    if let Some(down) = ctx.target.unreachable() {
        return Err(fail(down));
    }
    let started = Instant::now();
    // The head within `--timeout-secs`; the events then within the stream's own limits.
    let limit = ctx.target.timeout();
    let deadline = tokio::time::Instant::now() + limit;
    let response = match tokio::time::timeout_at(deadline, client.execute(request)).await {
        Err(_) => Err(ctx
            .target
            .failed(Cause::timeout(Phase::Headers, limit))
            .await),
        Ok(Err(e)) => Err(ctx
            .target
            .failed(Cause::of(&e, Phase::Headers, limit))
            .await),
        Ok(Ok(response)) => Ok(response),
    }
    .map_err(|cause| match cause {
        Cause::Unreachable(down) => fail(down),
        cause => fail(format!("{}: {cause}", ctx.op.id)),
    })?;
    let head = RawResponse {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: Default::default(),
        elapsed: started.elapsed(),
    };
    if !(200..300).contains(&head.status) {
        let body = request::read_capped(response, ctx.target.max_body(), deadline, limit)
            .await
            .unwrap_or_default();
        return Err(fail(format!(
            "expected a stream, got status {}: {}",
            head.status,
            request::preview(&body)
        )));
    }
    let bytes = response
        .bytes_stream()
        .map(|item| item.map_err(|e| crate::cause::chain(&e)));
    Ok((head, SseReader::from_stream(Box::pin(bytes), started)))
}

/// The operation's stream contract.
pub fn contract<'c>(ctx: &'c Ctx<'_>) -> Result<&'c EventStream, Failure> {
    ctx.op
        .stream
        .as_ref()
        .ok_or_else(|| fail(format!("{} does not stream events", ctx.op.id)))
}

/// The read limits from the operation's `x-slo` and the target's idle limit.
pub fn limits(ctx: &Ctx<'_>) -> SseLimits {
    sb_stream::limits(
        &ctx.op.slo,
        std::time::Duration::from_secs(ctx.target.options().sse_idle_secs),
    )
}

/// A stream read to its terminal event (or its end, or a limit), with its response head.
pub struct Stream<'c> {
    pub head: RawResponse,
    pub judged: Judged<'c>,
}

/// Opens and records a whole stream, stopping at a terminal event.
pub async fn record<'c>(ctx: &'c Ctx<'_>, plan: &RequestPlan) -> Result<Stream<'c>, Failure> {
    record_with(ctx, &streaming_client(ctx)?, plan).await
}

/// [`record`] on `client` (from [`streaming_client`]).
pub async fn record_with<'c>(
    ctx: &'c Ctx<'_>,
    client: &reqwest::Client,
    plan: &RequestPlan,
) -> Result<Stream<'c>, Failure> {
    let contract = contract(ctx)?;
    let (head, reader) = open_with(ctx, client, plan).await?;
    let recording = reader
        .record(limits(ctx), |e| sb_stream::is_terminal(contract, e))
        .await;
    Ok(Stream {
        head,
        judged: Judged::new(contract, recording),
    })
}

/// `sb-stream`'s verdict under `which` as a failure in the rules' words (the finding the
/// proxy logs for the same stream).
pub fn rule<T>(contract: &EventStream, which: StreamRule, verdict: Rule<T>) -> Result<T, Failure> {
    verdict.map_err(|problem| fail(which.finding(contract, &problem).to_string()))
}

/// Content-Type, the documented head, then the format rule.
fn check_format(ctx: &Ctx<'_>, stream: &Stream<'_>) -> Outcome {
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
    judged(&sb_rules::format(&ctx.spec, &stream.judged))
}

/// Content-Type, then every event is JSON, valid, of a documented type; no stray lines; a
/// clean end.
pub async fn stream_format(ctx: &Ctx<'_>) -> Outcome {
    let stream = record(ctx, &RequestPlan::default()).await?;
    check_format(ctx, &stream)?;
    rule(
        stream.judged.contract,
        StreamRule::Ended,
        stream.judged.ended(),
    )
}

/// Progress events exist, the first at `x-stream`'s start, never decreasing.
pub async fn progress(ctx: &Ctx<'_>) -> Outcome {
    let stream = record(ctx, &RequestPlan::default()).await?;
    let contract = stream.judged.contract;
    rule(contract, StreamRule::Ended, stream.judged.ended())?;
    rule(contract, StreamRule::Progress, stream.judged.progress())?;
    Ok(())
}

/// Exactly one terminal event, last, and for a valid request the success event after at
/// least one content event, valid against its own schema.
pub async fn terminal(ctx: &Ctx<'_>) -> Outcome {
    let stream = record(ctx, &RequestPlan::default()).await?;
    let contract = stream.judged.contract;
    rule(contract, StreamRule::Ended, stream.judged.ended())?;
    rule(contract, StreamRule::Succeeded, stream.judged.succeeded())?;
    // The success event against its schema, by the rule the proxy judges each event with.
    let index = stream.judged.events.len() - 1;
    let data = &stream.judged.events[index].data;
    judged(&sb_rules::event(&ctx.spec, contract, index, data).1)
}

/// Invalid input (each bound of the body broken, each required field missing: an empty
/// prompt among them) yields a stream holding only the error event.
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

/// A stream holding exactly the error event, valid against its schema.
pub async fn expect_single_error(ctx: &Ctx<'_>, plan: &RequestPlan) -> Outcome {
    expect_single_error_with(ctx, &streaming_client(ctx)?, plan).await
}

/// [`expect_single_error`] on `client` (from [`streaming_client`]).
pub async fn expect_single_error_with(
    ctx: &Ctx<'_>,
    client: &reqwest::Client,
    plan: &RequestPlan,
) -> Outcome {
    let stream = record_with(ctx, client, plan).await?;
    // The format rule holds every event, the error event too, to its schema.
    check_format(ctx, &stream)?;
    let contract = stream.judged.contract;
    rule(contract, StreamRule::Ended, stream.judged.ended())?;
    rule(
        contract,
        StreamRule::SingleError,
        stream.judged.single_error(),
    )?;
    Ok(())
}

/// Time to first content event and to the terminal event within `x-slo`; passes with the
/// measured times.
pub async fn budget(ctx: &Ctx<'_>) -> Verdict {
    let stream = match record(ctx, &RequestPlan::default()).await {
        Ok(stream) => stream,
        Err(failure) => return failure.into(),
    };
    if let Err(failure) = rule(
        stream.judged.contract,
        StreamRule::Ended,
        stream.judged.ended(),
    ) {
        return failure.into();
    }
    match stream.judged.within_budget(&ctx.op.slo) {
        Ok(timings) => {
            let mut measurements = Vec::new();
            if let Some(first) = timings.first_content {
                measurements.push(Measurement::ms("first_chunk_ms", first));
            }
            if let Some(last) = timings.last {
                measurements.push(Measurement::ms("last_event_ms", last));
            }
            Verdict::Pass {
                note: timings.describe(stream.judged.events.len()),
                measurements,
            }
        }
        Err(problem) => fail(problem).into(),
    }
}
