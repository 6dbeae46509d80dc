//! `cargo xtask verify`: runs the generated contract suites against the embedded provider
//! or a deployment, shows progress, prints the operation × check table, writes JUnit XML and
//! a markdown report under `target/contract/`, and exits non-zero on any failure.

use std::io::{BufRead, BufReader};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sb_report::TargetOptions;
use sb_report::record::{self, CheckRecord};
use sb_report::report;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: TargetOptions,
    /// Also run the performance budgets (`x-slo`) of every operation.
    #[arg(long)]
    pub perf: bool,
    /// Tests run at once (default: 16 for the functional checks, which mostly wait on the
    /// target, and 1 for the `--perf` budgets, so no sample waits behind another's).
    #[arg(long)]
    pub test_threads: Option<usize>,
}

/// Functional checks run at once by default.
const FUNCTIONAL_THREADS: usize = 16;

/// Where reports go.
pub fn report_dir(root: &Path) -> PathBuf {
    root.join("target").join("contract")
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let root = xtask::workspace_root();
    let dir = report_dir(&root);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    if let Some(url) = &args.target.base_url {
        probe(url, Duration::from_secs(args.target.timeout_secs))?;
    }
    // The functional checks mostly wait on the target (paced streams, polls), so more of
    // them run at once than there are cores; the budgets are measured one operation at a
    // time, so that no sample waits behind another operation's (concurrency is measured
    // only where `x-slo` declares it, by `concurrent_budget`).
    let functional = args.test_threads.unwrap_or(FUNCTIONAL_THREADS);
    let mut records = run_suites(&root, &dir, &args.target, &["contract"], Some(functional))?;
    if args.perf {
        let perf_threads = args.test_threads.unwrap_or(1);
        records.extend(run_suites(
            &root,
            &dir,
            &args.target,
            &["contract-perf"],
            Some(perf_threads),
        )?);
    }
    let target = args.target.describe();
    println!("\n{}", report::table(&records));
    let junit = dir.join("junit.xml");
    std::fs::write(
        &junit,
        report::junit(&records, &target).map_err(anyhow::Error::msg)?,
    )
    .with_context(|| format!("writing {}", junit.display()))?;
    let markdown = dir.join("report.md");
    let date = now();
    std::fs::write(&markdown, report::markdown(&records, &target, &date))
        .with_context(|| format!("writing {}", markdown.display()))?;
    println!("reports: {} and {}", junit.display(), markdown.display());
    let totals = report::totals(&records);
    if totals.fail > 0 {
        let unreachable = records
            .iter()
            .filter(|r| r.reason.starts_with(sb_report::outcome::UNREACHABLE))
            .count();
        let why = if unreachable > 0 {
            format!(" ({unreachable} of them not run: the target stopped answering)")
        } else {
            String::new()
        };
        bail!(
            "{} of {} checks failed against {target}{why}",
            totals.fail,
            records.len()
        );
    }
    Ok(())
}

/// Fails fast, with one message, when the deployment cannot be reached at all (rather
/// than every check failing with the same reason).
fn probe(base_url: &str, timeout: Duration) -> anyhow::Result<()> {
    let url = url::Url::parse(base_url).with_context(|| {
        format!("--base-url `{base_url}` is not a URL; give e.g. https://api.dev.kimmyai.io/v1")
    })?;
    let host = url
        .host_str()
        .with_context(|| format!("--base-url `{base_url}` has no host"))?;
    let port = url
        .port_or_known_default()
        .with_context(|| format!("--base-url `{base_url}` has no port and an unknown scheme"))?;
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {host} (from --base-url {base_url})"))?
        .collect();
    let mut last = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    match last {
        Some(e) => {
            bail!("cannot reach {base_url} ({e}); check --base-url and that the deployment is up")
        }
        None => bail!("{host} (from --base-url {base_url}) resolves to no address"),
    }
}

/// Runs the given test targets of the root package with the target's environment and
/// returns the recorded check results.
pub fn run_suites(
    root: &Path,
    dir: &Path,
    target: &TargetOptions,
    tests: &[&str],
    test_threads: Option<usize>,
) -> anyhow::Result<Vec<CheckRecord>> {
    let results = dir.join("results.jsonl");
    let _ = std::fs::remove_file(&results);
    let mut command = xtask::cargo::command();
    command
        .current_dir(root)
        // `--workspace`, as `cargo test` builds: the same feature set, so neither rebuilds
        // dependencies for the other.
        .args(["test", "--workspace"]);
    for test in tests {
        command.args(["--test", test]);
    }
    command.arg("--");
    if let Some(n) = test_threads {
        command.arg(format!("--test-threads={n}"));
    }
    command
        .envs(target.to_env())
        .env(record::RESULTS_ENV, &results)
        .stdout(Stdio::piped());
    println!("verifying {} ({})", target.describe(), tests.join(", "));
    let started = Instant::now();
    let mut child = command.spawn().context("starting cargo test")?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (mut passed, mut failed) = (0, 0);
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo test output")?;
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        if let Some(name) = rest.strip_suffix(" ... ok") {
            passed += 1;
            println!("  ok   {name}");
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            failed += 1;
            println!("  FAIL {name}");
        }
    }
    let status = child.wait().context("waiting for cargo test")?;
    println!(
        "{passed} passed, {failed} failed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let records = if results.exists() {
        record::read(&results).map_err(anyhow::Error::msg)?
    } else {
        Vec::new()
    };
    if records.is_empty() {
        bail!("no check ran (cargo test exited with {status}); see the output above");
    }
    if !status.success() && report::totals(&records).fail == 0 {
        bail!("cargo test failed ({status}) outside the checks; see the output above");
    }
    Ok(records)
}

/// The current UTC time, for reports.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}
