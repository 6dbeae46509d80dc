//! A short run of the whole performance suite (against an unpaced provider when embedded,
//! the deployment otherwise): it asserts the counts, the error rates and that the report
//! holds every row. Timings are measured by `cargo xtask perf`, not asserted here.

use sb_suites::budget::Key;
use sb_suites::perf::{self, PerfConfig, PerfResults, ReportMeta};

/// The strictest `key` (a percentage) of `operations`' x-slo, as a share.
fn share(results: &PerfResults, operations: &[&str], key: Key) -> f64 {
    let pct = results
        .budgets
        .strictest(operations, key)
        .unwrap_or_else(|e| panic!("{e}"));
    pct as f64 / 100.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perf_smoke_measures_every_phase_and_reports_every_row() {
    let target = crate::unpaced_or_shared().await;
    let config = PerfConfig::smoke();
    let results = perf::run(target, &config, &|_| {})
        .await
        .unwrap_or_else(|f| panic!("the perf suite did not run: {f}"));

    assert_eq!(results.latency.requests, 10);
    assert_eq!(
        results.latency.errors, 0,
        "{:?}",
        results.latency.first_error
    );
    assert_eq!(results.latency.latency.map(|l| l.count), Some(10));

    assert_eq!(results.streams.len(), 2);
    for stream in &results.streams {
        assert!(stream.succeeded(), "{:?}", stream.error);
        assert!(stream.ttft.is_some() && stream.ttlt.is_some() && stream.chunks > 0);
    }
    let state = &results.state;
    assert_eq!(
        (state.write.requests, state.write.errors),
        (2, 0),
        "{:?}",
        state.write.first_error
    );
    assert_eq!(
        (state.read.requests, state.read.errors),
        (10, 0),
        "{:?}",
        state.read.first_error
    );
    assert!(state.path.is_some());

    assert_eq!(results.concurrent.streams.len(), 3);
    assert!(
        results.concurrent.success_rate()
            >= share(
                &results,
                &[perf::STREAM_OPERATION],
                Key::ConcurrentSuccessPct
            ),
        "{:?}",
        results.concurrent.streams
    );

    assert_eq!(
        (results.logo.requests, results.logo.errors),
        (1, 0),
        "{:?}",
        results.logo.first_error
    );

    let load = &results.load;
    assert_eq!(load.requests, 8);
    assert!(
        load.error_rate() < share(&results, &perf::load::OPERATIONS, Key::ErrorPct),
        "{:?}",
        load.error_kinds
    );
    let per_operation: u64 = load.per_operation.iter().map(|o| o.requests).sum();
    assert_eq!(per_operation, 8);

    let meta = ReportMeta {
        environment: perf::report::environment_of(target.options().base_url.as_deref()),
        target: target.options().describe(),
        date: "smoke".into(),
        api_version: sb_suites::api::api_version().into(),
        build: "test".into(),
        command: "cargo test --test suites".into(),
    };
    let path = std::env::temp_dir().join(format!("sb-perf-smoke-{}.md", std::process::id()));
    std::fs::write(&path, perf::render(&results, &meta)).expect("writing the smoke report");
    let report = std::fs::read_to_string(&path).expect("reading the smoke report back");
    let _ = std::fs::remove_file(&path);
    let rows = perf::rows(&results);
    assert_eq!(rows.len(), 13);
    for row in &rows {
        let line = format!("| {} | {} | {} |", row.metric, row.target, row.actual);
        assert!(report.contains(&line), "the report lacks the row `{line}`");
    }
    for seed_row in [
        "Non-gen endpoint latency (avg)",
        "Non-gen endpoint latency (P95)",
        "TTFT",
        "TTLT",
        "Image generation",
        "Concurrent requests (3)",
        "Load test (240 req/min)",
    ] {
        assert!(
            report.contains(&format!("| {seed_row} |")),
            "the report lacks the seed's row `{seed_row}`"
        );
    }
    for section in [
        "## Test Environment",
        "## Results Summary",
        "## Detailed Results",
        "## Recommendations",
    ] {
        assert!(report.contains(section), "the report lacks `{section}`");
    }
}
