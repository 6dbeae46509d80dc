//! The performance suite (seed worker 3): non-generation latency, stream timings (TTFT and
//! TTLT), the state store's write and read paths, concurrent generations, logo generation
//! and an open-loop load, measured through the API into HDR histograms. [`run`] returns
//! every number as [`PerfResults`]; [`report`] judges them against the targets and renders
//! `tests/reports/performance_report.md`.

pub mod load;
pub mod measure;
pub mod report;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sb_runtime::checks::perf::Latency;
use sb_runtime::{Failure, Outcome, Target};

use crate::api::{Api, ensure};

pub use load::{LoadConfig, LoadResult};
pub use report::{ReportMeta, Row, render, rows};

/// Non-generation endpoints: average latency budget (seed; spec `x-slo.avgMs`).
pub const LATENCY_AVG_MS: f64 = 10.0;
/// Non-generation endpoints: p95 latency budget (seed; spec `x-slo.p95Ms`).
pub const LATENCY_P95_MS: f64 = 20.0;
/// Logo generation budget (seed; spec `x-slo.maxMs` of generateLogo).
pub const LOGO_BUDGET: Duration = Duration::from_secs(30);
/// Longest a generation may take under concurrency (seed: the 120 s client timeout).
pub const CONCURRENT_BUDGET: Duration = Duration::from_secs(120);
/// Share of concurrent generations that must succeed (seed: 8 of 10).
pub const CONCURRENT_SUCCESS: f64 = 0.8;
/// Largest error rate of the load test (seed: < 5 %).
pub const LOAD_ERROR_RATE: f64 = 0.05;

/// How much of each measurement to take.
#[derive(Debug, Clone)]
pub struct PerfConfig {
    /// Sequential listTemplates requests, and getGeneration reads (seed: 100).
    pub latency_samples: usize,
    /// Sequential generations timed for TTFT/TTLT and the state store's write path.
    pub stream_samples: usize,
    /// Generations started at once (seed: 10).
    pub concurrent_generations: usize,
    /// Sequential logo generations of 4 options.
    pub logo_samples: usize,
    /// The open-loop load.
    pub load: LoadConfig,
}

impl PerfConfig {
    /// The full suite of `cargo xtask perf`: the seed's numbers.
    pub fn full() -> PerfConfig {
        PerfConfig {
            latency_samples: 100,
            stream_samples: 5,
            concurrent_generations: 10,
            logo_samples: 3,
            load: LoadConfig::default(),
        }
    }

    /// A short run for `cargo test`: counts, not timings, are what it can assert.
    pub fn smoke() -> PerfConfig {
        PerfConfig {
            latency_samples: 10,
            stream_samples: 2,
            concurrent_generations: 3,
            logo_samples: 1,
            load: LoadConfig {
                rate_per_min: 240,
                duration: Duration::from_secs(5),
                ..LoadConfig::default()
            },
        }
    }
}

/// A sample of one operation's latency.
#[derive(Debug, Clone, Default)]
pub struct Sampled {
    /// What was measured.
    pub what: String,
    /// Requests sent.
    pub requests: u64,
    /// Requests that failed (not in the latency).
    pub errors: u64,
    /// The first failure, for the report.
    pub first_error: Option<String>,
    /// Latency of the successful requests (`None` when none succeeded).
    pub latency: Option<Latency>,
}

impl Sampled {
    /// True when every request succeeded.
    pub fn clean(&self) -> bool {
        self.errors == 0 && self.latency.is_some()
    }
}

/// The timings of one generation's stream.
#[derive(Debug, Clone, Default)]
pub struct StreamTiming {
    /// Time to the first chunk.
    pub ttft: Option<Duration>,
    /// Time to the terminal event.
    pub ttlt: Option<Duration>,
    /// Events received.
    pub events: usize,
    /// Chunks received.
    pub chunks: usize,
    /// Why it did not complete, if it did not.
    pub error: Option<String>,
}

impl StreamTiming {
    /// True when the stream ended with a valid `complete` event.
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// The state store ("DynamoDB") measured through the API.
#[derive(Debug, Clone, Default)]
pub struct StateStore {
    /// From the `complete` event until getGeneration first reads COMPLETE: the write is
    /// visible when it is no slower than one read.
    pub write: Sampled,
    /// From the generation's request until its state reads COMPLETE (the whole write path).
    pub path: Option<Latency>,
    /// getGeneration reads of completed generations.
    pub read: Sampled,
    /// Generations whose state was COMPLETE at the first read after `complete`.
    pub visible_at_first_read: u64,
    /// Most reads one generation needed until it read COMPLETE.
    pub most_reads: u32,
}

/// Generations started at once.
#[derive(Debug, Clone, Default)]
pub struct Concurrent {
    pub streams: Vec<StreamTiming>,
    /// From the first send until the last stream ended.
    pub wall: Duration,
}

impl Concurrent {
    /// Share of the streams that completed within the budget.
    pub fn success_rate(&self) -> f64 {
        if self.streams.is_empty() {
            return 0.0;
        }
        let ok = self.streams.iter().filter(|s| s.succeeded()).count();
        ok as f64 / self.streams.len() as f64
    }

    /// The longest time to the terminal event among the streams that ended.
    pub fn longest(&self) -> Option<Duration> {
        self.streams.iter().filter_map(|s| s.ttlt).max()
    }
}

/// Every number of a performance run.
#[derive(Debug, Clone)]
pub struct PerfResults {
    pub config: PerfConfig,
    /// listTemplates, sequential.
    pub latency: Sampled,
    /// Sequential generations.
    pub streams: Vec<StreamTiming>,
    pub state: StateStore,
    pub concurrent: Concurrent,
    /// generateLogo with count 4.
    pub logo: Sampled,
    pub load: LoadResult,
    /// How long the whole run took.
    pub elapsed: Duration,
}

/// Where progress lines go (`cargo xtask perf` prints them; tests drop them).
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Runs the whole suite against `target`, reporting each phase to `progress`.
pub async fn run(
    target: &Target,
    config: &PerfConfig,
    progress: Progress<'_>,
) -> Result<PerfResults, Failure> {
    config.load.validate()?;
    let started = Instant::now();
    let api = Arc::new(Api::new(target)?);

    progress(&format!(
        "latency: {} sequential listTemplates requests",
        config.latency_samples
    ));
    let phase = Instant::now();
    let latency = measure::templates_latency(&api, config.latency_samples).await;
    progress(&format!("latency: {}", summary(&latency, phase)));

    progress(&format!(
        "streams: {} sequential generations",
        config.stream_samples
    ));
    let phase = Instant::now();
    let (streams, state) = measure::sequential_streams(&api, config.stream_samples).await;
    let done = streams.iter().filter(|s| s.succeeded()).count();
    progress(&format!(
        "streams: {done}/{} complete in {:.1} s",
        streams.len(),
        phase.elapsed().as_secs_f64()
    ));

    progress(&format!(
        "state store: {} getGeneration reads",
        config.latency_samples
    ));
    let phase = Instant::now();
    let read = measure::state_reads(&api, &state.generations, config.latency_samples).await;
    progress(&format!("state store: {}", summary(&read, phase)));

    progress(&format!(
        "concurrency: {} generations at once",
        config.concurrent_generations
    ));
    let concurrent = measure::concurrent(&api, config.concurrent_generations).await;
    progress(&format!(
        "concurrency: {}/{} complete, wall {:.1} s",
        concurrent.streams.iter().filter(|s| s.succeeded()).count(),
        concurrent.streams.len(),
        concurrent.wall.as_secs_f64()
    ));

    progress(&format!(
        "logo: {} generateLogo requests (count 4)",
        config.logo_samples
    ));
    let phase = Instant::now();
    let logo = measure::logos(&api, config.logo_samples).await;
    progress(&format!("logo: {}", summary(&logo, phase)));

    let load = load::open_loop(api.clone(), &config.load, progress).await?;

    Ok(PerfResults {
        config: config.clone(),
        latency,
        streams,
        state: StateStore {
            write: state.write,
            path: state.path,
            read,
            visible_at_first_read: state.visible_at_first_read,
            most_reads: state.most_reads,
        },
        concurrent,
        logo,
        load,
        elapsed: started.elapsed(),
    })
}

fn summary(sampled: &Sampled, phase: Instant) -> String {
    let latency = sampled.latency.map_or_else(
        || "no successful request".to_string(),
        |l| format!("avg {:.2} ms, p95 {:.2} ms", l.avg_ms, l.p95_ms),
    );
    format!(
        "{}/{} ok in {:.1} s, {latency}",
        sampled.requests - sampled.errors,
        sampled.requests,
        phase.elapsed().as_secs_f64()
    )
}

/// The non-generation latency budget as a check: 20 sequential listTemplates requests,
/// average and p95 within budget.
pub async fn latency_budget(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let sampled = measure::templates_latency(&api, 20).await;
    within(&sampled, LATENCY_AVG_MS, LATENCY_P95_MS)
}

/// The state store's write path as a check: after a generation's `complete` event its
/// state reads COMPLETE, within one read's p95 budget.
pub async fn state_store_budget(target: &Target) -> Outcome {
    let api = Api::new(target)?;
    let (streams, state) = measure::sequential_streams(&api, 1).await;
    let write = state.write;
    if let Some(error) = streams.first().and_then(|s| s.error.clone()) {
        return Err(Failure::new(format!(
            "the generation did not complete: {error}"
        )));
    }
    if let Some(error) = write.first_error.clone() {
        return Err(Failure::new(error));
    }
    let latency = write
        .latency
        .ok_or_else(|| Failure::new("no state write was measured"))?;
    ensure(latency.max_ms < LATENCY_P95_MS, || {
        format!(
            "the state read COMPLETE {:.2} ms after the complete event, over budget ({LATENCY_P95_MS} ms)",
            latency.max_ms
        )
    })
}

fn within(sampled: &Sampled, avg_ms: f64, p95_ms: f64) -> Outcome {
    if let Some(error) = &sampled.first_error {
        return Err(Failure::new(format!(
            "{} of {} {} requests failed: {error}",
            sampled.errors, sampled.requests, sampled.what
        )));
    }
    let latency = sampled
        .latency
        .ok_or_else(|| Failure::new(format!("no {} request succeeded", sampled.what)))?;
    let mut over = Vec::new();
    if latency.avg_ms >= avg_ms {
        over.push(format!("average {:.2} ms >= {avg_ms} ms", latency.avg_ms));
    }
    if latency.p95_ms >= p95_ms {
        over.push(format!("p95 {:.2} ms >= {p95_ms} ms", latency.p95_ms));
    }
    ensure(over.is_empty(), || {
        format!(
            "{} over budget across {} requests: {}",
            sampled.what,
            latency.count,
            over.join(", ")
        )
    })
}
