//! `cargo xtask compat`: checks that the specs (and with `--live`, a running provider)
//! still provide everything the consumer files in `consumers/` say a client uses. Exit 1
//! when something is missing or changed, 2 on a usage or input error.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ValueEnum;
use sb_diff::{Consumer, Finding};

/// Arguments of `cargo xtask compat`.
#[derive(clap::Args, Debug)]
#[command(about = "Check that the specs still provide what each consumer uses")]
pub struct Args {
    /// A consumer file (default: every *.yaml in consumers/).
    #[arg(long, value_name = "FILE")]
    consumer: Vec<PathBuf>,
    /// The directory of specs to check against (default: the workspace's openapi/).
    #[arg(long, value_name = "DIR")]
    spec_dir: Option<PathBuf>,
    /// Also call a running provider and check the fields read are really in its responses.
    #[arg(long)]
    live: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// The provider for --live (default: start the embedded reference provider).
    #[command(flatten, next_help_heading = "Live target")]
    target: sb_plan::TargetOptions,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

/// Runs the command; exits 1 when a consumer is not served, 2 on an input error.
pub fn run(args: Args) -> anyhow::Result<()> {
    match execute(&args) {
        Ok(false) => Ok(()),
        Ok(true) => std::process::exit(1),
        Err(error) => {
            eprintln!("error: {}", crate::diff::error_line(&error));
            std::process::exit(2);
        }
    }
}

fn consumer_files(args: &Args, root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !args.consumer.is_empty() {
        return Ok(args.consumer.clone());
    }
    let dir = root.join("consumers");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}; pass --consumer FILE", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!(
            "no consumer files in {}; pass --consumer FILE",
            dir.display()
        );
    }
    Ok(files)
}

/// Prints the report; returns whether anything is missing or changed.
fn execute(args: &Args) -> anyhow::Result<bool> {
    let root = xtask::workspace_root();
    let spec_dir = args
        .spec_dir
        .clone()
        .unwrap_or_else(|| root.join("openapi"));
    let specs = sb_diff::load_spec_dir(&spec_dir)
        .with_context(|| format!("cannot load the specs in {}", spec_dir.display()))?
        .into_values()
        .map(|spec| (spec.name.clone(), spec))
        .collect();
    let mut failed = false;
    let mut all: Vec<(String, Vec<Finding>)> = Vec::new();
    for file in consumer_files(args, &root)? {
        let consumer = Consumer::load(&file)?;
        let findings = sb_diff::check_compat(&consumer, &specs)
            .with_context(|| format!("cannot check {}", file.display()))?;
        failed |= !findings.is_empty();
        match args.format {
            OutputFormat::Text => {
                println!(
                    "{} (checked against the specs in {})",
                    file.display(),
                    spec_dir.display()
                );
                print!("{}", sb_diff::render_findings(&consumer, &findings));
            }
            OutputFormat::Json => all.push((consumer.consumer.clone(), findings)),
        }
    }
    if let OutputFormat::Json = args.format {
        let by_consumer = all.into_iter().collect();
        println!("{}", sb_diff::findings_json(&by_consumer)?);
    }
    if args.live {
        // Real responses need the provider and the typed clients: the `sitebuilder` binary.
        let mut forwarded = vec!["compat-live".to_string()];
        for file in consumer_files(args, &root)? {
            forwarded.push("--consumer".into());
            forwarded.push(file.display().to_string());
        }
        let live_ok = xtask::forward::run(&forwarded, &args.target.to_env())?.success();
        failed |= !live_ok;
    }
    Ok(failed)
}
