//! `cargo xtask diff`: breaking changes between two versions of the specs, either two files
//! or `openapi/` against a git revision. Every change has a rule id and a level; `--ignore`
//! marks accepted ones. Exit 1 when a change not accepted reaches `--fail-on`, 2 on a usage
//! or input error.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::ValueEnum;
use sb_diff::{FailOn, Format, IgnoreList};

/// Arguments of `cargo xtask diff`.
#[derive(clap::Args, Debug)]
#[command(
    about = "Report breaking changes between two versions of the OpenAPI specs",
    after_help = "Examples:\n  cargo xtask diff old.yaml openapi/generation-api.yaml\n  cargo xtask diff --base origin/main --format markdown\n  cargo xtask diff --base v1.4.0 --format changelog --ignore openapi/diff-ignore.yaml\n\nIgnore file: a YAML list of {id, operation, reason}, or lines `RULE-ID OPERATION REASON`\n(OPERATION: an operationId, `METHOD /path`, or `*`). Rule ids: crates/diff/RULES.md."
)]
pub struct Args {
    /// The old spec file (with NEW; or use --base).
    #[arg(value_name = "OLD", requires = "new", conflicts_with = "base")]
    old: Option<PathBuf>,
    /// The new spec file.
    #[arg(value_name = "NEW")]
    new: Option<PathBuf>,
    /// Compare every spec in --spec-dir with `openapi/<same file>` at this git revision.
    #[arg(long, value_name = "GIT-REV")]
    base: Option<String>,
    /// The directory of new specs for --base (default: the workspace's openapi/).
    #[arg(long, value_name = "DIR", requires = "base")]
    spec_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Colour the text output: auto colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// The least severe change that makes the command exit 1 (error/warning/info are the
    /// same levels under oasdiff's names).
    #[arg(long, value_enum, default_value_t = Threshold::Breaking)]
    fail_on: Threshold,
    /// Accepted changes (rule id + operation + reason): still listed, marked accepted, and
    /// not counted by --fail-on.
    #[arg(long, value_name = "FILE")]
    ignore: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
    Markdown,
    /// Release notes: one line per change under a heading per level.
    Changelog,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Threshold {
    #[value(alias = "error")]
    Breaking,
    #[value(alias = "warning")]
    PotentiallyBreaking,
    #[value(alias = "info")]
    NonBreaking,
    None,
}

/// Runs the command; exits the process with 1 (changes at or above --fail-on) or 2 (usage
/// or input error) so CI can tell them apart.
pub fn run(args: Args) -> anyhow::Result<()> {
    match execute(&args) {
        Ok(false) => Ok(()),
        Ok(true) => std::process::exit(1),
        Err(error) => {
            eprintln!("error: {}", error_line(&error));
            std::process::exit(2);
        }
    }
}

/// The error and its causes on one line, skipping a cause its parent already quotes.
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Prints the report; returns whether the run fails.
fn execute(args: &Args) -> anyhow::Result<bool> {
    // Read the ignore file first: a typo in it should fail before a long diff.
    let ignore = match &args.ignore {
        Some(file) => Some(IgnoreList::load(file)?),
        None => None,
    };
    let mut changes = match (&args.old, &args.new, &args.base) {
        (Some(old), Some(new), None) => sb_diff::diff_files(old, new)
            .with_context(|| format!("cannot diff {} against {}", old.display(), new.display()))?,
        (None, None, Some(rev)) => {
            let root = xtask::workspace_root();
            let spec_dir = args
                .spec_dir
                .clone()
                .unwrap_or_else(|| root.join("openapi"));
            sb_diff::diff_dirs_at_rev(&root, rev, "openapi", &spec_dir).with_context(|| {
                format!("cannot diff {} against {rev}:openapi", spec_dir.display())
            })?
        }
        _ => bail!(
            "pass two spec files (OLD NEW) or --base <git-rev>; see `cargo xtask diff --help`"
        ),
    };
    if let Some(ignore) = &ignore {
        for entry in ignore.apply(&mut changes) {
            eprintln!(
                "note: {}:{}: `{}` on `{}` matched no change; remove the entry once the change has shipped",
                ignore.file.display(),
                entry.line,
                entry.id,
                entry.operation
            );
        }
    }
    let format = match args.format {
        OutputFormat::Json => Format::Json,
        OutputFormat::Changelog => Format::Changelog,
        OutputFormat::Markdown => Format::Markdown,
        OutputFormat::Text => Format::Text {
            color: match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            },
        },
    };
    print!("{}", sb_diff::render(&changes, format));
    let fail_on = match args.fail_on {
        Threshold::Breaking => FailOn::Breaking,
        Threshold::PotentiallyBreaking => FailOn::PotentiallyBreaking,
        Threshold::NonBreaking => FailOn::NonBreaking,
        Threshold::None => FailOn::None,
    };
    Ok(fail_on.fails(&changes))
}
