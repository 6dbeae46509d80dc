//! `sitebuilder compat-live` (run by `cargo xtask compat --live`): calls a running provider
//! and checks that the fields each consumer reads are really in its responses.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use sb_diff::Consumer;
use sb_runtime::{Target, TargetOptions};

#[derive(clap::Args)]
pub struct Args {
    /// The consumer files to check.
    #[arg(long = "consumer", value_name = "FILE", required = true)]
    consumers: Vec<PathBuf>,
    #[command(flatten)]
    target: TargetOptions,
}

/// Exits 1 when a consumer reads something the provider does not send.
pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let failed = runtime.block_on(async {
        let target = Target::connect(&args.target, &sb_harness::EMBEDDED)
            .await
            .with_context(|| format!("cannot reach {}", args.target.describe()))?;
        let http = target.streaming_http()?;
        // A generation stream may take up to its 60 s budget; plain calls are far quicker.
        let timeout = Duration::from_secs(args.target.timeout_secs.max(60));
        let live = sb_diff::LiveTarget {
            http: &http,
            base_url: target.base_url(),
            token: &sb_harness::token(&target).map_err(anyhow::Error::msg)?,
            tenant: target.tenant(),
            timeout,
        };
        // Streams are judged by the specs' own x-stream contracts.
        let specs = sb_harness::specs().map_err(anyhow::Error::msg)?;
        let mut failed = false;
        for file in &args.consumers {
            let consumer = Consumer::load(file)?;
            let findings = sb_diff::check_live_against(&consumer, &live, &specs).await;
            failed |= !findings.is_empty();
            println!(
                "{} (checked against {})",
                file.display(),
                args.target.describe()
            );
            print!("{}", sb_diff::render_findings(&consumer, &findings));
        }
        anyhow::Ok(failed)
    })?;
    if failed {
        std::process::exit(1);
    }
    Ok(())
}
