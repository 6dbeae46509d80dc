//! `sitebuilder`: the commands that link the reference provider and the typed clients. It is
//! a binary of its own so that `cargo xtask` (gen, lint, diff, compat, verify) keeps building
//! while a spec change breaks code compiled against the clients; `cargo xtask serve`, `token`,
//! `perf`, `proxy` and `compat --live` forward here.

use clap::{Parser, Subcommand};

mod live;
mod perf;
mod proxy;
mod serve;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Site Builder commands that run the provider or the suites"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the performance suite (latency, streams, concurrency, logos, open-loop load) and
    /// write tests/reports/performance_report.md; fails when a target is missed.
    Perf(perf::Args),
    /// Serve the reference provider on loopback until Ctrl-C.
    Serve(serve::ServeArgs),
    /// Print a development JWT for the reference provider.
    Token(serve::TokenArgs),
    /// Check real responses of a provider against what consumers read (`compat --live`).
    CompatLive(live::Args),
    /// A validating, recording proxy in front of a running API, until Ctrl-C.
    Proxy(proxy::ProxyArgs),
    /// Whether a recorded consumer file covers every use of a committed one.
    ConsumerCovers(proxy::CoversArgs),
    /// The generated CORS checks' verdicts against a running provider, as JSON lines.
    CorsChecks(proxy::CorsArgs),
}

/// The workspace root (this crate lives two levels below it).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/cli is inside the workspace")
        .to_path_buf()
}

/// The current UTC time, for reports.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Perf(args) => perf::run(args),
        Command::Serve(args) => serve::run_serve(args),
        Command::Token(args) => serve::run_token(args),
        Command::CompatLive(args) => live::run(args),
        Command::Proxy(args) => proxy::run(args),
        Command::ConsumerCovers(args) => proxy::covers(args),
        Command::CorsChecks(args) => proxy::cors_checks(args),
    }
}
