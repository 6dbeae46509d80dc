//! `cargo xtask perf` (forwarded to `sitebuilder perf`): runs the performance suite (`sb_suites::perf`) against the embedded
//! provider or a deployment with a line of progress per phase, prints the summary table,
//! writes `tests/reports/performance_report.md`, and exits non-zero when a target is missed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sb_runtime::{Target, TargetOptions};
use sb_suites::perf::{self, PerfConfig, ReportMeta};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: TargetOptions,
    /// Open-loop load rate, in requests per minute (default: the smallest `ratePerMinute` in
    /// the x-slo of the load's operations).
    #[arg(long)]
    pub rate: Option<u32>,
    /// Open-loop load duration, in seconds.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Sequential requests per latency measurement.
    #[arg(long, default_value_t = 100)]
    pub samples: usize,
    /// Generations started at once (default: generatePage's x-slo `concurrentCalls`).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Where to write the report (default: tests/reports/performance_report.md).
    #[arg(long)]
    pub report: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.duration == 0 {
        bail!("--duration is 0 seconds; give the load test's length, e.g. --duration 60");
    }
    if args.samples == 0 || args.concurrency == Some(0) {
        bail!("--samples and --concurrency must be at least 1");
    }
    let mut config = PerfConfig::full()
        .map_err(|f| anyhow::anyhow!("cannot size the performance run: {}", f.reason))?;
    config.latency_samples = args.samples;
    if let Some(concurrency) = args.concurrency {
        config.concurrent_generations = concurrency;
    }
    if let Some(rate) = args.rate {
        config.load.rate_per_min = rate;
    }
    config.load.duration = Duration::from_secs(args.duration);
    config
        .load
        .validate()
        .map_err(|f| anyhow::anyhow!("{}", f.reason))?;

    let root = crate::workspace_root();
    let report = args.report.unwrap_or_else(|| {
        root.join("tests")
            .join("reports")
            .join("performance_report.md")
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let started = Instant::now();
    let progress = move |line: &str| {
        println!("[{:6.1} s] {line}", started.elapsed().as_secs_f64());
    };
    println!("performance suite against {}", args.target.describe());
    let results = runtime.block_on(async {
        let target = Target::connect(&args.target, &sb_harness::EMBEDDED)
            .await
            .with_context(|| format!("connecting to {}", args.target.describe()))?;
        perf::run(&target, &config, &progress)
            .await
            .map_err(|f| anyhow::anyhow!("the performance suite could not run: {}", f.reason))
    })?;

    let meta = ReportMeta {
        environment: perf::report::environment_of(args.target.base_url.as_deref()),
        target: args.target.describe(),
        date: crate::now(),
        api_version: sb_suites::api::api_version().to_string(),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .to_string(),
        command: "cargo xtask perf".to_string(),
    };
    let rows = perf::rows(&results);
    println!();
    let width = rows.iter().map(|r| r.metric.len()).max().unwrap_or(0);
    for row in &rows {
        println!(
            "{:width$}  {:>14}  {:>16}  {}",
            row.metric,
            row.target,
            row.actual,
            if row.pass { "PASS" } else { "FAIL" }
        );
    }
    if let Some(dir) = report.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&report, perf::render(&results, &meta))
        .with_context(|| format!("writing {}", report.display()))?;
    // The pictures go next to the report, which links them by file name.
    let dir = report.parent().unwrap_or(std::path::Path::new("."));
    let mut written = Vec::new();
    for picture in perf::plots::pictures(&results).map_err(anyhow::Error::msg)? {
        let path = dir.join(picture.file);
        std::fs::write(&path, picture.svg)
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(path.display().to_string());
    }
    println!(
        "\nreport: {} with {} (run took {:.1} s)",
        report.display(),
        written.join(", "),
        results.elapsed.as_secs_f64()
    );
    let missed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.pass)
        .map(|r| r.metric.as_str())
        .collect();
    if !missed.is_empty() {
        bail!(
            "{} of {} performance targets missed: {}",
            missed.len(),
            rows.len(),
            missed.join(", ")
        );
    }
    Ok(())
}
