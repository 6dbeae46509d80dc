//! Family 7: the `x-slo` latency budgets of plain operations, over a sample of sequential
//! example requests, recorded in an HDR histogram.

use std::time::Duration;

use hdrhistogram::Histogram;

use crate::context::Ctx;
use crate::outcome::{Measurement, Verdict, fail};
use crate::request::{self, RequestPlan};

/// Sample size from `SB_PERF_SAMPLES` (default 100, as the seed measures).
pub fn samples_from_env() -> usize {
    std::env::var("SB_PERF_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(100)
}

/// Latency summary of a sample, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub count: u64,
    pub avg_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    /// Summarises a histogram of microseconds.
    pub fn of(histogram: &Histogram<u64>) -> Latency {
        let ms = |us: u64| us as f64 / 1000.0;
        Latency {
            count: histogram.len(),
            avg_ms: histogram.mean() / 1000.0,
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p95_ms: ms(histogram.value_at_quantile(0.95)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            max_ms: ms(histogram.max()),
        }
    }
}

/// A histogram of microseconds up to 10 minutes, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("static bounds are valid")
}

/// Records `elapsed` into `histogram`, clamping to its range.
pub fn record(histogram: &mut Histogram<u64>, elapsed: Duration) {
    let us = (elapsed.as_micros() as u64).clamp(1, 600_000_000);
    histogram.saturating_record(us);
}

/// Sends `samples` example requests one after another (after one warm-up) and compares
/// avg/p95/max with the budget. Every response must be the documented success.
pub async fn sample(ctx: &Ctx<'_>, samples: usize) -> Result<Latency, crate::outcome::Failure> {
    let client = ctx.http()?;
    let plan = RequestPlan::default();
    let warmup = request::send(ctx, &client, &plan).await?;
    super::conformance::expect_success(ctx, &warmup)?;
    let mut histogram = histogram();
    for _ in 0..samples {
        let response = request::send(ctx, &client, &plan).await?;
        super::conformance::expect_success(ctx, &response)?;
        record(&mut histogram, response.elapsed);
    }
    Ok(Latency::of(&histogram))
}

/// The budget check.
pub async fn budget(ctx: &Ctx<'_>, samples: usize) -> Verdict {
    let slo = ctx.op.slo;
    let samples = if slo.avg_ms.is_some() || slo.p95_ms.is_some() {
        samples
    } else {
        1
    };
    let latency = match sample(ctx, samples).await {
        Ok(latency) => latency,
        Err(failure) => return failure.into(),
    };
    let note = format!(
        "{} requests: avg {:.2} ms, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latency.count,
        latency.avg_ms,
        latency.p50_ms,
        latency.p95_ms,
        latency.p99_ms,
        latency.max_ms
    );
    let mut over = Vec::new();
    if let Some(avg) = slo.avg_ms
        && latency.avg_ms >= avg as f64
    {
        over.push(format!("average {:.2} ms >= {avg} ms", latency.avg_ms));
    }
    if let Some(p95) = slo.p95_ms
        && latency.p95_ms >= p95 as f64
    {
        over.push(format!("p95 {:.2} ms >= {p95} ms", latency.p95_ms));
    }
    if let Some(max) = slo.max_ms
        && latency.max_ms >= max as f64
    {
        over.push(format!("{:.0} ms >= {max} ms", latency.max_ms));
    }
    if over.is_empty() {
        let measure = |name: &str, value: f64| Measurement {
            name: name.to_string(),
            value,
        };
        Verdict::Pass {
            note,
            measurements: vec![
                measure("avg_ms", latency.avg_ms),
                measure("p50_ms", latency.p50_ms),
                measure("p95_ms", latency.p95_ms),
                measure("p99_ms", latency.p99_ms),
                measure("max_ms", latency.max_ms),
            ],
        }
    } else {
        fail(format!(
            "over budget across {} requests: {}",
            latency.count,
            over.join(", ")
        ))
        .into()
    }
}
