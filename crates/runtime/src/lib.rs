//! The runtime the generated contract tests call: the target (a deployment, or a provider
//! the test binary's [`Harness`] launches), requests built from the spec's examples, JSON
//! Schema validation of every body, the check families, typed checks, and verdict recording
//! for reports. It knows no provider and no particular API: what it checks comes from the
//! spec model (`sb-spec`), the check table (`sb-plan`), the contract rules on one exchange
//! (`sb-rules`, shared with the validating proxy, whose findings are the failure messages)
//! and the stream rules (`sb-stream`).

pub mod cause;
pub mod checks;
// The spec-only parts live in sb-plan; re-exported so generated code names one crate.
pub use sb_plan::{examples, negative, outcome, plan, report};
pub mod context;
pub mod record;
pub mod repro;
pub mod request;
pub mod target;
pub mod tokens;
pub mod typed;

use std::future::Future;
use std::time::{Duration, Instant};

pub use context::{Ctx, Op, SpecSource};
pub use outcome::{Failure, Measurement, Outcome, Status, Verdict};
pub use plan::{Check, Family, Subject};
pub use target::{Harness, LaunchFuture, Launched, Target, TargetOptions};
pub use typed::Typed;
// Bounded response bodies for progenitor clients: `bounded_hooks!(Client)` next to a
// generated client, and `body::with_limits` around code that calls it (README, "Your own
// typed clients").
pub use sb_stream::{body, bounded_hooks};

/// Longest a single check may take before it fails (a hung target never hangs a test). It
/// can only stop a check at an `.await`: CPU-heavy steps (schema validation, the tenancy
/// leak search) therefore run on bodies bounded by `--max-body-bytes`.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(180);

/// Runs `check` on `op` against the binary's shared target (from `harness` and the `SB_*`
/// environment), records the verdict, and panics with the reason when it fails (that is how
/// a generated `#[tokio::test]` fails).
pub async fn run(harness: &Harness, op: Op, check: Check) {
    let started = Instant::now();
    let verdict = match Target::shared(harness) {
        Ok(target) => evaluate(target, op, check).await,
        Err(e) => Verdict::Fail {
            reason: e.to_string(),
        },
    };
    conclude(&op, check, verdict, started.elapsed());
}

/// Runs the typed-client check: `body` calls the progenitor client (generated code).
pub async fn run_typed<F, Fut>(harness: &Harness, op: Op, body: F)
where
    F: FnOnce(Typed) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let started = Instant::now();
    let verdict = match Target::shared(harness) {
        Ok(target) => evaluate_typed(target, op, body).await,
        Err(e) => Verdict::Fail {
            reason: e.to_string(),
        },
    };
    conclude(&op, Check::TypedClient, verdict, started.elapsed());
}

/// Runs `check` on `op` against `target` and returns the verdict (the fault tests use this
/// to show a check going red). A check the table says does not apply is skipped with the
/// table's reason.
pub async fn evaluate(target: &Target, op: Op, check: Check) -> Verdict {
    if let Some(down) = target.still_unreachable().await {
        return Verdict::Fail { reason: down };
    }
    let ctx = match Ctx::new(target, &op) {
        Ok(ctx) => ctx,
        Err(failure) => return failure.into(),
    };
    if let Err(reason) = check.applicability(Subject {
        spec: &ctx.spec,
        op: &ctx.op,
        typed: check == Check::TypedClient,
    }) {
        return Verdict::skip(format!("does not apply: {reason}"));
    }
    bounded(checks::run(&ctx, check)).await
}

/// The typed check against `target`, returning the verdict.
pub async fn evaluate_typed<F, Fut>(target: &'static Target, op: Op, body: F) -> Verdict
where
    F: FnOnce(Typed) -> Fut,
    Fut: Future<Output = Outcome>,
{
    if let Some(down) = target.still_unreachable().await {
        return Verdict::Fail { reason: down };
    }
    let ctx = match Ctx::new(target, &op) {
        Ok(ctx) => ctx,
        Err(failure) => return failure.into(),
    };
    let connect_failure = typed::ConnectFailure::default();
    // The typed clients read bodies through sb_stream::body (build.rs gives each its hooks):
    // these are the limits it holds them to.
    let limits = typed::body_limits(&ctx);
    let verdict = bounded(sb_stream::body::with_limits(limits, async {
        Verdict::from(body(Typed::new(ctx, connect_failure.clone())).await)
    }))
    .await;
    let failure = connect_failure
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    if let Some(cause) = failure {
        // Let the breaker see it (and re-probe), so that the next checks fail fast.
        target.failed(cause).await;
    }
    verdict
}

async fn bounded(check: impl Future<Output = Verdict>) -> Verdict {
    tokio::time::timeout(CHECK_TIMEOUT, check)
        .await
        .unwrap_or_else(|_| Verdict::Fail {
            reason: format!(
                "the check did not finish within {} s",
                CHECK_TIMEOUT.as_secs()
            ),
        })
}

fn conclude(op: &Op, check: Check, verdict: Verdict, elapsed: Duration) {
    record::write(op, check, &verdict, elapsed);
    match verdict {
        Verdict::Pass { .. } => {}
        Verdict::Skip { reason } => {
            eprintln!("SKIP {} {}: {reason}", op.id, check.name());
        }
        Verdict::Fail { reason } => panic!(
            "{} ({}) {} failed: {reason}",
            op.id,
            op.spec.file,
            check.name()
        ),
    }
}
