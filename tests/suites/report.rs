//! The performance report (`sb_suites::perf::report` and its pictures) on a run with fixed
//! numbers: each row judged against the specs' budgets, the recommendations, the rendering.

use std::collections::BTreeMap;
use std::time::Duration;

use sb_runtime::checks::perf::Latency;
use sb_suites::budget::{Budgets, Key};
use sb_suites::perf::load::{LoadResult, LoadSecond, OperationLoad};
use sb_suites::perf::report::{environment_in, environment_of, recommendations};
use sb_suites::perf::{
    Concurrent, LATENCY_OPERATION, LOGO_OPERATION, PerfConfig, PerfResults, ReportMeta, Row,
    STREAM_OPERATION, Sampled, StateStore, StreamTiming, plots, render, rows,
};

use crate::budget::testing;

fn latency(count: u64, avg: f64, p95: f64) -> Latency {
    Latency {
        count,
        avg_ms: avg,
        p50_ms: avg * 0.9,
        p95_ms: p95,
        p99_ms: p95 * 1.5,
        max_ms: p95 * 2.0,
    }
}

fn sampled(what: &str, requests: u64, errors: u64, l: Option<Latency>) -> Sampled {
    Sampled {
        what: what.into(),
        requests,
        errors,
        first_error: (errors > 0).then(|| format!("{what}: status 500")),
        latency: l,
        samples_ms: (0..requests - errors)
            .map(|i| 1.0 + i as f64 * 0.01)
            .collect(),
    }
}

fn stream(ttft_ms: u64, ttlt_ms: u64) -> StreamTiming {
    StreamTiming {
        ttft: Some(Duration::from_millis(ttft_ms)),
        ttlt: Some(Duration::from_millis(ttlt_ms)),
        events: 24,
        chunks: 11,
        error: None,
    }
}

/// A run with fixed numbers: everything met except the load's error rate, and one
/// concurrent stream that stalled.
fn fixture() -> PerfResults {
    let mut concurrent: Vec<StreamTiming> = (0..9)
        .map(|i| stream(400 + 10 * i, 1500 + 20 * i))
        .collect();
    concurrent.push(StreamTiming {
        ttft: Some(Duration::from_millis(450)),
        ttlt: None,
        events: 7,
        chunks: 3,
        error: Some(
            "the stream stalled: nothing arrived for a while after 16.0 s and 7 events".into(),
        ),
    });
    PerfResults {
        config: PerfConfig::full().expect("the compiled specs give the full run"),
        latency: sampled("listTemplates", 100, 0, Some(latency(100, 1.25, 2.5))),
        streams: vec![stream(160, 1400), stream(170, 1420), stream(155, 1390)],
        state: StateStore {
            write: sampled("state write", 3, 0, Some(latency(3, 1.5, 2.0))),
            path: Some(latency(3, 1420.0, 1450.0)),
            read: sampled("getGeneration", 100, 0, Some(latency(100, 1.1, 1.9))),
            visible_at_first_read: 3,
            most_reads: 1,
        },
        concurrent: Concurrent {
            streams: concurrent,
            wall: Duration::from_millis(16_100),
        },
        logo: sampled("generateLogo", 3, 0, Some(latency(3, 4.0, 6.0))),
        load: LoadResult {
            rate_per_min: 100,
            duration: Duration::from_secs(60),
            request_timeout: Duration::from_secs(5),
            requests: 100,
            errors: 6,
            error_kinds: BTreeMap::from([
                ("status 500".to_string(), 4),
                ("timeout after 5 s".to_string(), 2),
            ]),
            latency: Some(latency(94, 2.0, 4.0)),
            per_operation: vec![
                OperationLoad {
                    operation: "listTemplates".into(),
                    requests: 50,
                    errors: 0,
                    latency: Some(latency(50, 1.5, 3.0)),
                    samples_ms: vec![1.5; 50],
                },
                OperationLoad {
                    operation: "validateSite(test-site)".into(),
                    requests: 50,
                    errors: 6,
                    latency: Some(latency(44, 2.5, 4.0)),
                    samples_ms: vec![2.5; 44],
                },
            ],
            max_send_lag: Duration::from_micros(1800),
            elapsed: Duration::from_millis(59_450),
            timeline: (0..60)
                .map(|second| LoadSecond {
                    second,
                    sent: 2 - second % 3 / 2,
                    answered: 2 - second % 3 / 2 - u64::from(second % 10 == 0),
                    errors: u64::from(second % 10 == 0),
                    p95_ms: Some(3.0 + (second % 7) as f64 / 2.0),
                })
                .collect(),
        },
        elapsed: Duration::from_millis(82_300),
        budgets: Budgets::compiled().expect("the compiled specs load"),
        servers: sb_suites::contract::servers().expect("the compiled specs load"),
    }
}

#[test]
fn the_pictures_draw_every_measurement_with_its_budget_and_the_report_links_them() {
    let pictures = plots::pictures(&fixture()).unwrap();
    let files: Vec<_> = pictures.iter().map(|p| p.file).collect();
    assert_eq!(
        files,
        [plots::LATENCY_SVG, plots::STREAMS_SVG, plots::LOAD_SVG]
    );
    let report = render(&fixture(), &meta());
    for picture in &pictures {
        assert!(picture.svg.starts_with("<svg"), "{}", picture.file);
        assert!(report.contains(&format!("]({})", picture.file)));
    }
    // The budgets are the specs' x-slo, drawn as lines with their key.
    let b = Budgets::compiled().unwrap();
    let line =
        |op: &str, key: Key| format!("budget: {} {} ms", key.name(), b.get(op, key).unwrap());
    assert!(
        pictures[0]
            .svg
            .contains(&line(LATENCY_OPERATION, Key::P95Ms))
    );
    assert!(pictures[0].svg.contains(&line(LOGO_OPERATION, Key::MaxMs)));
    assert!(
        pictures[1]
            .svg
            .contains(&line(STREAM_OPERATION, Key::FirstChunkMs))
    );
    assert!(
        pictures[1]
            .svg
            .contains(&line(STREAM_OPERATION, Key::LastChunkMs))
    );
    assert!(pictures[2].svg.contains("answered ok (by arrival)"));
    assert!(
        pictures[0]
            .svg
            .contains("validateSite(test-site), open-loop load")
    );
}

fn meta() -> ReportMeta {
    ReportMeta {
        environment: "LOCAL".into(),
        target: "embedded reference provider".into(),
        date: "2026-01-15 10:00 UTC".into(),
        api_version: "1.0.0".into(),
        build: "debug".into(),
        command: "cargo xtask perf".into(),
    }
}

#[test]
fn the_report_renders_every_section_and_row() {
    insta::assert_snapshot!(render(&fixture(), &meta()));
}

#[test]
fn rows_judge_each_target() {
    let rows = rows(&fixture());
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.pass)
        .map(|r| r.metric.as_str())
        .collect();
    // 9 of 10 concurrent streams is 90 %: met; 6 % load errors: missed.
    assert_eq!(failed, ["Load test (100 req/min)"]);
    assert_eq!(rows[0].actual, "1.25ms");
    assert_eq!(rows[2].actual, "0.170s");
}

#[test]
fn a_missing_measurement_fails_its_row() {
    let mut results = fixture();
    results.streams.push(StreamTiming {
        error: Some("no chunk".into()),
        ..StreamTiming::default()
    });
    results.logo = sampled("generateLogo", 3, 3, None);
    let rows = rows(&results);
    let ttft = rows.iter().find(|r| r.metric == "TTFT").unwrap();
    assert_eq!((ttft.actual.as_str(), ttft.pass), ("n/a", false));
    let logo = rows
        .iter()
        .find(|r| r.metric == "Image generation")
        .unwrap();
    assert!(!logo.pass);
}

#[test]
fn recommendations_name_the_failure_and_the_closest_budget() {
    let results = fixture();
    let lines = recommendations(&results, &rows(&results), &meta());
    assert!(
        lines[0]
            .starts_with("**Load test (100 req/min)** misses its target (6.0% against < 5% error)"),
        "{lines:?}"
    );
    // The concurrent max duration is absent (a stream stalled), so the highest share
    // among met targets is the success rate: 10 % failed of the 20 % allowed.
    assert!(
        lines[1].starts_with("Closest to its budget: **Concurrent requests (10)** at 50%"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("TTFT degrades under concurrency")),
        "{lines:?}"
    );
}

#[test]
fn a_slow_cold_path_is_called_out() {
    let mut results = fixture();
    results.load.per_operation[0].latency = Some(latency(50, 5.0, 8.0));
    let lines = recommendations(&results, &rows(&results), &meta());
    let cold = lines
        .iter()
        .find(|l| l.starts_with("listTemplates sent alone"))
        .expect("a cold-path recommendation");
    assert!(
        cold.contains("4.0x longer") && cold.contains("4.50ms against 1.12ms"),
        "{cold}"
    );
    assert!(
        cold.contains("the rest is the cost of a cold path"),
        "{cold}"
    );
    // When the generator itself lagged as much, the report says so instead.
    results.load.max_send_lag = Duration::from_millis(10);
    let lines = recommendations(&results, &rows(&results), &meta());
    assert!(
        lines
            .iter()
            .any(|l| l.contains("may be the measuring machine's timers")),
        "{lines:?}"
    );
}

#[test]
fn a_late_state_write_is_called_out() {
    let mut results = fixture();
    results.state.visible_at_first_read = 1;
    results.state.most_reads = 4;
    let lines = recommendations(&results, &rows(&results), &meta());
    assert!(
        lines.iter().any(
            |l| l.starts_with("2 of 3 generations were not yet COMPLETE")
                && l.contains("up to 4 reads")
        ),
        "{lines:?}"
    );
}

#[test]
fn environments_follow_the_specs_servers() {
    assert_eq!(environment_of(None), "LOCAL");
    assert_eq!(environment_of(Some("https://api.dev.kimmyai.io/v1")), "DEV");
    assert_eq!(environment_of(Some("https://api.sit.kimmyai.io/v1")), "SIT");
    assert_eq!(environment_of(Some("https://API.kimmyai.io/v2/")), "PROD");
    assert_eq!(environment_of(Some("http://127.0.0.1:8080/v1")), "LOCAL");
    assert_eq!(environment_of(Some("http://10.0.0.1/v1")), "CUSTOM");
    let servers = testing::spec("openapi/test-api.yaml", &[]).servers();
    assert_eq!(
        environment_in(&servers, Some("https://api.example.test/v1")),
        "STAGING"
    );
    assert_eq!(
        environment_in(&servers, Some("https://api.dev.kimmyai.io/v1")),
        "CUSTOM"
    );
}

#[test]
fn the_local_advice_names_the_specs_first_deployed_server() {
    let mut results = fixture();
    results.servers = testing::spec("openapi/test-api.yaml", &[]).servers();
    let lines = recommendations(&results, &rows(&results), &meta());
    assert!(
        lines.iter().any(|l| l
            .contains("run `cargo xtask perf --base-url https://api.example.test/v1 --token ...`")),
        "{lines:?}"
    );
}

fn target<'r>(rows: &'r [Row], metric: &str) -> &'r Row {
    rows.iter()
        .find(|r| r.metric.starts_with(metric))
        .unwrap_or_else(|| panic!("no row `{metric}` in {rows:?}"))
}

#[test]
fn targets_follow_the_spec_numbers() {
    let mut results = fixture();
    results.budgets = testing::budgets(&[
        (
            "listTemplates",
            "{avgMs: 15, p95Ms: 30, ratePerMinute: 100, errorPct: 3}",
        ),
        (
            "generatePage",
            "{firstChunkMs: 2500, lastChunkMs: 45000, concurrentCalls: 10, concurrentSuccessPct: 95, concurrentMaxMs: 90000}",
        ),
        ("generateLogo", "{maxMs: 12000}"),
        ("getGeneration", "{avgMs: 1, p95Ms: 2}"),
    ]);
    let rows = rows(&results);
    let targets: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.metric.as_str(), r.target.as_str()))
        .collect();
    assert_eq!(
        targets,
        [
            ("Non-gen endpoint latency (avg)", "< 15ms"),
            ("Non-gen endpoint latency (P95)", "< 30ms"),
            ("TTFT", "< 2.5s"),
            ("TTLT", "< 45s"),
            ("Image generation", "< 12s"),
            ("Concurrent requests (10)", "95% success"),
            ("Load test (100 req/min)", "< 3% error"),
            (
                "Concurrent generation duration (max of 9 completed)",
                "< 90s"
            ),
            ("TTFT under concurrency (worst of 9 completed)", "< 2.5s"),
            // The strictest of listTemplates' 30 and validateSite's 20.
            ("Load test latency (P95, from intended send)", "< 20ms"),
            (
                "State store write (complete -> reads COMPLETE, P95)",
                "< 2ms"
            ),
            ("State store read (getGeneration) (avg)", "< 1ms"),
            ("State store read (getGeneration) (P95)", "< 2ms"),
        ]
    );
    // 90 % of the concurrent streams succeeded: enough for 80 %, not for 95 %.
    assert!(!target(&rows, "Concurrent requests").pass);
    assert!(!target(&rows, "State store read (getGeneration) (avg)").pass);
    assert!(target(&rows, "TTFT").pass);
}

/// A provider that serialises generations meets firstChunkMs for one stream alone but
/// not for the streams queued behind it: the concurrency row for TTFT fails.
#[test]
fn a_slow_first_chunk_under_concurrency_fails_its_row() {
    let mut results = fixture();
    let slow = results
        .concurrent
        .streams
        .iter_mut()
        .find(|s| s.succeeded())
        .expect("the fixture has a completed concurrent stream");
    slow.ttft = Some(Duration::from_millis(9_000));
    let rows = rows(&results);
    assert!(
        target(&rows, "TTFT").pass,
        "one stream alone is within budget"
    );
    assert!(!target(&rows, "TTFT under concurrency").pass);
}

#[test]
fn a_missing_budget_fails_its_row_and_names_the_operation_and_key() {
    let mut results = fixture();
    results.budgets = testing::budgets(&[
        (
            "generatePage",
            "{lastChunkMs: 60000, concurrentCalls: 10, concurrentSuccessPct: 80, concurrentMaxMs: 120000}",
        ),
        ("validateSite", "{avgMs: 10, p95Ms: 20, ratePerMinute: 100}"),
    ]);
    let rows = rows(&results);
    let ttft = target(&rows, "TTFT");
    let why = "generatePage (openapi/test-api.yaml) has no x-slo `firstChunkMs`; add it to \
               the operation's x-slo (openapi/EXTENSIONS.md)";
    assert_eq!(ttft.missing.as_deref(), Some(why));
    assert_eq!(ttft.target, format!("none: {why}"));
    assert_eq!((ttft.actual.as_str(), ttft.pass), ("0.170s", false));
    let load = target(&rows, "Load test (");
    assert!(!load.pass);
    assert!(
        load.target
            .starts_with("none: validateSite (openapi/test-api.yaml) has no x-slo `errorPct`"),
        "{}",
        load.target
    );
    assert!(target(&rows, "TTLT").pass);

    let report = render(&results, &meta());
    assert!(
        report.contains(&format!("| TTFT | none: {why} | 0.170s | FAIL |")),
        "{report}"
    );
    let lines = recommendations(&results, &rows, &meta());
    assert!(
        lines.contains(&format!("**TTFT** has no target (0.170s measured): {why}")),
        "{lines:?}"
    );
}

#[test]
fn the_full_run_takes_its_scale_from_the_spec() {
    let config = PerfConfig::full().expect("the compiled specs give the full run");
    assert_eq!(config.concurrent_generations, 10);
    assert_eq!(config.load.rate_per_min, 100);
    let budgets = testing::budgets(&[
        ("generatePage", "{concurrentCalls: 4}"),
        ("validateSite", "{ratePerMinute: 60}"),
    ]);
    let config = PerfConfig::full_from(&budgets).expect("both keys are given");
    assert_eq!(
        (config.concurrent_generations, config.load.rate_per_min),
        (4, 60)
    );
    let budgets = testing::budgets(&[("generatePage", "{firstChunkMs: 2000}")]);
    let error = PerfConfig::full_from(&budgets).expect_err("concurrentCalls is missing");
    assert!(
        error.starts_with("generatePage (openapi/test-api.yaml) has no x-slo `concurrentCalls`"),
        "{error}"
    );
}
