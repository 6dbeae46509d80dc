//! `cargo xtask proxy` (the validating, recording proxy of `sb-proxy` in front of a running
//! API, until Ctrl-C), and two helpers of the browser test (`scripts/browser-tests.sh`):
//! `consumer-covers` (does a recorded consumer file cover a committed one) and `cors-checks`
//! (the verdicts of the generated CORS checks against a running provider).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use sb_diff::Consumer;
use sb_runtime::{Check, Op, SpecSource, Target, TargetOptions, Verdict};

/// Arguments of `cargo xtask proxy`.
#[derive(clap::Args)]
pub struct ProxyArgs {
    /// The API's base URL, e.g. http://127.0.0.1:8080/v1 (`cargo xtask serve`).
    #[arg(long)]
    upstream: String,
    /// Port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8090)]
    port: u16,
    /// Write (or merge into) this consumer file from the traffic, on exit.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Append each violation to this JSONL file as it happens.
    #[arg(long, value_name = "FILE")]
    violations: Option<PathBuf>,
    /// A browser origin to treat as allowed besides the specs' `x-cors` ones (repeatable;
    /// exact, or `scheme://host:*` for any port), e.g. http://localhost:* for a dev server.
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,
    /// The consumer's name in a new recorded file.
    #[arg(long, default_value = "site-builder-frontend")]
    consumer: String,
    /// Write the summary as JSON to this file on exit too.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
}

/// Runs the proxy until Ctrl-C (or SIGTERM), then prints the summary.
pub fn run(args: ProxyArgs) -> anyhow::Result<()> {
    let specs: Vec<sb_spec::Spec> = sb_harness::specs()
        .map_err(anyhow::Error::msg)?
        .into_values()
        .collect();
    let mut config = sb_proxy::Config::new(args.upstream.clone(), specs);
    config.record = args.record.clone();
    config.violations = args.violations.clone();
    config.allowed_origins = args.allowed_origins.clone();
    config.consumer = args.consumer.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    runtime.block_on(async move {
        let bind = SocketAddr::from(([127, 0, 0, 1], args.port));
        let proxy = sb_proxy::Proxy::start(config, bind)
            .await
            .map_err(anyhow::Error::msg)?;
        println!(
            "Site Builder validating proxy at {} -> {}",
            proxy.url(),
            args.upstream
        );
        println!("  point the frontend's API base URL at {}", proxy.url());
        println!("ready; Ctrl-C to stop and print the summary");
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("cannot listen for SIGTERM")?;
        tokio::select! {
            signal = tokio::signal::ctrl_c() => signal.context("failed to listen for Ctrl-C")?,
            _ = term.recv() => {}
        }
        println!("stopping");
        let summary = proxy.stop().await.map_err(anyhow::Error::msg)?;
        print!("{summary}");
        if let Some(path) = &args.summary {
            std::fs::write(path, serde_json::to_string_pretty(&summary)?)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        anyhow::Ok(())
    })
}

/// Arguments of `sitebuilder consumer-covers`.
#[derive(clap::Args)]
pub struct CoversArgs {
    /// The recorded consumer file.
    #[arg(long)]
    recorded: PathBuf,
    /// The committed consumer file whose every use must be covered.
    #[arg(long)]
    consumer: PathBuf,
}

/// Exits 1 when a use of the committed file is not covered by the recorded one.
pub fn covers(args: CoversArgs) -> anyhow::Result<()> {
    let recorded = Consumer::load(&args.recorded)?;
    let committed = Consumer::load(&args.consumer)?;
    let missing = sb_proxy::record::uncovered(&recorded, &committed);
    if missing.is_empty() {
        println!(
            "{} covers all {} uses and {} preflights of {}",
            args.recorded.display(),
            committed.uses.len(),
            committed.cors.len(),
            args.consumer.display()
        );
        return Ok(());
    }
    println!(
        "{} does not cover {} of {}:",
        args.recorded.display(),
        missing.len(),
        args.consumer.display()
    );
    for line in missing {
        println!("  {line}");
    }
    std::process::exit(1);
}

/// Arguments of `sitebuilder cors-checks`.
#[derive(clap::Args)]
pub struct CorsArgs {
    /// The operations to check: those this consumer file uses.
    #[arg(long)]
    consumer: PathBuf,
    #[command(flatten)]
    target: TargetOptions,
}

/// Prints one JSON line per operation and CORS check: the generated checks' verdicts.
pub fn cors_checks(args: CorsArgs) -> anyhow::Result<()> {
    let consumer = Consumer::load(&args.consumer)?;
    let mut args = args;
    // The browser test runs against the reference provider, whose development secret mints
    // the tokens unless one is given.
    if args.target.jwt_secret.is_none() && args.target.token.is_none() {
        args.target.jwt_secret = Some(sb_provider::DEV_JWT_SECRET.to_string());
    }
    let mut ops: Vec<(String, String)> = consumer
        .uses
        .iter()
        .map(|u| (u.spec.clone(), u.operation.clone()))
        .collect();
    ops.sort();
    ops.dedup();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let target = Target::connect(&args.target, &sb_harness::EMBEDDED)
            .await
            .with_context(|| format!("cannot reach {}", args.target.describe()))?;
        // The checks name operations by `&'static` ids, as the generated tests do; this
        // short-lived command leaks the handful it needs.
        let target: &'static Target = Box::leak(Box::new(target));
        for (spec_name, id) in ops {
            let Some(source) = sitebuilder_contract::specs::ALL.iter().find(|s| {
                std::path::Path::new(s.file)
                    .file_stem()
                    .and_then(|f| f.to_str())
                    .is_some_and(|f| f.strip_suffix("-api").unwrap_or(f) == spec_name)
            }) else {
                continue;
            };
            let op = Op {
                spec: SpecSource {
                    file: source.file,
                    text: source.text,
                },
                id: Box::leak(id.clone().into_boxed_str()),
            };
            // Every CORS row of the check table (a new one joins the comparison by itself).
            for check in Check::ALL
                .iter()
                .copied()
                .filter(|c| c.family() == sb_runtime::Family::Cors)
            {
                let verdict = tokio::time::timeout(
                    Duration::from_secs(60),
                    sb_runtime::evaluate(target, op, check),
                )
                .await
                .unwrap_or_else(|_| Verdict::Fail {
                    reason: "no verdict within 60 s".into(),
                });
                println!(
                    "{}",
                    serde_json::json!({
                        "operation": format!("{spec_name}:{id}"),
                        "check": check.name(),
                        "status": format!("{:?}", verdict.status()).to_lowercase(),
                        "reason": verdict.reason(),
                    })
                );
            }
        }
        anyhow::Ok(())
    })
}
