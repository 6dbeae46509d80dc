//! Forwarding to the `sitebuilder` binary (`crates/cli`) for the commands that link the
//! provider and the typed clients.

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

/// Runs `sitebuilder ARGS` through cargo with extra environment; returns whether it
/// succeeded. Ctrl-C reaches both processes, so `serve` still shuts down gracefully.
pub fn run(args: &[String], env: &[(&str, String)]) -> anyhow::Result<bool> {
    let status = crate::cargo::command()
        .current_dir(crate::workspace_root())
        .args([
            "run",
            "--quiet",
            "--package",
            "sb-cli",
            "--bin",
            "sitebuilder",
            "--",
        ])
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .status()
        .context("cannot run cargo to start the `sitebuilder` binary")?;
    Ok(status.success())
}

/// Exits with 1 when the forwarded command failed (it printed its own error).
pub fn exit_with(success: bool) -> anyhow::Result<()> {
    if success {
        Ok(())
    } else {
        std::process::exit(1)
    }
}
