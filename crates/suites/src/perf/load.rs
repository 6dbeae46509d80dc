//! The open-loop load: requests leave on a fixed schedule whether or not earlier ones have
//! answered, and each latency counts from its INTENDED send time, so a slow server shows
//! up as latency instead of silently lowering the rate (no coordinated omission).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::Error as ClientError;
use sb_runtime::Failure;
use sb_runtime::checks::perf::{Latency, histogram, record};
use sitebuilder_contract::validation::types as vt;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::Progress;
use crate::api::{Api, typed};

/// The operations of the mix, alternating (seed: templates, validate, templates, ...).
pub const OPERATIONS: [&str; 2] = ["listTemplates", "validateSite"];

/// Shape of the load.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Requests per minute (`cargo xtask perf`: the operations' `ratePerMinute`).
    pub rate_per_min: u32,
    /// How long requests are sent (seed: 60 s).
    pub duration: Duration,
    /// Longest wait for one answer (seed: 5 s); a request that takes longer is an error.
    pub request_timeout: Duration,
    /// The site validateSite is asked about (seed: test-site).
    pub site: String,
}

impl LoadConfig {
    /// A load of `rate_per_min` requests a minute for the seed's 60 s, each answered within
    /// 5 s, validating the seed's site.
    pub fn at(rate_per_min: u32) -> LoadConfig {
        LoadConfig {
            rate_per_min,
            duration: Duration::from_secs(60),
            request_timeout: Duration::from_secs(5),
            site: "test-site".to_string(),
        }
    }

    /// Fails on a rate or duration that sends nothing.
    pub fn validate(&self) -> Result<(), Failure> {
        if self.rate_per_min == 0 {
            return Err(Failure::new(
                "the load rate is 0 requests per minute; give --rate 1 or more",
            ));
        }
        if self.planned() == 0 {
            return Err(Failure::new(format!(
                "{} requests per minute for {:.1} s sends no request; raise --rate or --duration",
                self.rate_per_min,
                self.duration.as_secs_f64()
            )));
        }
        Ok(())
    }

    /// Gap between two intended sends.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(60.0 / f64::from(self.rate_per_min.max(1)))
    }

    /// Requests the schedule holds.
    pub fn planned(&self) -> u64 {
        (self.duration.as_secs_f64() * f64::from(self.rate_per_min) / 60.0).floor() as u64
    }
}

/// The latency of one operation of the mix.
#[derive(Debug, Clone, Default)]
pub struct OperationLoad {
    pub operation: String,
    pub requests: u64,
    pub errors: u64,
    /// Successful requests, from their intended send time.
    pub latency: Option<Latency>,
    /// The same, each in milliseconds, in the order they answered (for the report's picture).
    pub samples_ms: Vec<f64>,
}

/// One second of the load, for the report's picture of the load over time: whether the API
/// kept up (answers per second follow sends per second) and how its tail moved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadSecond {
    /// Seconds since the first intended send.
    pub second: u64,
    /// Requests whose intended send fell in this second.
    pub sent: u64,
    /// Successful answers that arrived in this second.
    pub answered: u64,
    /// Failed answers that arrived in this second.
    pub errors: u64,
    /// p95 latency (from the intended send) of the successful requests sent in this second.
    pub p95_ms: Option<f64>,
}

/// Every number of the load.
#[derive(Debug, Clone, Default)]
pub struct LoadResult {
    pub rate_per_min: u32,
    pub duration: Duration,
    pub request_timeout: Duration,
    /// Requests scheduled and sent.
    pub requests: u64,
    /// Requests that failed or timed out.
    pub errors: u64,
    /// Failures by kind (`timeout`, `status 500`, ...).
    pub error_kinds: BTreeMap<String, u64>,
    /// All successful requests, from their intended send time.
    pub latency: Option<Latency>,
    pub per_operation: Vec<OperationLoad>,
    /// The latest a request left after its intended time (the generator's own lag).
    pub max_send_lag: Duration,
    /// From the first intended send until the last answer.
    pub elapsed: Duration,
    /// Second by second, from the first intended send.
    pub timeline: Vec<LoadSecond>,
}

impl LoadResult {
    /// Failed share of the requests.
    pub fn error_rate(&self) -> f64 {
        if self.requests == 0 {
            return 1.0;
        }
        self.errors as f64 / self.requests as f64
    }
}

/// One request's answer, as the load collects them.
// pub for the integration tests (tests/suites/load.rs)
#[doc(hidden)]
pub struct Answer {
    /// Its operation's index in [`OPERATIONS`].
    pub operation: usize,
    /// The intended send time, from the start of the schedule.
    pub intended: Duration,
    pub latency: Duration,
    pub error: Option<String>,
}

/// Runs the load against `api`.
pub async fn open_loop(
    api: Arc<Api>,
    config: &LoadConfig,
    progress: Progress<'_>,
) -> Result<LoadResult, Failure> {
    config.validate()?;
    let planned = config.planned();
    let interval = config.interval();
    progress(&format!(
        "load: {planned} requests at {} per minute over {:.0} s (open loop, {} ms apart)",
        config.rate_per_min,
        config.duration.as_secs_f64(),
        interval.as_millis()
    ));
    let site: vt::ValidateSiteSiteId = typed(&config.site, "the load test's site")?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Answer>();
    let start = Instant::now();
    let mut max_lag = Duration::ZERO;
    let mut answers = Vec::new();
    let mut last_report = start;
    for i in 0..planned {
        let intended = start + interval * i as u32;
        tokio::time::sleep_until(intended).await;
        max_lag = max_lag.max(intended.elapsed());
        let operation = (i % 2) as usize;
        let (api, site, tx, timeout) = (
            api.clone(),
            site.clone(),
            tx.clone(),
            config.request_timeout,
        );
        tokio::spawn(async move {
            let error = match tokio::time::timeout(timeout, send(&api, operation, &site)).await {
                Ok(result) => result.err(),
                Err(_) => Some(format!("timeout after {} s", timeout.as_secs_f64())),
            };
            let _ = tx.send(Answer {
                operation,
                intended: intended - start,
                latency: intended.elapsed(),
                error,
            });
        });
        while let Ok(answer) = rx.try_recv() {
            answers.push(answer);
        }
        if last_report.elapsed() >= Duration::from_secs(10) || i + 1 == planned {
            last_report = Instant::now();
            let errors = answers.iter().filter(|a| a.error.is_some()).count();
            progress(&format!(
                "load: {}/{planned} sent, {} answered, {errors} errors, {:.1} s",
                i + 1,
                answers.len(),
                start.elapsed().as_secs_f64()
            ));
        }
    }
    drop(tx);
    // Every request is bounded by its timeout, so the channel closes soon after that.
    let drain = config.request_timeout + Duration::from_secs(5);
    let deadline = Instant::now() + drain;
    while answers.len() < planned as usize {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(answer)) => answers.push(answer),
            Ok(None) | Err(_) => break,
        }
    }
    let elapsed = start.elapsed();
    let missing = planned.saturating_sub(answers.len() as u64);
    let result = summarise(config, planned, &answers, missing, max_lag, elapsed);
    progress(&format!(
        "load: {}/{planned} ok, {} errors ({:.1} %), {:.1} s",
        planned - result.errors,
        result.errors,
        result.error_rate() * 100.0,
        elapsed.as_secs_f64()
    ));
    Ok(result)
}

async fn send(api: &Api, operation: usize, site: &vt::ValidateSiteSiteId) -> Result<(), String> {
    let tenant = api.tenant_name();
    if operation == 0 {
        let tenant_id = typed(tenant, "tenant").map_err(|f| f.reason)?;
        let header = typed(tenant, "tenant").map_err(|f| f.reason)?;
        api.generation
            .list_templates(&tenant_id, &header)
            .await
            .map(drop)
            .map_err(kind)
    } else {
        let header = typed(tenant, "tenant").map_err(|f| f.reason)?;
        api.validation
            .validate_site(site, &header)
            .await
            .map(drop)
            .map_err(kind)
    }
}

fn kind<E>(error: ClientError<E>) -> String {
    match error {
        ClientError::ErrorResponse(rv) => format!("status {}", rv.status().as_u16()),
        ClientError::UnexpectedResponse(r) => format!("status {}", r.status().as_u16()),
        ClientError::InvalidResponsePayload(..) => "body does not match the spec".into(),
        ClientError::CommunicationError(_) => "connection error".into(),
        ClientError::ResponseBodyError(_) => "body read error".into(),
        _ => "client error".into(),
    }
}

/// The result of a load that sent `planned` requests, `missing` of them unanswered.
// pub for the integration tests (tests/suites/load.rs)
#[doc(hidden)]
pub fn summarise(
    config: &LoadConfig,
    planned: u64,
    answers: &[Answer],
    missing: u64,
    max_send_lag: Duration,
    elapsed: Duration,
) -> LoadResult {
    let mut all = histogram();
    let mut per_operation: Vec<_> = OPERATIONS
        .iter()
        .map(|_| (histogram(), 0u64, 0u64, Vec::new()))
        .collect();
    let mut error_kinds = BTreeMap::new();
    for answer in answers {
        let (ops, requests, errors, samples) = &mut per_operation[answer.operation];
        *requests += 1;
        match &answer.error {
            None => {
                record(&mut all, answer.latency);
                record(ops, answer.latency);
                samples.push(answer.latency.as_secs_f64() * 1000.0);
            }
            Some(kind) => {
                *errors += 1;
                *error_kinds.entry(kind.clone()).or_insert(0) += 1;
            }
        }
    }
    if missing > 0 {
        error_kinds.insert("no answer".to_string(), missing);
    }
    let errors = error_kinds.values().sum();
    let timeline = timeline(config, planned, answers);
    LoadResult {
        rate_per_min: config.rate_per_min,
        duration: config.duration,
        request_timeout: config.request_timeout,
        requests: planned,
        errors,
        error_kinds,
        latency: (!all.is_empty()).then(|| Latency::of(&all)),
        per_operation: OPERATIONS
            .iter()
            .zip(per_operation)
            .map(|(name, (h, requests, errors, samples_ms))| OperationLoad {
                operation: if *name == "validateSite" {
                    format!("validateSite({})", config.site)
                } else {
                    (*name).to_string()
                },
                requests,
                errors,
                latency: (!h.is_empty()).then(|| Latency::of(&h)),
                samples_ms,
            })
            .collect(),
        max_send_lag,
        elapsed,
        timeline,
    }
}

/// The load second by second: sends from the schedule, answers by when they arrived, and the
/// p95 of the requests sent in each second.
fn timeline(config: &LoadConfig, planned: u64, answers: &[Answer]) -> Vec<LoadSecond> {
    let interval = config.interval();
    let last_send = (interval * planned.saturating_sub(1) as u32).as_secs();
    let last_answer = answers
        .iter()
        .map(|a| (a.intended + a.latency).as_secs())
        .max()
        .unwrap_or(0);
    let mut seconds: Vec<LoadSecond> = (0..=last_send.max(last_answer))
        .map(|second| LoadSecond {
            second,
            ..LoadSecond::default()
        })
        .collect();
    for i in 0..planned {
        seconds[(interval * i as u32).as_secs() as usize].sent += 1;
    }
    let mut latencies: Vec<_> = seconds.iter().map(|_| histogram()).collect();
    for answer in answers {
        let at = &mut seconds[(answer.intended + answer.latency).as_secs() as usize];
        if answer.error.is_some() {
            at.errors += 1;
        } else {
            at.answered += 1;
            record(
                &mut latencies[answer.intended.as_secs() as usize],
                answer.latency,
            );
        }
    }
    for (second, h) in seconds.iter_mut().zip(latencies) {
        second.p95_ms = (!h.is_empty()).then(|| Latency::of(&h).p95_ms);
    }
    seconds
}
