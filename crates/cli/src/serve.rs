//! `cargo xtask serve` (run the reference provider until Ctrl-C) and `cargo xtask token`
//! (print a development JWT for it).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use sb_provider::{Config, CorsConfig, DbLocation, Fault, JwtConfig};

/// Arguments of `cargo xtask serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// SQLite file that keeps state across restarts (default: in memory).
    #[arg(long)]
    db: Option<PathBuf>,
    /// HS256 secret for tokens.
    #[arg(long, env = "SB_JWT_SECRET", default_value = sb_provider::DEV_JWT_SECRET)]
    jwt_secret: String,
    /// JWKS file with RS256 public keys to accept as well.
    #[arg(long)]
    jwks: Option<PathBuf>,
    /// Enable a fault (repeatable); `--fault list` prints them all.
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<String>,
    /// Allowed CORS origin pattern (repeatable; replaces the defaults).
    #[arg(long = "origin", value_name = "PATTERN")]
    origins: Vec<String>,
    /// Start without the demo tenants and sites.
    #[arg(long)]
    no_demo_data: bool,
    /// Stop when the process with this id ends (a provider started for one test run, such
    /// as nextest's setup script, goes away with the run).
    #[arg(long, value_name = "PID")]
    watch_pid: Option<u32>,
}

/// Arguments of `cargo xtask token`.
#[derive(clap::Args)]
pub struct TokenArgs {
    /// The token's `tenant_id`.
    #[arg(long)]
    tenant: String,
    /// The token's `sub`.
    #[arg(long, default_value = "developer")]
    sub: String,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    ttl: u64,
    /// HS256 secret (must match the provider's).
    #[arg(long, env = "SB_JWT_SECRET", default_value = sb_provider::DEV_JWT_SECRET)]
    jwt_secret: String,
}

/// Prints a development token.
pub fn run_token(args: TokenArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        !args.tenant.is_empty(),
        "--tenant is empty; give a tenant such as test-tenant"
    );
    let jwt = JwtConfig {
        hs256_secret: args.jwt_secret,
        ..JwtConfig::default()
    };
    println!(
        "{}",
        sb_provider::dev_token(&jwt, &args.tenant, &args.sub, Duration::from_secs(args.ttl))
    );
    Ok(())
}

/// Serves the reference provider until Ctrl-C, then shuts down gracefully.
pub fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    if args.faults.iter().any(|f| f == "list") {
        for fault in Fault::ALL {
            println!("{:<32} {}", fault.name(), fault.description());
        }
        return Ok(());
    }
    let faults = args
        .faults
        .iter()
        .map(|name| name.parse::<Fault>())
        .collect::<Result<_, _>>()
        .context("bad --fault")?;
    let config = Config {
        jwt: JwtConfig {
            hs256_secret: args.jwt_secret.clone(),
            jwks_file: args.jwks.clone(),
            ..JwtConfig::default()
        },
        cors: if args.origins.is_empty() {
            CorsConfig::default()
        } else {
            CorsConfig {
                allowed_origins: args.origins.clone(),
            }
        },
        db: args.db.clone().map_or(DbLocation::Memory, DbLocation::File),
        demo_data: !args.no_demo_data,
        faults,
        ..Config::default()
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sb_provider=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    runtime.block_on(async move {
        let bind = SocketAddr::from(([127, 0, 0, 1], args.port));
        let provider = sb_provider::start(config.clone(), bind)
            .await
            .with_context(|| format!("failed to start the provider on {bind}"))?;
        println!("Site Builder reference provider at {}", provider.base_url());
        println!(
            "  store: {}",
            args.db.as_ref().map_or("in memory".to_owned(), |p| p.display().to_string())
        );
        if config.demo_data {
            println!(
                "  demo tenants: {} (sites test-site-id, test-site, low-score-site, threshold-site), {} (site other-site)",
                sb_provider::DEMO_TENANT,
                sb_provider::OTHER_TENANT
            );
        }
        for fault in &config.faults {
            println!("  FAULT {fault}: {}", fault.description());
        }
        let secret = if args.jwt_secret == sb_provider::DEV_JWT_SECRET {
            String::new()
        } else {
            " --jwt-secret <SECRET>".to_owned()
        };
        println!("  token: export SB_TOKEN=$(cargo xtask token --tenant test-tenant{secret})");
        println!(
            "  try:   curl -H \"Authorization: Bearer $SB_TOKEN\" -H 'X-Tenant-Id: test-tenant' {}/sites/test-tenant/templates",
            provider.base_url()
        );
        println!("ready; Ctrl-C to stop");
        let watched = async {
            match args.watch_pid {
                Some(pid) => {
                    // Linux: /proc/PID exists while the process runs.
                    let proc = PathBuf::from(format!("/proc/{pid}"));
                    while proc.exists() {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    println!("process {pid} ended");
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            signal = tokio::signal::ctrl_c() => signal.context("failed to listen for Ctrl-C")?,
            () = watched => {}
        }
        println!("stopping");
        provider.shutdown().await;
        anyhow::Ok(())
    })
}
