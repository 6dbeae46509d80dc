//! The closed-loop measurements of the performance suite: sequential samples of one
//! operation, sequential and concurrent generations, and the state store through the API.

use std::future::Future;
use std::num::NonZeroU64;
use std::sync::Arc;
use std::time::Instant;

use sb_runtime::checks::perf::{Latency, histogram, record};
use sb_runtime::{Failure, Outcome};
use sb_stream::SseLimits;
use sitebuilder_contract::agents::types as at;
use sitebuilder_contract::generation::types as gt;

use super::{Concurrent, Sampled, StreamTiming};
use crate::api::{Api, ensure, typed};
use crate::e2e::await_complete_counting;
use crate::stream::{self, Recorded};

/// Calls `call` once to warm up, then `n` times in sequence, timing each success.
pub async fn sample<F, Fut>(what: &str, n: usize, mut call: F) -> Sampled
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let _ = call(0).await;
    let mut histogram = histogram();
    let mut sampled = Sampled {
        what: what.to_string(),
        ..Sampled::default()
    };
    for i in 0..n {
        let started = Instant::now();
        let outcome = call(i).await;
        sampled.requests += 1;
        match outcome {
            Ok(()) => {
                let elapsed = started.elapsed();
                record(&mut histogram, elapsed);
                sampled.samples_ms.push(elapsed.as_secs_f64() * 1000.0);
            }
            Err(failure) => {
                sampled.errors += 1;
                sampled.first_error.get_or_insert(failure.reason);
            }
        }
    }
    sampled.latency = (!histogram.is_empty()).then(|| Latency::of(&histogram));
    sampled
}

/// `n` sequential listTemplates requests.
pub async fn templates_latency(api: &Api, n: usize) -> Sampled {
    sample("listTemplates", n, |_| async {
        let list = api
            .call(
                "listTemplates",
                api.generation
                    .list_templates(&api.tenant()?, &api.tenant()?),
            )
            .await?
            .into_inner();
        ensure(!list.templates.is_empty(), || {
            "the template list is empty".into()
        })
    })
    .await
}

/// The timings of a recorded stream (the rule `timings`), and why it did not succeed, if it
/// did not.
pub fn timing(recorded: &Recorded) -> StreamTiming {
    StreamTiming {
        ttft: recorded.ttft(),
        ttlt: recorded.ttlt(),
        events: recorded.events().len(),
        chunks: recorded.chunks().len(),
        error: recorded.expect_complete().err().map(|f| f.reason),
    }
}

fn failed(error: Failure) -> StreamTiming {
    StreamTiming {
        error: Some(error.reason),
        ..StreamTiming::default()
    }
}

/// The state store's write path as seen by [`sequential_streams`].
#[derive(Debug, Clone, Default)]
pub struct Writes {
    /// From the `complete` event until the state reads COMPLETE.
    pub write: Sampled,
    /// From the request until the state reads COMPLETE.
    pub path: Option<Latency>,
    /// Generations COMPLETE at the first read.
    pub visible_at_first_read: u64,
    /// Most reads one generation needed.
    pub most_reads: u32,
    /// Ids of the generations that completed.
    pub generations: Vec<String>,
}

/// `n` sequential generations: their timings, and the state store's write visibility
/// (complete event to a COMPLETE read) and whole write path (send to a COMPLETE read).
pub async fn sequential_streams(api: &Api, n: usize) -> (Vec<StreamTiming>, Writes) {
    let mut timings = Vec::new();
    let mut write_histogram = histogram();
    let mut path_histogram = histogram();
    let mut write = Sampled {
        what: "state write (complete event -> getGeneration reads COMPLETE)".into(),
        ..Sampled::default()
    };
    let mut ids = Vec::new();
    let (mut first_read, mut most_reads) = (0, 0);
    for _ in 0..n {
        let request = match stream::page_request("Create a landing page") {
            Ok(request) => request,
            Err(e) => {
                timings.push(failed(e));
                continue;
            }
        };
        let recorded = match stream::limits(api) {
            Ok(limits) => stream::generate(api, &request, limits).await,
            Err(e) => Err(e),
        };
        let recorded = match recorded {
            Ok(recorded) => recorded,
            Err(e) => {
                timings.push(failed(e));
                continue;
            }
        };
        timings.push(timing(&recorded));
        let (Some(complete), Some(completed_at)) = (recorded.complete(), recorded.completed_at())
        else {
            continue;
        };
        write.requests += 1;
        match await_complete_counting(api, &complete.generation_id).await {
            Ok((_, reads)) => {
                first_read += u64::from(reads == 1);
                most_reads = most_reads.max(reads);
                record(&mut write_histogram, completed_at.elapsed());
                record(&mut path_histogram, recorded.sent_at.elapsed());
                ids.push(complete.generation_id.to_string());
            }
            Err(failure) => {
                write.errors += 1;
                write.first_error.get_or_insert(failure.reason);
            }
        }
    }
    write.latency = (!write_histogram.is_empty()).then(|| Latency::of(&write_histogram));
    let path = (!path_histogram.is_empty()).then(|| Latency::of(&path_histogram));
    let writes = Writes {
        write,
        path,
        visible_at_first_read: first_read,
        most_reads,
        generations: ids,
    };
    (timings, writes)
}

/// `n` getGeneration reads, round-robin over `ids` (the demo generation when empty).
pub async fn state_reads(api: &Api, ids: &[String], n: usize) -> Sampled {
    let ids: Vec<String> = if ids.is_empty() {
        vec!["gen-demo-0001".to_string()]
    } else {
        ids.to_vec()
    };
    sample("getGeneration", n, |i| {
        let id = ids[i % ids.len()].clone();
        async move {
            let id: gt::GetGenerationGenerationId = typed(&id, "generationId")?;
            let generation = api
                .call(
                    "getGeneration",
                    api.generation
                        .get_generation(&api.tenant()?, &id, &api.tenant()?),
                )
                .await?
                .into_inner();
            ensure(generation.status == gt::GenerationStatus::Complete, || {
                format!(
                    "generation {} is {}",
                    *generation.generation_id, generation.status
                )
            })
        }
    })
    .await
}

/// `n` generations started at once, each read within `limits` (generatePage's
/// `concurrentMaxMs`).
pub async fn concurrent(api: &Arc<Api>, n: usize, limits: SseLimits) -> Concurrent {
    let started = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let api = api.clone();
            tokio::spawn(async move {
                let request = stream::page_request(&format!("Create a simple page, number {i}"))?;
                stream::generate(&api, &request, limits).await
            })
        })
        .collect();
    let mut streams = Vec::new();
    for task in tasks {
        streams.push(match task.await {
            Ok(Ok(recorded)) => timing(&recorded),
            Ok(Err(failure)) => failed(failure),
            Err(e) => failed(Failure::new(format!("the generation task failed: {e}"))),
        });
    }
    Concurrent {
        streams,
        wall: started.elapsed(),
    }
}

/// `n` sequential generateLogo requests of 4 options.
pub async fn logos(api: &Api, n: usize) -> Sampled {
    // The logo budget (generateLogo's maxMs) holds for every single call: no warm-up, every
    // request counts.
    let mut histogram = histogram();
    let mut sampled = Sampled {
        what: "generateLogo".into(),
        ..Sampled::default()
    };
    for _ in 0..n {
        let started = Instant::now();
        sampled.requests += 1;
        match logo(api).await {
            Ok(()) => {
                let elapsed = started.elapsed();
                record(&mut histogram, elapsed);
                sampled.samples_ms.push(elapsed.as_secs_f64() * 1000.0);
            }
            Err(failure) => {
                sampled.errors += 1;
                sampled.first_error.get_or_insert(failure.reason);
            }
        }
    }
    sampled.latency = (!histogram.is_empty()).then(|| Latency::of(&histogram));
    sampled
}

async fn logo(api: &Api) -> Outcome {
    let request = at::LogoRequest {
        prompt: typed("Tech company logo", "the logo prompt")?,
        count: NonZeroU64::new(4).expect("4 is not zero"),
        colors: Vec::new(),
        style: None,
    };
    let logos = api
        .call(
            "generateLogo",
            api.agents.generate_logo(&api.tenant()?, &request),
        )
        .await?
        .into_inner();
    ensure(logos.results.len() == 4, || {
        format!("asked for 4 logos, got {}", logos.results.len())
    })
}
