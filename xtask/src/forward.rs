//! Forwarding a command to another binary of the workspace: `xtask-tools` (this package's
//! `tools` feature) for the commands that read specs and generate, the `sitebuilder` binary
//! (`crates/cli`) for those that link the provider and the typed clients.

use std::process::ExitStatus;

use anyhow::Context;

/// Everything after the subcommand, passed through untouched (including `--help`).
#[derive(clap::Args)]
pub struct Rest {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

impl Rest {
    /// `subcommand` followed by the arguments.
    pub fn with(&self, subcommand: &str) -> Vec<String> {
        std::iter::once(subcommand.to_string())
            .chain(self.args.iter().cloned())
            .collect()
    }
}

/// Runs `sitebuilder ARGS` through cargo with extra environment; returns how it ended.
/// Ctrl-C reaches both processes, so `serve` still shuts down gracefully.
pub fn run(args: &[String], env: &[(&str, String)]) -> anyhow::Result<ExitStatus> {
    cargo_run(&["--package", "sb-cli", "--bin", "sitebuilder"], args, env)
}

/// Runs `xtask-tools ARGS` (`gen`, `k6`, `lint`, `diff`, `compat`) through cargo; returns
/// how it ended (it printed its own errors).
pub fn tools(args: &[String]) -> anyhow::Result<ExitStatus> {
    cargo_run(&["--package", "xtask", "--bin", "xtask-tools"], args, &[])
}

fn cargo_run(
    binary: &[&str],
    args: &[String],
    env: &[(&str, String)],
) -> anyhow::Result<ExitStatus> {
    crate::cargo::command()
        .current_dir(crate::workspace_root())
        .args(["run", "--quiet"])
        .args(binary)
        .arg("--")
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .status()
        .with_context(|| format!("cannot run cargo to start {}", binary.join(" ")))
}

/// Exits with the forwarded command's own exit code when it failed (it printed its own
/// error: 2 for a usage error, 1 for a red result).
pub fn exit_with(status: ExitStatus) -> anyhow::Result<()> {
    if status.success() {
        Ok(())
    } else {
        std::process::exit(status.code().unwrap_or(1))
    }
}
