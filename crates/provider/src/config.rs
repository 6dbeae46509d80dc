//! Configuration of the provider: authentication, CORS, storage, pacing, limits and faults.

use std::path::PathBuf;
use std::time::Duration;

use crate::fault::Faults;

/// The HS256 secret used when none is configured (development only).
pub const DEV_JWT_SECRET: &str = "sitebuilder-dev-secret";

/// Everything the provider can be configured with; [`Config::default`] is a faithful provider.
#[derive(Clone, Debug)]
pub struct Config {
    /// How bearer tokens are verified.
    pub jwt: JwtConfig,
    /// Which browser origins may call the APIs.
    pub cors: CorsConfig,
    /// Where state is kept.
    pub db: DbLocation,
    /// How fast a generation streams.
    pub pacing: Pacing,
    /// Time between deployment states (PENDING -> IN_PROGRESS -> SUCCEEDED).
    pub deployment_step: Duration,
    /// Largest accepted request body in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Base URL used in logo URLs; defaults to the bound `http://127.0.0.1:PORT/v1`.
    pub public_base_url: Option<String>,
    /// Seed the demo tenants, sites, generations, deployments and logo of the specs' examples.
    pub demo_data: bool,
    /// Deliberately broken behaviours (empty by default).
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            jwt: JwtConfig::default(),
            cors: CorsConfig::default(),
            db: DbLocation::Memory,
            pacing: Pacing::default(),
            deployment_step: Duration::from_millis(300),
            body_limit: 64 * 1024,
            public_base_url: None,
            demo_data: true,
            faults: Faults::new(),
        }
    }
}

/// Token verification settings.
#[derive(Clone, Debug)]
pub struct JwtConfig {
    /// Secret for HS256 tokens.
    pub hs256_secret: String,
    /// A JWKS file with the RS256 public keys to accept as well.
    pub jwks_file: Option<PathBuf>,
    /// Required `iss` claim, when set.
    pub issuer: Option<String>,
    /// Required `aud` claim, when set.
    pub audience: Option<String>,
}

impl Default for JwtConfig {
    fn default() -> Self {
        JwtConfig {
            hs256_secret: DEV_JWT_SECRET.to_owned(),
            jwks_file: None,
            issuer: None,
            audience: None,
        }
    }
}

/// CORS settings.
#[derive(Clone, Debug)]
pub struct CorsConfig {
    /// Allowed origins: exact (`https://kimmyai.io`), wildcard subdomain
    /// (`https://*.kimmyai.io`), any port (`http://localhost:*`) or `*` for any origin.
    pub allowed_origins: Vec<String>,
}

impl Default for CorsConfig {
    fn default() -> Self {
        CorsConfig {
            allowed_origins: vec![
                "https://kimmyai.io".to_owned(),
                "https://*.kimmyai.io".to_owned(),
                "http://localhost:*".to_owned(),
            ],
        }
    }
}

/// Where the SQLite store lives.
#[derive(Clone, Debug, Default)]
pub enum DbLocation {
    /// A private in-memory database (tests).
    #[default]
    Memory,
    /// A file, in WAL mode, that survives restarts.
    File(PathBuf),
}

/// Timing of a generation's stream.
#[derive(Clone, Copy, Debug)]
pub struct Pacing {
    /// Delay between the first progress event and the first chunk.
    pub first_chunk_delay: Duration,
    /// Delay between two chunks.
    pub chunk_interval: Duration,
    /// Smallest gap between two intermediate progress events.
    pub progress_interval: Duration,
}

impl Pacing {
    /// No delays at all, for fast tests.
    pub const fn instant() -> Self {
        Pacing {
            first_chunk_delay: Duration::ZERO,
            chunk_interval: Duration::ZERO,
            progress_interval: Duration::ZERO,
        }
    }
}

impl Default for Pacing {
    /// First chunk after about 150 ms, whole page in about 1.3 s.
    fn default() -> Self {
        Pacing {
            first_chunk_delay: Duration::from_millis(150),
            chunk_interval: Duration::from_millis(120),
            progress_interval: Duration::from_millis(250),
        }
    }
}
