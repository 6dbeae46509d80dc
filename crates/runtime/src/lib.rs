//! The runtime the generated contract tests call: the target (embedded provider or a
//! deployment), requests built from the spec's examples, JSON Schema validation of every
//! body, an SSE reader with timings, the check families, and result recording for reports.

pub mod checks;
// The spec-only parts live in sb-plan; re-exported so generated code names one crate.
pub use sb_plan::{examples, negative, outcome, plan, report};
pub mod context;
pub mod record;
pub mod request;
pub mod sse;
pub mod target;
pub mod tokens;
pub mod typed;

use std::future::Future;
use std::time::{Duration, Instant};

pub use context::{Ctx, Op, SpecSource};
pub use outcome::{Failure, Outcome, Status};
pub use plan::{Check, Family};
pub use target::{Target, TargetOptions};
pub use typed::Typed;

/// Longest a single check may take before it fails (a hung target never hangs a test).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(180);

/// Runs `check` on `op` against the shared target, records the result, and panics with the
/// reason when it fails (that is how a generated `#[tokio::test]` fails).
pub async fn run(op: Op, check: Check) {
    let started = Instant::now();
    let outcome = match Target::shared() {
        Ok(target) => evaluate(target, op, check).await,
        Err(e) => Err(Failure::new(e.to_string())),
    };
    conclude(&op, check, outcome, started.elapsed());
}

/// Runs the typed-client check: `body` calls the progenitor client (generated code).
pub async fn run_typed<F, Fut>(op: Op, body: F)
where
    F: FnOnce(Typed) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let started = Instant::now();
    let outcome = match Target::shared() {
        Ok(target) => evaluate_typed(target, op, body).await,
        Err(e) => Err(Failure::new(e.to_string())),
    };
    conclude(&op, Check::TypedClient, outcome, started.elapsed());
}

/// Runs `check` on `op` against `target` and returns the outcome (the fault tests use this
/// to show a check going red).
pub async fn evaluate(target: &Target, op: Op, check: Check) -> Outcome {
    let ctx = Ctx::new(target, &op)?;
    bounded(checks::run(&ctx, check)).await
}

/// The typed check against `target`, returning the outcome.
pub async fn evaluate_typed<F, Fut>(target: &'static Target, op: Op, body: F) -> Outcome
where
    F: FnOnce(Typed) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let ctx = Ctx::new(target, &op)?;
    bounded(body(Typed::new(ctx))).await
}

async fn bounded(check: impl Future<Output = Outcome>) -> Outcome {
    tokio::time::timeout(CHECK_TIMEOUT, check)
        .await
        .unwrap_or_else(|_| {
            Err(Failure::new(format!(
                "the check did not finish within {} s",
                CHECK_TIMEOUT.as_secs()
            )))
        })
}

fn conclude(op: &Op, check: Check, outcome: Outcome, elapsed: Duration) {
    record::write(op, check, &outcome, elapsed);
    match outcome {
        Ok(()) => {}
        Err(failure) if failure.skipped => {
            eprintln!("SKIP {} {}: {}", op.id, check.name(), failure.reason);
        }
        Err(failure) => panic!(
            "{} ({}) {} failed: {}",
            op.id,
            op.spec.file,
            check.name(),
            failure.reason
        ),
    }
}
