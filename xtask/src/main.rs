//! `cargo xtask`: the project's commands. Each subcommand lives in its own module and
//! calls into the library crates, so this binary stays small. It does not link the typed
//! clients or the provider, so `gen`, `lint`, `diff` and `compat` keep working while a spec
//! change breaks code compiled against the clients; `serve`, `token`, `perf`, `proxy` and
//! `compat --live` forward to the `sitebuilder` binary (`crates/cli`), which does.

use clap::{Parser, Subcommand};

mod cargo;
mod codegen;
mod compat;
mod diff;
mod forward;
mod k6;
mod lint;
mod verify;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Site Builder contract tooling")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the contract tests from the specs (`--check`: fail when they are stale).
    Gen(codegen::Args),
    /// Run the contract suites against the embedded provider or a deployment, with reports.
    Verify(verify::Args),
    /// Run the performance suite (latency, streams, concurrency, logos, open-loop load) and
    /// write tests/reports/performance_report.md; fails when a target is missed.
    #[command(disable_help_flag = true)]
    Perf(forward::Rest),
    /// Write one k6 load script per spec to tests/k6/ (`--check`: fail when they are stale).
    K6(k6::Args),
    /// Check the OpenAPI specs for what the toolchain cannot handle.
    Lint(lint::Args),
    /// Report breaking changes between two versions of the specs.
    Diff(diff::Args),
    /// Check that the specs (and `--live`, a provider) still serve each consumer.
    Compat(compat::Args),
    /// Serve the reference provider on loopback until Ctrl-C.
    #[command(disable_help_flag = true)]
    Serve(forward::Rest),
    /// Print a development JWT for the reference provider.
    #[command(disable_help_flag = true)]
    Token(forward::Rest),
    /// A validating, recording proxy for a frontend: `--upstream URL [--port N] [--record
    /// FILE] [--violations FILE]`, until Ctrl-C.
    #[command(disable_help_flag = true)]
    Proxy(forward::Rest),
}

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Gen(args) => codegen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Perf(rest) => forward::exit_with(forward::run(&rest.with("perf"), &[])?),
        Command::K6(args) => k6::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Compat(args) => compat::run(args),
        Command::Serve(rest) => forward::exit_with(forward::run(&rest.with("serve"), &[])?),
        Command::Token(rest) => forward::exit_with(forward::run(&rest.with("token"), &[])?),
        Command::Proxy(rest) => forward::exit_with(forward::run(&rest.with("proxy"), &[])?),
    }
}
