//! The open-loop load's schedule and summary (`sb_suites::perf::load`), without a server.

use std::time::Duration;

use sb_suites::perf::load::{Answer, LoadConfig, summarise};

#[test]
fn the_schedule_follows_the_rate() {
    let config = LoadConfig::at(100);
    assert_eq!(config.planned(), 100);
    assert_eq!(config.interval(), Duration::from_millis(600));
    let smoke = LoadConfig {
        duration: Duration::from_secs(5),
        ..LoadConfig::at(240)
    };
    assert_eq!(smoke.planned(), 20);
}

#[test]
fn a_load_that_sends_nothing_is_refused() {
    let zero = LoadConfig::at(0);
    assert!(zero.validate().unwrap_err().reason.contains("--rate"));
    let short = LoadConfig {
        duration: Duration::from_secs(10),
        ..LoadConfig::at(1)
    };
    assert!(
        short
            .validate()
            .unwrap_err()
            .reason
            .contains("sends no request")
    );
}

#[test]
fn missing_answers_count_as_errors() {
    let answers = vec![
        Answer {
            operation: 0,
            intended: Duration::ZERO,
            latency: Duration::from_millis(3),
            error: None,
        },
        Answer {
            operation: 1,
            intended: Duration::from_millis(600),
            latency: Duration::from_secs(5),
            error: Some("timeout after 5 s".into()),
        },
    ];
    let config = LoadConfig::at(100);
    let result = summarise(
        &config,
        4,
        &answers,
        2,
        Duration::ZERO,
        Duration::from_secs(60),
    );
    assert_eq!(result.errors, 3);
    assert_eq!(result.error_kinds["no answer"], 2);
    assert!((result.error_rate() - 0.75).abs() < 1e-9);
    assert_eq!(result.latency.map(|l| l.count), Some(1));
    assert_eq!(result.per_operation[1].operation, "validateSite(test-site)");
    // Sends follow the schedule (600 ms apart), answers the time they arrived.
    let sent: Vec<u64> = result.timeline.iter().map(|s| s.sent).collect();
    assert_eq!(sent, [2, 2, 0, 0, 0, 0]);
    assert_eq!(
        (result.timeline[0].answered, result.timeline[5].errors),
        (1, 1)
    );
    // HDR histograms (3 significant digits) report 3 ms as 3.001.
    assert!(
        result.timeline[0]
            .p95_ms
            .is_some_and(|p| (p - 3.0).abs() < 0.01)
    );
    assert_eq!(result.timeline[1].p95_ms, None);
}
