//! The system under test: the embedded reference provider (default) or a deployment given
//! by base URL and tokens, with the HTTP clients and timeouts every check uses.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use sb_plan::TargetOptions;

use crate::tokens::{TokenKind, Tokens};

/// A failure to reach or configure the target.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The embedded provider did not start.
    #[error("cannot start the embedded reference provider: {0}")]
    Embedded(String),
    /// The shared target of this test binary could not be set up (the reason says why).
    #[error("{0}")]
    Unavailable(String),
    /// The deployment did not answer in time.
    #[error(
        "{url} did not answer within {seconds} s ({last_error}); check --base-url and that the deployment is up"
    )]
    Unreachable {
        url: String,
        seconds: u64,
        last_error: String,
    },
    /// Neither a secret nor a token was given for a deployment.
    #[error(
        "no credentials for {url}: pass --jwt-secret, or --token (and --other-tenant-token for isolation checks)"
    )]
    NoCredentials { url: String },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// A resolved target: where it is and how to authenticate against it.
pub struct Target {
    base_url: String,
    tokens: Tokens,
    options: TargetOptions,
    /// Keeps a provider started in the caller's runtime alive for as long as the target.
    _provider: Option<sb_provider::RunningProvider>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url)
            .field("tenant", &self.options.tenant)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Connects to the deployment in `options`, or starts the embedded provider (in the
    /// current runtime) when no base URL is given.
    pub async fn connect(options: &TargetOptions) -> Result<Target, TargetError> {
        match &options.base_url {
            None => Target::embedded(sb_provider::Config::default(), options.clone()).await,
            Some(url) => {
                let base_url = url.trim_end_matches('/').to_string();
                wait_ready(&base_url, Duration::from_secs(options.timeout_secs)).await?;
                let tokens =
                    Tokens::for_options(options).ok_or_else(|| TargetError::NoCredentials {
                        url: base_url.clone(),
                    })?;
                Ok(Target {
                    base_url,
                    tokens,
                    options: options.clone(),
                    _provider: None,
                })
            }
        }
    }

    /// Starts a reference provider with `config` in the current runtime (fault tests use this
    /// with a fault switched on) and targets it.
    pub async fn embedded(
        config: sb_provider::Config,
        options: TargetOptions,
    ) -> Result<Target, TargetError> {
        let secret = config.jwt.hs256_secret.clone();
        let provider = sb_provider::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| TargetError::Embedded(e.to_string()))?;
        let mut options = options;
        options.base_url = None;
        options.jwt_secret = Some(secret);
        let tokens = Tokens::for_options(&options).expect("a secret always yields tokens");
        Ok(Target {
            base_url: provider.base_url().to_string(),
            tokens,
            options,
            _provider: Some(provider),
        })
    }

    /// The target shared by all tests of one test binary, from the `SB_*` environment. The
    /// embedded provider runs on a runtime of its own so it outlives each test's runtime.
    pub fn shared() -> Result<&'static Target, TargetError> {
        static SHARED: OnceLock<Result<Target, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let options = TargetOptions::from_env();
                let (sender, receiver) = std::sync::mpsc::channel();
                std::thread::Builder::new()
                    .name("sb-target".into())
                    .spawn(move || {
                        let runtime = match tokio::runtime::Builder::new_multi_thread()
                            .worker_threads(2)
                            .enable_all()
                            .build()
                        {
                            Ok(runtime) => runtime,
                            Err(e) => {
                                let _ = sender.send(Err(e.to_string()));
                                return;
                            }
                        };
                        runtime.block_on(async move {
                            let target = Target::connect(&options).await;
                            let _ = sender.send(target.map_err(|e| e.to_string()));
                            // Serve for as long as the test process lives.
                            std::future::pending::<()>().await;
                        });
                    })
                    .map_err(|e| e.to_string())?;
                receiver
                    .recv_timeout(Duration::from_secs(120))
                    .map_err(|e| format!("target did not start: {e}"))?
            })
            .as_ref()
            .map_err(|e| TargetError::Unavailable(e.clone()))
    }

    /// The base URL, without a trailing slash (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The options this target was made from.
    pub fn options(&self) -> &TargetOptions {
        &self.options
    }

    /// The tenant whose resources the examples name.
    pub fn tenant(&self) -> &str {
        &self.options.tenant
    }

    /// The other tenant, for isolation checks.
    pub fn other_tenant(&self) -> &str {
        &self.options.other_tenant
    }

    /// A valid token of the main tenant.
    pub fn token(&self) -> &str {
        self.tokens.valid()
    }

    /// A token of the given kind, or `None` when this target cannot make one (an expired
    /// token needs the secret).
    pub fn token_of(&self, kind: TokenKind) -> Option<String> {
        self.tokens.get(kind)
    }

    /// A new HTTP client with timeouts. Each test makes its own: connections must not be
    /// shared across the per-test runtimes.
    pub fn http(&self) -> Result<reqwest::Client, TargetError> {
        client_builder(Duration::from_secs(self.options.timeout_secs))
            .timeout(Duration::from_secs(self.options.timeout_secs))
            .build()
            .map_err(|e| TargetError::Client(e.to_string()))
    }

    /// An HTTP client for streams: no total timeout (streams are bounded by their budgets),
    /// but connect and per-read timeouts.
    pub fn streaming_http(&self) -> Result<reqwest::Client, TargetError> {
        client_builder(Duration::from_secs(self.options.timeout_secs))
            .build()
            .map_err(|e| TargetError::Client(e.to_string()))
    }

    /// An HTTP client that sends the main tenant's token on every request, for progenitor's
    /// typed clients (which ignore `securitySchemes`).
    pub fn typed_http(&self) -> Result<reqwest::Client, TargetError> {
        let mut headers = reqwest::header::HeaderMap::new();
        let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.token()))
            .map_err(|e| TargetError::Client(format!("token is not a valid header: {e}")))?;
        headers.insert(reqwest::header::AUTHORIZATION, value);
        client_builder(Duration::from_secs(self.options.timeout_secs))
            .default_headers(headers)
            .build()
            .map_err(|e| TargetError::Client(e.to_string()))
    }
}

fn client_builder(read_timeout: Duration) -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(read_timeout)
        .redirect(reqwest::redirect::Policy::none())
}

/// rustls needs a process-wide crypto provider for https targets; ring is the one built in.
fn install_crypto_provider() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Waits until the deployment answers any HTTP request, polling with a deadline.
async fn wait_ready(base_url: &str, timeout: Duration) -> Result<(), TargetError> {
    let client = client_builder(Duration::from_secs(5))
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| TargetError::Client(e.to_string()))?;
    let deadline = Instant::now() + timeout;
    let mut delay = Duration::from_millis(20);
    loop {
        let last_error = match client.get(base_url).send().await {
            Ok(_) => return Ok(()),
            Err(e) => e.to_string(),
        };
        if Instant::now() + delay > deadline {
            return Err(TargetError::Unreachable {
                url: base_url.to_string(),
                seconds: timeout.as_secs(),
                last_error,
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(500));
    }
}
