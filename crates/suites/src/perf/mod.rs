//! The performance suite (seed worker 3): non-generation latency, stream timings (TTFT and
//! TTLT), the state store's write and read paths, concurrent generations, logo generation
//! and an open-loop load, measured through the API into HDR histograms. [`run`] returns
//! every number as [`PerfResults`], with the budgets of the measured operations as the specs
//! give them (`x-slo`, read through the model); [`report`] judges the numbers against those
//! budgets and renders `tests/reports/performance_report.md`; [`plots`] draws its pictures.

pub mod load;
pub mod measure;
pub mod plots;
pub mod report;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sb_runtime::checks::perf::Latency;
use sb_runtime::{Failure, Outcome, Target};

use crate::api::{Api, ensure};
use crate::budget::{Budgets, Key};
use crate::contract;
use crate::stream;

pub use load::{LoadConfig, LoadResult};
pub use report::{ReportMeta, Row, render, rows};

/// The operation whose latency stands for the non-generation endpoints.
pub const LATENCY_OPERATION: &str = "listTemplates";
/// The operation that reads the state store.
pub const STATE_OPERATION: &str = "getGeneration";
/// The operation that streams a generation.
pub const STREAM_OPERATION: &str = contract::GENERATE_PAGE;
/// The operation that generates logos.
pub const LOGO_OPERATION: &str = "generateLogo";

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
    /// The full suite of `cargo xtask perf`: the seed's sample sizes, with as many
    /// generations at once as generatePage's `concurrentCalls` and the load at the rate its
    /// operations' `ratePerMinute` holds (the smallest of them).
    pub fn full() -> Result<PerfConfig, Failure> {
        PerfConfig::full_from(&Budgets::compiled()?).map_err(Failure::new)
    }

    /// [`PerfConfig::full`] with the budgets of `budgets`; an error names a missing key.
    pub fn full_from(budgets: &Budgets) -> Result<PerfConfig, String> {
        let calls = budgets.get(STREAM_OPERATION, Key::ConcurrentCalls)?;
        let rate = budgets.strictest(&load::OPERATIONS, Key::RatePerMinute)?;
        Ok(PerfConfig {
            latency_samples: 100,
            stream_samples: 5,
            concurrent_generations: usize::try_from(calls).unwrap_or(usize::MAX),
            logo_samples: 3,
            load: LoadConfig::at(u32::try_from(rate).unwrap_or(u32::MAX)),
        })
    }

    /// A short run for `cargo test`: counts, not timings, are what it can assert.
    pub fn smoke() -> PerfConfig {
        PerfConfig {
            latency_samples: 10,
            stream_samples: 2,
            concurrent_generations: 3,
            logo_samples: 1,
            load: LoadConfig {
                duration: Duration::from_secs(2),
                ..LoadConfig::at(240)
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
    /// Each successful request's latency in milliseconds, in order, for the report's
    /// distribution picture (the histogram keeps only the summary).
    pub samples_ms: Vec<f64>,
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
    /// The `x-slo` of every operation of the specs: what the report judges the run against.
    pub budgets: Budgets,
    /// The specs' servers, `(url, description)`, for the report's advice.
    pub servers: Vec<(String, String)>,
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
    let budgets = Budgets::compiled()?;
    let servers = contract::servers()?;
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
    // Each concurrent stream is read for as long as generatePage's concurrentMaxMs allows;
    // without it, as long as any generation (lastChunkMs), and the report says it is missing.
    let limits = match budgets.duration(STREAM_OPERATION, Key::ConcurrentMaxMs) {
        Ok(total) => stream::limits_within(&api, total),
        Err(_) => stream::limits(&api)?,
    };
    let concurrent = measure::concurrent(&api, config.concurrent_generations, limits).await;
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
        budgets,
        servers,
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
/// average and p95 within its `avgMs` and `p95Ms`.
pub async fn latency_budget(target: &Target) -> Outcome {
    let budgets = Budgets::compiled()?;
    let avg = budgets
        .get(LATENCY_OPERATION, Key::AvgMs)
        .map_err(Failure::new)?;
    let p95 = budgets
        .get(LATENCY_OPERATION, Key::P95Ms)
        .map_err(Failure::new)?;
    let api = Api::new(target)?;
    let sampled = measure::templates_latency(&api, 20).await;
    within(&sampled, avg as f64, p95 as f64)
}

/// The state store's write path as a check: after a generation's success event its state
/// reads COMPLETE within one read's budget (getGeneration's `p95Ms`).
pub async fn state_store_budget(target: &Target) -> Outcome {
    let budget = Budgets::compiled()?
        .get(STATE_OPERATION, Key::P95Ms)
        .map_err(Failure::new)?;
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
    ensure(latency.max_ms < budget as f64, || {
        format!(
            "the state read COMPLETE {:.2} ms after the complete event, over budget ({budget} ms, \
             {STATE_OPERATION}'s p95Ms)",
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
