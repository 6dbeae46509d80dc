//! Judges a performance run against the budgets the specs give its operations (`x-slo`,
//! carried by [`PerfResults::budgets`]) and renders the report in the seed's template: Test
//! Environment, Results Summary (Metric | Target | Actual | Status), Detailed Results, and
//! Recommendations drawn from the numbers. A budget the spec does not give makes its row
//! fail, naming the operation and the missing key.

use std::fmt::Write as _;
use std::time::Duration;

use sb_runtime::checks::perf::Latency;

use super::plots;
use super::{
    LATENCY_OPERATION, LOGO_OPERATION, PerfResults, STATE_OPERATION, STREAM_OPERATION, Sampled,
    StreamTiming, load,
};
use crate::budget::{Budgets, Key};

/// Where and when the run happened.
#[derive(Debug, Clone)]
pub struct ReportMeta {
    /// DEV, SIT, PROD or LOCAL.
    pub environment: String,
    /// The target: "embedded reference provider" or its base URL.
    pub target: String,
    /// When the run happened (UTC).
    pub date: String,
    /// The spec's `info.version`.
    pub api_version: String,
    /// How the measuring binary was built ("debug" or "release").
    pub build: String,
    /// The command that produced the report.
    pub command: String,
}

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub metric: String,
    pub target: String,
    pub actual: String,
    pub pass: bool,
    /// Share of the budget used (1.0 = at the limit), when it can be said.
    pub used: Option<f64>,
    /// Why the row has no target: the operation and the `x-slo` key the spec lacks.
    pub missing: Option<String>,
}

/// The environment of a base URL: the spec's server on the same host, named by the first
/// word of its description in capitals (DEV, SIT, PROD; LOCAL for the local reference
/// provider); LOCAL without a base URL (the embedded provider); CUSTOM for any other.
pub fn environment_of(base_url: Option<&str>) -> String {
    // Without the servers (a spec that does not load) every base URL is CUSTOM.
    let servers = crate::contract::servers().unwrap_or_default();
    environment_in(&servers, base_url)
}

/// [`environment_of`] among `servers` (`(url, description)`).
pub fn environment_in(servers: &[(String, String)], base_url: Option<&str>) -> String {
    let Some(url) = base_url else {
        return "LOCAL".into();
    };
    servers
        .iter()
        .find(|(server, _)| host(server) == host(url))
        .map(|(server, description)| {
            description
                .split_whitespace()
                .next()
                .map_or_else(|| host(server), str::to_string)
                .to_uppercase()
        })
        .unwrap_or_else(|| "CUSTOM".into())
}

/// The host (and port) of a URL, lowercase.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn is_loopback(url: &str) -> bool {
    let host = host(url);
    let name = host
        .rsplit_once(':')
        .map_or(host.as_str(), |(name, _)| name);
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

fn ms(value: f64) -> String {
    format!("{value:.2}ms")
}

fn secs(d: Duration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

/// A budget in milliseconds as whole seconds when it is one ("2"), else with the fraction
/// ("2.5").
fn budget_secs(budget_ms: u64) -> String {
    if budget_ms.is_multiple_of(1000) {
        (budget_ms / 1000).to_string()
    } else {
        format!("{}", budget_ms as f64 / 1000.0)
    }
}

/// A budget: the target as the table shows it, and the limit in the unit of the value.
struct Limit {
    target: String,
    limit: f64,
}

/// A latency budget shown in milliseconds: `< 10ms`.
fn in_ms(budget: Result<u64, String>) -> Result<Limit, String> {
    budget.map(|ms| Limit {
        target: format!("< {ms}ms"),
        limit: ms as f64,
    })
}

/// A latency budget shown in seconds: `< 2s` from 2000 ms.
fn in_secs(budget: Result<u64, String>) -> Result<Limit, String> {
    budget.map(|ms| Limit {
        target: format!("< {}s", budget_secs(ms)),
        limit: ms as f64 / 1000.0,
    })
}

/// The row of a metric whose budget the spec does not give: it fails, saying why.
fn unbudgeted(metric: String, why: String, actual: String) -> Row {
    Row {
        metric,
        target: format!("none: {why}"),
        actual,
        pass: false,
        used: None,
        missing: Some(why),
    }
}

fn upper(
    metric: String,
    budget: Result<Limit, String>,
    value: Option<f64>,
    shown: impl Fn(f64) -> String,
    errors: u64,
) -> Row {
    let actual = match value {
        Some(v) if errors > 0 => format!("{} ({errors} errors)", shown(v)),
        Some(v) => shown(v),
        None => "n/a".into(),
    };
    let Limit { target, limit } = match budget {
        Ok(limit) => limit,
        Err(why) => return unbudgeted(metric, why, actual),
    };
    match value {
        Some(v) => Row {
            metric,
            target,
            actual,
            pass: v < limit && errors == 0,
            used: Some(v / limit),
            missing: None,
        },
        None => Row {
            metric,
            target,
            actual,
            pass: false,
            used: None,
            missing: None,
        },
    }
}

fn worst(
    streams: &[StreamTiming],
    pick: impl Fn(&StreamTiming) -> Option<Duration>,
) -> Option<Duration> {
    // A stream that never got there counts as missing the target.
    if streams.is_empty() || streams.iter().any(|s| pick(s).is_none()) {
        return None;
    }
    streams.iter().filter_map(pick).max()
}

fn latency_rows(name: &str, operation: &str, sampled: &Sampled, budgets: &Budgets) -> [Row; 2] {
    [
        upper(
            format!("{name} (avg)"),
            in_ms(budgets.get(operation, Key::AvgMs)),
            sampled.latency.map(|l| l.avg_ms),
            ms,
            sampled.errors,
        ),
        upper(
            format!("{name} (P95)"),
            in_ms(budgets.get(operation, Key::P95Ms)),
            sampled.latency.map(|l| l.p95_ms),
            ms,
            sampled.errors,
        ),
    ]
}

fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// The summary table: the seed's seven rows, then the state store and the extra budgets,
/// each against its operation's `x-slo`.
pub fn rows(r: &PerfResults) -> Vec<Row> {
    let b = &r.budgets;
    let seconds = |v: f64| format!("{v:.3}s");
    let mut rows = Vec::new();
    rows.extend(latency_rows(
        "Non-gen endpoint latency",
        LATENCY_OPERATION,
        &r.latency,
        b,
    ));
    rows.push(upper(
        "TTFT".into(),
        in_secs(b.get(STREAM_OPERATION, Key::FirstChunkMs)),
        worst(&r.streams, |s| s.ttft).map(|d| d.as_secs_f64()),
        seconds,
        0,
    ));
    rows.push(upper(
        "TTLT".into(),
        in_secs(b.get(STREAM_OPERATION, Key::LastChunkMs)),
        worst(&r.streams, |s| s.ttlt).map(|d| d.as_secs_f64()),
        seconds,
        0,
    ));
    rows.push(upper(
        "Image generation".into(),
        in_secs(b.get(LOGO_OPERATION, Key::MaxMs)),
        r.logo.latency.map(|l| l.max_ms / 1000.0),
        seconds,
        r.logo.errors,
    ));
    let success = r.concurrent.success_rate();
    let metric = format!("Concurrent requests ({})", r.concurrent.streams.len());
    rows.push(match b.get(STREAM_OPERATION, Key::ConcurrentSuccessPct) {
        Ok(pct) => {
            let needed = pct as f64 / 100.0;
            let allowed = 1.0 - needed;
            Row {
                metric,
                target: format!("{pct}% success"),
                actual: percent(success),
                pass: !r.concurrent.streams.is_empty() && success >= needed,
                used: (allowed > 0.0).then(|| (1.0 - success) / allowed),
                missing: None,
            }
        }
        Err(why) => unbudgeted(metric, why, percent(success)),
    });
    let error_rate = r.load.error_rate();
    let metric = format!("Load test ({} req/min)", r.load.rate_per_min);
    let actual = format!("{:.1}%", error_rate * 100.0);
    rows.push(match b.strictest(&load::OPERATIONS, Key::ErrorPct) {
        Ok(pct) => {
            let allowed = pct as f64 / 100.0;
            Row {
                metric,
                target: format!("< {pct}% error"),
                actual,
                pass: error_rate < allowed,
                used: Some(error_rate / allowed),
                missing: None,
            }
        }
        Err(why) => unbudgeted(metric, why, actual),
    });
    rows.push(upper(
        format!(
            "Concurrent generation duration (max of {} completed)",
            r.concurrent
                .streams
                .iter()
                .filter(|s| s.succeeded())
                .count()
        ),
        in_secs(b.get(STREAM_OPERATION, Key::ConcurrentMaxMs)),
        r.concurrent.longest().map(|d| d.as_secs_f64()),
        seconds,
        0,
    ));
    // The stream's own budget holds under the declared concurrency too: a provider that
    // serialises generations meets firstChunkMs one at a time and misses it here.
    let completed: Vec<StreamTiming> = r
        .concurrent
        .streams
        .iter()
        .filter(|s| s.succeeded())
        .cloned()
        .collect();
    rows.push(upper(
        format!(
            "TTFT under concurrency (worst of {} completed)",
            completed.len()
        ),
        in_secs(b.get(STREAM_OPERATION, Key::FirstChunkMs)),
        worst(&completed, |s| s.ttft).map(|d| d.as_secs_f64()),
        seconds,
        0,
    ));
    // The load mixes its operations, so its tail is held to the strictest of their p95s.
    rows.push(upper(
        "Load test latency (P95, from intended send)".into(),
        in_ms(b.strictest(&load::OPERATIONS, Key::P95Ms)),
        r.load.latency.map(|l| l.p95_ms),
        ms,
        0,
    ));
    // A write is visible when it is no slower than one read.
    rows.push(upper(
        "State store write (complete -> reads COMPLETE, P95)".into(),
        in_ms(b.get(STATE_OPERATION, Key::P95Ms)),
        r.state.write.latency.map(|l| l.p95_ms),
        ms,
        r.state.write.errors,
    ));
    rows.extend(latency_rows(
        "State store read (getGeneration)",
        STATE_OPERATION,
        &r.state.read,
        b,
    ));
    rows
}

fn status(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

fn latency_line(
    out: &mut String,
    name: &str,
    requests: u64,
    errors: u64,
    latency: Option<Latency>,
) {
    match latency {
        Some(l) => {
            let _ = writeln!(
                out,
                "| {name} | {requests} | {errors} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
                l.avg_ms, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms
            );
        }
        None => {
            let _ = writeln!(
                out,
                "| {name} | {requests} | {errors} | n/a | n/a | n/a | n/a | n/a |"
            );
        }
    }
}

const LATENCY_HEADER: &str = "| Measurement | Requests | Errors | avg ms | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|\n";

fn streams_table(out: &mut String, streams: &[StreamTiming]) {
    out.push_str("| # | TTFT | TTLT | Events | Chunks | Result |\n|---|---|---|---|---|---|\n");
    for (i, s) in streams.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            i + 1,
            s.ttft.map_or_else(|| "n/a".into(), secs),
            s.ttlt.map_or_else(|| "n/a".into(), secs),
            s.events,
            s.chunks,
            s.error.as_deref().map_or_else(
                || "complete".to_string(),
                |e| format!("FAILED: {}", e.replace('|', "\\|"))
            )
        );
    }
}

fn spread(
    streams: &[StreamTiming],
    pick: impl Fn(&StreamTiming) -> Option<Duration>,
) -> Option<(Duration, Duration, Duration)> {
    let mut values: Vec<Duration> = streams.iter().filter_map(pick).collect();
    if values.is_empty() {
        return None;
    }
    values.sort();
    let median = values[(values.len() - 1) / 2];
    Some((values[0], median, values[values.len() - 1]))
}

/// Renders the report.
pub fn render(r: &PerfResults, meta: &ReportMeta) -> String {
    let rows = rows(r);
    let mut out = String::new();
    out.push_str("# Performance Test Report\n\n");
    let _ = writeln!(
        out,
        "<!-- Generated by `{}`; do not edit by hand. -->\n",
        meta.command
    );
    out.push_str("## Test Environment\n");
    let _ = writeln!(out, "- Environment: {}", meta.environment);
    let _ = writeln!(out, "- Target: {}", meta.target);
    let _ = writeln!(out, "- Date: {}", meta.date);
    let _ = writeln!(out, "- API Version: {}", meta.api_version);
    let _ = writeln!(
        out,
        "- Client: `{}` ({} build), on the typed clients",
        meta.command, meta.build
    );
    let c = &r.config;
    let _ = writeln!(
        out,
        "- Run: {} latency samples, {} sequential and {} concurrent generations, {} logo requests, \
         open-loop load of {} req/min for {:.0} s; took {:.1} s",
        c.latency_samples,
        c.stream_samples,
        c.concurrent_generations,
        c.logo_samples,
        c.load.rate_per_min,
        c.load.duration.as_secs_f64(),
        r.elapsed.as_secs_f64()
    );

    out.push_str("\n## Results Summary\n\n| Metric | Target | Actual | Status |\n|--------|--------|--------|--------|\n");
    for row in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            row.metric,
            row.target,
            row.actual,
            status(row.pass)
        );
    }
    let failed = rows.iter().filter(|r| !r.pass).count();
    let _ = writeln!(
        out,
        "\n{} of {} targets met.",
        rows.len() - failed,
        rows.len()
    );

    out.push_str("\n## Detailed Results\n\n");
    out.push_str(
        "Latencies are client-side, in milliseconds, recorded in HDR histograms (3 significant \
         digits); errors are counted apart and left out of the latencies.\n\n",
    );
    out.push_str("### Request latency\n\n");
    out.push_str(LATENCY_HEADER);
    latency_line(
        &mut out,
        "listTemplates (sequential, after 1 warm-up)",
        r.latency.requests,
        r.latency.errors,
        r.latency.latency,
    );
    latency_line(
        &mut out,
        "getGeneration (state store read)",
        r.state.read.requests,
        r.state.read.errors,
        r.state.read.latency,
    );
    latency_line(
        &mut out,
        "state write: complete event -> reads COMPLETE",
        r.state.write.requests,
        r.state.write.errors,
        r.state.write.latency,
    );
    latency_line(
        &mut out,
        "generation path: request -> reads COMPLETE",
        r.state.write.requests - r.state.write.errors,
        0,
        r.state.path,
    );
    latency_line(
        &mut out,
        "generateLogo (count 4)",
        r.logo.requests,
        r.logo.errors,
        r.logo.latency,
    );
    let writes = r.state.write.requests - r.state.write.errors;
    if writes > 0 {
        let _ = writeln!(
            out,
            "\nState visibility: {} of {writes} generations read COMPLETE at the first getGeneration \
             after their `complete` event (most reads needed: {}).",
            r.state.visible_at_first_read, r.state.most_reads
        );
    }
    for sampled in [&r.latency, &r.state.read, &r.state.write, &r.logo] {
        if let Some(error) = &sampled.first_error {
            let _ = writeln!(out, "\nFirst {} error: {}", sampled.what, error);
        }
    }
    let _ = writeln!(
        out,
        "\n![Latency distribution of each measured operation, with its x-slo budget]({})",
        plots::LATENCY_SVG
    );

    let _ = writeln!(out, "\n### Streams, one at a time ({})\n", r.streams.len());
    out.push_str("TTFT is the time from sending the request to the first `chunk` event; TTLT to the terminal event.\n\n");
    streams_table(&mut out, &r.streams);

    let _ = writeln!(
        out,
        "\n### Concurrent generations ({} at once)\n",
        r.concurrent.streams.len()
    );
    let succeeded = r
        .concurrent
        .streams
        .iter()
        .filter(|s| s.succeeded())
        .count();
    let _ = writeln!(
        out,
        "{succeeded} of {} completed; wall clock {:.3} s.",
        r.concurrent.streams.len(),
        r.concurrent.wall.as_secs_f64()
    );
    if let (Some((t0, t50, t100)), Some((l0, l50, l100))) = (
        spread(&r.concurrent.streams, |s| s.ttft),
        spread(&r.concurrent.streams, |s| s.ttlt),
    ) {
        let _ = writeln!(
            out,
            "TTFT min/median/max {} / {} / {}; TTLT min/median/max {} / {} / {}.",
            secs(t0),
            secs(t50),
            secs(t100),
            secs(l0),
            secs(l50),
            secs(l100)
        );
    }
    out.push('\n');
    streams_table(&mut out, &r.concurrent.streams);
    let _ = writeln!(
        out,
        "\n![Time to first chunk and to the terminal event of every stream, with the budgets]({})",
        plots::STREAMS_SVG
    );

    let l = &r.load;
    let _ = writeln!(
        out,
        "\n### Open-loop load ({} req/min for {:.0} s)\n",
        l.rate_per_min,
        l.duration.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "Requests alternate listTemplates and validateSite and leave every {:.0} ms on a fixed \
         schedule, whether or not earlier ones answered; each latency counts from the request's \
         intended send time (no coordinated omission). A request unanswered after {:.0} s is an error.\n",
        60_000.0 / f64::from(l.rate_per_min.max(1)),
        l.request_timeout.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "{} sent, {} ok, {} errors ({:.1}%); the generator's largest send lag was {:.2} ms; last answer after {:.1} s.\n",
        l.requests,
        l.requests - l.errors,
        l.errors,
        l.error_rate() * 100.0,
        l.max_send_lag.as_secs_f64() * 1000.0,
        l.elapsed.as_secs_f64()
    );
    if !l.error_kinds.is_empty() {
        let kinds: Vec<String> = l
            .error_kinds
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        let _ = writeln!(out, "Errors by kind: {}.\n", kinds.join(", "));
    }
    out.push_str(LATENCY_HEADER);
    latency_line(&mut out, "all", l.requests, l.errors, l.latency);
    for op in &l.per_operation {
        latency_line(&mut out, &op.operation, op.requests, op.errors, op.latency);
    }
    let _ = writeln!(
        out,
        "\n![The load second by second: sent vs answered, and p95 against its budget]({})",
        plots::LOAD_SVG
    );

    out.push_str("\n## Recommendations\n\n");
    for line in recommendations(r, &rows, meta) {
        let _ = writeln!(out, "- {line}");
    }
    out
}

/// Recommendations that follow from the numbers: what failed, what is closest to its budget,
/// how the streams behave under concurrency, the load's tail, the state store's visibility.
pub fn recommendations(r: &PerfResults, rows: &[Row], meta: &ReportMeta) -> Vec<String> {
    let mut out = Vec::new();
    for row in rows.iter().filter(|row| !row.pass) {
        if let Some(why) = &row.missing {
            out.push(format!(
                "**{}** has no target ({} measured): {why}",
                row.metric, row.actual
            ));
            continue;
        }
        out.push(format!(
            "**{}** misses its target ({} against {}): {}",
            row.metric,
            row.actual,
            row.target,
            advice(&row.metric)
        ));
    }
    let mut passing: Vec<&Row> = rows.iter().filter(|r| r.pass && r.used.is_some()).collect();
    passing.sort_by(|a, b| {
        b.used
            .partial_cmp(&a.used)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if let Some(closest) = passing.first() {
        let used = closest.used.unwrap_or(0.0) * 100.0;
        out.push(format!(
            "Closest to its budget: **{}** at {used:.0}% of it ({} against {}){}",
            closest.metric,
            closest.actual,
            closest.target,
            if used >= 50.0 {
                "; watch it first, it has the least headroom."
            } else {
                "; every met target keeps at least half its budget in reserve."
            }
        ));
    }
    let sequential = r.streams.iter().filter_map(|s| s.ttft).max();
    let concurrent = spread(&r.concurrent.streams, |s| s.ttft).map(|(_, _, max)| max);
    if let (Some(seq), Some(conc)) = (sequential, concurrent) {
        let ratio = conc.as_secs_f64() / seq.as_secs_f64().max(1e-6);
        if ratio >= 1.5 {
            out.push(format!(
                "TTFT degrades under concurrency: worst {} one at a time, {} with {} at once ({ratio:.1}x); \
                 generations compete before their first chunk, so start streaming earlier or add generation capacity.",
                secs(seq),
                secs(conc),
                r.concurrent.streams.len()
            ));
        } else {
            out.push(format!(
                "TTFT holds under concurrency: worst {} one at a time, {} with {} at once ({ratio:.1}x).",
                secs(seq),
                secs(conc),
                r.concurrent.streams.len()
            ));
        }
    }
    if let Some(latency) = r.load.latency {
        let tail = latency.p99_ms / latency.p50_ms.max(0.001);
        if tail >= 5.0 {
            out.push(format!(
                "The load's tail is long: p99 {} is {tail:.0}x the median {}; look for queueing or \
                 lock contention behind the slowest requests.",
                ms(latency.p99_ms),
                ms(latency.p50_ms)
            ));
        } else {
            out.push(format!(
                "The load's latency is even: p99 {} is {tail:.1}x the median {} at {} req/min.",
                ms(latency.p99_ms),
                ms(latency.p50_ms),
                r.load.rate_per_min
            ));
        }
    }
    let open_templates = r
        .load
        .per_operation
        .iter()
        .find(|o| o.operation == "listTemplates")
        .and_then(|o| o.latency);
    if let (Some(open), Some(closed)) = (open_templates, r.latency.latency) {
        let ratio = open.p50_ms / closed.p50_ms.max(0.001);
        let gap = open.p50_ms - closed.p50_ms;
        let lag = r.load.max_send_lag.as_secs_f64() * 1000.0;
        if ratio >= 2.0 {
            let cause = if lag >= gap {
                format!(
                    "the generator's send lag (up to {lag:.2} ms) is as large as that gap, so part \
                     of it may be the measuring machine's timers: rerun from a quieter machine \
                     before acting on it"
                )
            } else {
                format!(
                    "the generator's send lag explains at most {lag:.2} ms of it, the rest is the \
                     cost of a cold path (connection reuse, caches): check budgets of rarely called \
                     endpoints open loop, as here"
                )
            };
            out.push(format!(
                "listTemplates sent alone (open loop, one request every {:.0} ms) takes {ratio:.1}x \
                 longer at the median than back to back ({} against {}); {cause}.",
                60_000.0 / f64::from(r.load.rate_per_min.max(1)),
                ms(open.p50_ms),
                ms(closed.p50_ms),
            ));
        }
    }
    if r.load.max_send_lag > Duration::from_millis(50) {
        out.push(format!(
            "The load generator sent up to {:.0} ms late; latencies still count from the intended \
             time, but run the load from a less busy machine for a cleaner schedule.",
            r.load.max_send_lag.as_secs_f64() * 1000.0
        ));
    }
    let writes = r.state.write.requests - r.state.write.errors;
    if writes > 0 {
        if r.state.visible_at_first_read == writes {
            out.push(format!(
                "The state store is read-your-writes: all {writes} generations read COMPLETE at the \
                 first getGeneration after `complete` (write visibility p95 {}, read p95 {}).",
                r.state.write.latency.map_or_else(|| "n/a".into(), |l| ms(l.p95_ms)),
                r.state.read.latency.map_or_else(|| "n/a".into(), |l| ms(l.p95_ms)),
            ));
        } else {
            out.push(format!(
                "{} of {writes} generations were not yet COMPLETE at the first read after \
                 `complete` (up to {} reads): persist the generation's state before sending `complete`.",
                writes - r.state.visible_at_first_read,
                r.state.most_reads
            ));
        }
    }
    if meta.environment == "LOCAL" {
        // The first server of the spec that is not on this machine: where to measure next.
        let deployed = r
            .servers
            .iter()
            .find(|(url, _)| !is_loopback(url))
            .map_or("<a deployment's base URL>", |(url, _)| url.as_str());
        out.push(format!(
            "These numbers come from the reference provider on loopback ({} build), without \
             network or model latency; run `cargo xtask perf --base-url {deployed} --token ...` \
             before sign-off.",
            meta.build
        ));
    }
    out
}

fn advice(metric: &str) -> &'static str {
    if metric.starts_with("TTFT") {
        "send the first chunk before the whole page is composed"
    } else if metric.starts_with("TTLT") || metric.starts_with("Concurrent generation duration") {
        "shorten generation or stream larger chunks"
    } else if metric.starts_with("Image") {
        "generate the logo options in parallel or return fewer at once"
    } else if metric.starts_with("Concurrent requests") {
        "raise the generation concurrency limit or queue instead of failing"
    } else if metric.starts_with("Load test (") {
        "see the errors by kind in the load test's details"
    } else if metric.starts_with("State store write") {
        "make the generation's state durable before sending `complete`"
    } else {
        "profile the handler; the budget is the spec's `x-slo`"
    }
}
