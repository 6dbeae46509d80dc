//! `xtask-tools`: the commands of `cargo xtask` that read the specs and generate or compare
//! (`gen`, `k6`, `lint`, `diff`, `compat`). `cargo xtask` forwards them here, so its own
//! binary stays light (see `src/main.rs`); this one links the spec, generator and diff
//! crates, but neither the typed clients nor the provider.

use clap::{Parser, Subcommand};

mod codegen;
mod compat;
mod diff;
mod k6;
mod lint;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Site Builder contract tooling: specs, generation, diffs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the contract tests from the specs (`--check`: fail when they are stale).
    Gen(codegen::Args),
    /// Write one k6 load script per spec to tests/k6/ (`--check`: fail when they are stale).
    K6(k6::Args),
    /// Check the OpenAPI specs for what the toolchain cannot handle.
    Lint(lint::Args),
    /// Report breaking changes between two versions of the specs.
    Diff(diff::Args),
    /// Check that the specs (and `--live`, a provider) still serve each consumer.
    Compat(compat::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Gen(args) => codegen::run(args),
        Command::K6(args) => k6::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Compat(args) => compat::run(args),
    }
}
