//! `cargo xtask`: the project's commands. This binary is light on purpose: it depends on
//! `sb-report` (options, records, reports), clap and anyhow only, so on a fresh clone it
//! builds in seconds and `cargo xtask verify` starts building the contract suite at once.
//! `gen`, `k6`, `lint`, `diff` and `compat` run in `xtask-tools` (this package's `tools`
//! feature: the spec, generator and diff crates), which links neither the typed clients nor
//! the provider, so they keep working while a spec change breaks code compiled against the
//! clients; `serve`, `token`, `perf`, `proxy` and `compat --live` run in the `sitebuilder`
//! binary (`crates/cli`), which does.

use clap::{Parser, Subcommand};
use xtask::forward::{self, Rest};

mod verify;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Site Builder contract tooling"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the contract tests from the specs (`--check`: fail when they are stale).
    #[command(disable_help_flag = true)]
    Gen(Rest),
    /// Run the contract suites against the embedded provider or a deployment, with reports.
    Verify(verify::Args),
    /// Run the performance suite (latency, streams, concurrency, logos, open-loop load) and
    /// write tests/reports/performance_report.md; fails when a target is missed.
    #[command(disable_help_flag = true)]
    Perf(Rest),
    /// Write one k6 load script per spec to tests/k6/ (`--check`: fail when they are stale).
    #[command(disable_help_flag = true)]
    K6(Rest),
    /// Check the OpenAPI specs for what the toolchain cannot handle.
    #[command(disable_help_flag = true)]
    Lint(Rest),
    /// Report breaking changes between two versions of the specs.
    #[command(disable_help_flag = true)]
    Diff(Rest),
    /// Check that the specs (and `--live`, a provider) still serve each consumer.
    #[command(disable_help_flag = true)]
    Compat(Rest),
    /// Serve the reference provider on loopback until Ctrl-C.
    #[command(disable_help_flag = true)]
    Serve(Rest),
    /// Print a development JWT for the reference provider.
    #[command(disable_help_flag = true)]
    Token(Rest),
    /// A validating, recording proxy for a frontend: `--upstream URL [--port N] [--record
    /// FILE] [--violations FILE]`, until Ctrl-C.
    #[command(disable_help_flag = true)]
    Proxy(Rest),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let tools = |rest: Rest, name: &str| forward::exit_with(forward::tools(&rest.with(name))?);
    let cli_binary =
        |rest: Rest, name: &str| forward::exit_with(forward::run(&rest.with(name), &[])?);
    match cli.command {
        Command::Verify(args) => verify::run(args),
        Command::Gen(rest) => tools(rest, "gen"),
        Command::K6(rest) => tools(rest, "k6"),
        Command::Lint(rest) => tools(rest, "lint"),
        Command::Diff(rest) => tools(rest, "diff"),
        Command::Compat(rest) => tools(rest, "compat"),
        Command::Perf(rest) => cli_binary(rest, "perf"),
        Command::Serve(rest) => cli_binary(rest, "serve"),
        Command::Token(rest) => cli_binary(rest, "token"),
        Command::Proxy(rest) => cli_binary(rest, "proxy"),
    }
}
