//! The generated inputs (`sb_plan::cases`): valid ones must get the documented success
//! (a stream: one ending in its success event), invalid ones a documented 4xx with an Error
//! body (a stream: its single error event). Cases run a few at a time; a failure names the
//! seed and budget that reproduce the run and prints the first failing case as a `curl`
//! command. Each case is the example request with one field or parameter changed, so that
//! command is already the minimal input.

use futures::StreamExt;

use crate::context::Ctx;
use crate::outcome::{Failure, Outcome, fail};
use crate::request::{self, Body, RequestPlan};
use sb_plan::cases::{self, Case, CaseOptions, Payload};

/// How many cases are in flight at once (a stream's `x-slo.concurrentCalls` lowers it).
const CONCURRENCY: usize = 8;

/// Each generated valid input gets the documented success, never a 4xx or 5xx.
pub async fn positive(ctx: &Ctx<'_>) -> Outcome {
    let options = sb_plan::cases::CaseOptions::from(ctx.target.options());
    let set = cases::cases(&ctx.spec, &ctx.op, options);
    // One client for every case: building one costs more than a request to a local target.
    let client = &super::conformance::client(ctx)?;
    let results = run_all(ctx, &set.positives, |plan| async move {
        super::conformance::expect_valid_success(ctx, client, &plan).await
    })
    .await;
    verdict(
        ctx,
        "valid",
        &set.positives,
        set.all_positives,
        options,
        results,
    )
}

/// Each generated invalid input gets a documented 4xx with an Error body (a stream: its
/// single error event).
pub async fn negative(ctx: &Ctx<'_>) -> Outcome {
    let options = sb_plan::cases::CaseOptions::from(ctx.target.options());
    let set = cases::cases(&ctx.spec, &ctx.op, options);
    let client = &super::conformance::client(ctx)?;
    let results = run_all(ctx, &set.negatives, |plan| async move {
        if ctx.op.is_sse() {
            super::sse::expect_single_error_with(ctx, client, &plan).await
        } else {
            let response = request::send(ctx, client, &plan).await?;
            // A path parameter of the wrong shape names nothing: 404 is as right as 400.
            let candidates: &[u16] = if plan.path_overrides.is_empty() {
                &[400, 422]
            } else {
                &[400, 404, 422]
            };
            let expected = ctx.documented_among(candidates);
            ctx.error_response(&response, &expected).map(|_| ())
        }
    })
    .await;
    verdict(
        ctx,
        "invalid",
        &set.negatives,
        set.all_negatives,
        options,
        results,
    )
}

/// The request a case sends: the example request with the case's body or parameter.
pub fn plan<K>(case: &Case<K>) -> RequestPlan {
    let mut plan = RequestPlan {
        body: match &case.body {
            Payload::Example => Body::Example,
            Payload::Json(value) => Body::Json(value.clone()),
            Payload::Empty => Body::Raw(""),
        },
        ..RequestPlan::default()
    };
    if let Some(param) = &case.param {
        let value = (param.name.clone(), param.value.clone());
        match param.location {
            sb_spec::Location::Path => plan.path_overrides.push(value),
            _ => plan.query_overrides.push(value),
        }
    }
    plan
}

/// Runs `check` on every case, a few at a time, and returns the outcomes in case order.
async fn run_all<'c, K, F, Fut>(ctx: &'c Ctx<'_>, cases: &'c [Case<K>], check: F) -> Vec<Outcome>
where
    F: Fn(RequestPlan) -> Fut,
    Fut: std::future::Future<Output = Outcome>,
{
    let concurrency = if ctx.op.is_sse() {
        ctx.op.slo.concurrent_calls.map_or(CONCURRENCY, |n| {
            usize::try_from(n).unwrap_or(1).clamp(1, CONCURRENCY)
        })
    } else {
        CONCURRENCY
    };
    futures::stream::iter(cases.iter().map(|case| check(plan(case))))
        .buffered(concurrency)
        .collect()
        .await
}

fn verdict<K>(
    ctx: &Ctx<'_>,
    what: &str,
    cases: &[Case<K>],
    all: usize,
    options: CaseOptions,
    results: Vec<Outcome>,
) -> Outcome {
    if cases.is_empty() {
        return Err(fail(format!(
            "no {what} input can be generated from the JSON body or parameter schemas"
        )));
    }
    let failed: Vec<(&Case<K>, Failure)> = cases
        .iter()
        .zip(results)
        .filter_map(|(case, result)| result.err().map(|e| (case, e)))
        .collect();
    let Some((case, failure)) = failed.first() else {
        return Ok(());
    };
    // Unreachable targets fail every case alike: say that alone.
    if failure.reason.starts_with(crate::outcome::UNREACHABLE) {
        return Err(failure.clone());
    }
    let seed = options.seed;
    let budget = options.budget;
    Err(fail(format!(
        "{} of {} generated {what} inputs failed (seed {seed}, {} of {all} cases; rerun with \
         --seed {seed} --cases {budget}, or SB_SEED={seed} SB_CASES={budget}); the first, {}: {}\n\
         reproduce (the example request with only `{}` changed; TOKEN: a valid token of tenant `{}`):\n{}",
        failed.len(),
        cases.len(),
        cases.len(),
        case.description,
        failure.reason,
        case.field,
        ctx.target.tenant(),
        reproduction(ctx, case),
    )))
}

/// The case as a `curl` command (or why it cannot be shown).
pub fn reproduction<K>(ctx: &Ctx<'_>, case: &Case<K>) -> String {
    let built = ctx
        .http()
        .and_then(|client| request::build(ctx, &client, &plan(case)));
    match built {
        Ok(request) => crate::repro::curl(&request, ctx.op.is_sse()),
        Err(e) => format!("(cannot build the request: {})", e.reason),
    }
}
