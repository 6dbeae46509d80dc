//! Family 7: the `x-slo` budgets under the concurrency the spec declares. `concurrentCalls`
//! example requests are sent at once; each one is held to the operation's own budget
//! (`firstChunkMs`/`lastChunkMs` for a stream, `maxMs`/`p95Ms` for a plain call), at least
//! `concurrentSuccessPct` of them (all, when absent) must succeed within it, and the whole
//! batch must finish within `concurrentMaxMs`. A server that serialises requests behind one
//! lock meets its budgets one request at a time and fails here.

use std::time::{Duration, Instant};

use futures::future::join_all;
use sb_rules::StreamRule;

use crate::context::Ctx;
use crate::outcome::{Failure, Measurement, Verdict, fail};
use crate::request::{self, RequestPlan};

/// The most calls sent at once, whatever the spec asks (each holds a connection and a task).
pub const MAX_CONCURRENT_CALLS: u64 = 256;

/// One call's result: its time to the budgeted point, or why it failed.
struct Call {
    /// Time to the first content event (streams) or to the whole response (plain calls).
    first: Option<Duration>,
    /// Time to the terminal event (streams) or to the whole response (plain calls).
    last: Option<Duration>,
    /// Why this call does not count as a success within budget.
    problem: Option<String>,
}

/// The check.
pub async fn budget(ctx: &Ctx<'_>) -> Verdict {
    let slo = ctx.op.slo;
    let Some(declared) = slo.concurrent_calls else {
        return Verdict::skip("x-slo declares no concurrentCalls");
    };
    if declared == 0 {
        return fail("x-slo concurrentCalls is 0; declare at least 1 call").into();
    }
    if declared > MAX_CONCURRENT_CALLS {
        return fail(format!(
            "x-slo concurrentCalls {declared} is over the {MAX_CONCURRENT_CALLS} this check sends at once; lower it in the spec"
        ))
        .into();
    }
    let calls = declared as usize;
    let wanted_pct = slo.concurrent_success_pct.unwrap_or(100).min(100);
    // One client for every call (a stream's has no total timeout; its budget bounds it).
    let client = match super::conformance::client(ctx) {
        Ok(client) => client,
        Err(failure) => return failure.into(),
    };
    let started = Instant::now();
    let results = join_all((0..calls).map(|_| one(ctx, &client))).await;
    let wall = started.elapsed();

    let ok = results.iter().filter(|c| c.problem.is_none()).count();
    let pct = ok as f64 * 100.0 / calls as f64;
    let slowest_first = results.iter().filter_map(|c| c.first).max();
    let slowest_last = results.iter().filter_map(|c| c.last).max();
    let mut over = Vec::new();
    if pct < wanted_pct as f64 {
        let problems: Vec<String> = results
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.problem.as_ref().map(|p| format!("call {}: {p}", i + 1)))
            .take(3)
            .collect();
        over.push(format!(
            "{ok} of {calls} concurrent calls ({pct:.0}%) succeeded within budget, {wanted_pct}% required ({})",
            problems.join("; ")
        ));
    }
    if let Some(max) = slo.concurrent_max_ms
        && wall.as_millis() > u128::from(max)
    {
        over.push(format!(
            "{calls} concurrent calls took {} ms, over concurrentMaxMs {max} ms",
            wall.as_millis()
        ));
    }
    if !over.is_empty() {
        return fail(over.join("; ")).into();
    }
    let mut measurements = vec![
        Measurement::ms("wall_ms", wall),
        Measurement {
            name: "success_pct".into(),
            value: pct,
        },
    ];
    let mut note = format!(
        "{ok}/{calls} concurrent calls within budget, wall {} ms",
        wall.as_millis()
    );
    if let Some(first) = slowest_first {
        measurements.push(Measurement::ms("slowest_first_ms", first));
        note.push_str(&format!(", slowest first chunk {} ms", first.as_millis()));
    }
    if let Some(last) = slowest_last {
        measurements.push(Measurement::ms("slowest_last_ms", last));
        note.push_str(&format!(", slowest end {} ms", last.as_millis()));
    }
    Verdict::Pass { note, measurements }
}

/// One example call, judged against the operation's own budget.
async fn one(ctx: &Ctx<'_>, client: &reqwest::Client) -> Call {
    let outcome = if ctx.op.is_sse() {
        stream(ctx, client).await
    } else {
        plain(ctx, client).await
    };
    match outcome {
        Ok((first, last)) => Call {
            first: Some(first),
            last: Some(last),
            problem: None,
        },
        Err((failure, first, last)) => Call {
            first,
            last,
            problem: Some(failure.reason),
        },
    }
}

type Judged = Result<(Duration, Duration), (Failure, Option<Duration>, Option<Duration>)>;

/// A stream read to its end: it must end with its success event, within firstChunkMs and
/// lastChunkMs.
async fn stream(ctx: &Ctx<'_>, client: &reqwest::Client) -> Judged {
    let stream = super::sse::record_with(ctx, client, &RequestPlan::default())
        .await
        .map_err(|f| (f, None, None))?;
    let timings = stream.judged.timings();
    let at = |f: Failure| (f, timings.first_content, timings.last);
    let contract = stream.judged.contract;
    super::sse::rule(contract, StreamRule::Ended, stream.judged.ended()).map_err(at)?;
    super::sse::rule(contract, StreamRule::Succeeded, stream.judged.succeeded()).map_err(at)?;
    let within = stream
        .judged
        .within_budget(&ctx.op.slo)
        .map_err(|p| at(fail(p)))?;
    let last = within.last.unwrap_or_default();
    Ok((within.first_content.unwrap_or(last), last))
}

/// A plain call: the documented success within maxMs (or p95Ms, the tightest budget a
/// single call can be held to, when no maxMs is given).
async fn plain(ctx: &Ctx<'_>, client: &reqwest::Client) -> Judged {
    let response = request::send(ctx, client, &RequestPlan::default())
        .await
        .map_err(|f| (f, None, None))?;
    let elapsed = response.elapsed;
    let at = |f: Failure| (f, Some(elapsed), Some(elapsed));
    super::conformance::expect_success(ctx, &response).map_err(at)?;
    let slo = ctx.op.slo;
    if let Some(budget) = slo.max_ms.or(slo.p95_ms)
        && elapsed.as_millis() > u128::from(budget)
    {
        return Err(at(fail(format!(
            "{} ms, over the {budget} ms budget",
            elapsed.as_millis()
        ))));
    }
    Ok((elapsed, elapsed))
}
