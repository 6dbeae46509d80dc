//! The system under test: a deployment given by base URL and credentials, or a provider the
//! test binary's [`Harness`] launches when no base URL is given, with the HTTP clients and
//! timeouts every check uses. The runtime knows no provider: a project plugs its own in.

use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use sb_plan::TargetOptions;

use crate::cause::{Cause, Phase};
use crate::tokens::{TokenKind, Tokens};

/// A provider started for a test binary: where it listens, the secret its tokens are signed
/// with, and whatever keeps it running (dropped with the target).
pub struct Launched {
    /// Its base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    /// The HS256 secret it accepts.
    pub jwt_secret: String,
    /// Keeps the provider alive for as long as the target.
    pub guard: Box<dyn Any + Send + Sync>,
}

/// A future that launches a provider.
pub type LaunchFuture = Pin<Box<dyn Future<Output = Result<Launched, String>> + Send>>;

/// How a test binary finds its target when no `--base-url` (`SB_BASE_URL`) is given.
#[derive(Clone, Copy)]
pub struct Harness {
    /// What the tests are of, for messages (`openapi/petstore.yaml`).
    pub label: &'static str,
    /// Starts an embedded provider (in the current runtime) for these options; `None`: the
    /// tests need a deployment.
    pub embedded: Option<fn(TargetOptions) -> LaunchFuture>,
}

impl Harness {
    /// Tests that run only against a deployment (tests generated for any spec).
    pub const fn deployment(label: &'static str) -> Harness {
        Harness {
            label,
            embedded: None,
        }
    }
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("label", &self.label)
            .field("embedded", &self.embedded.is_some())
            .finish()
    }
}

/// A failure to reach or configure the target.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The embedded provider did not start.
    #[error("cannot start the embedded reference provider: {0}")]
    Embedded(String),
    /// The shared target of this test binary could not be set up (the reason says why).
    #[error("{0}")]
    Unavailable(String),
    /// No base URL, and nothing to launch.
    #[error(
        "the tests of {label} need a deployment: set SB_BASE_URL (or pass --base-url to `cargo xtask verify`) and SB_JWT_SECRET or SB_TOKEN"
    )]
    NoBaseUrl { label: String },
    /// Something answers at the base URL, but not with HTTP (or not with a usable response).
    #[error(
        "{url} answered, but not with a usable HTTP response: {cause}; check that --base-url is the API's HTTP(S) endpoint"
    )]
    Garbage { url: String, cause: String },
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
    options: TargetOptions,
    /// Tokens by the JWT claim that carries the tenant (`x-tenant.claim` of a spec).
    tokens: Mutex<BTreeMap<Option<String>, Arc<Tokens>>>,
    /// The circuit breaker: set once the target was found unreachable mid-run, so that the
    /// remaining checks fail at once instead of each waiting for its own timeout.
    down: Mutex<Option<Down>>,
    /// Keeps a launched provider alive for as long as the target.
    _guard: Option<Box<dyn Any + Send + Sync>>,
}

/// When and why the target was found unreachable.
#[derive(Debug, Clone)]
struct Down {
    since: chrono::DateTime<chrono::Utc>,
    cause: String,
    /// When it was last probed (the breaker re-probes at most every [`REPROBE_EVERY`]).
    probed: Instant,
    /// It accepts connections but answers nothing (a frozen process), rather than refusing
    /// them.
    silent: bool,
}

/// How long the breaker's probe waits for a response head.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// How often an open breaker lets one check re-probe the target: a deployment that comes
/// back (a restart, a redeploy) is used again within this long, while the checks in between
/// fail at once.
pub const REPROBE_EVERY: Duration = Duration::from_secs(3);

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url)
            .field("tenant", &self.options.tenant)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Connects to the deployment in `options`, or launches the harness's provider (in the
    /// current runtime) when no base URL is given.
    pub async fn connect(
        options: &TargetOptions,
        harness: &Harness,
    ) -> Result<Target, TargetError> {
        match &options.base_url {
            None => {
                let launch = harness.embedded.ok_or_else(|| TargetError::NoBaseUrl {
                    label: harness.label.to_string(),
                })?;
                let launched = launch(options.clone())
                    .await
                    .map_err(TargetError::Embedded)?;
                Target::launched(launched, options.clone())
            }
            Some(url) => {
                let base_url = url.trim_end_matches('/').to_string();
                wait_ready(&base_url, Duration::from_secs(options.timeout_secs)).await?;
                if Tokens::for_options(options, None).is_none() {
                    return Err(TargetError::NoCredentials { url: base_url });
                }
                Ok(Target {
                    base_url,
                    options: options.clone(),
                    tokens: Mutex::default(),
                    down: Mutex::default(),
                    _guard: None,
                })
            }
        }
    }

    /// Targets a provider launched by the caller (fault tests start one with a fault on).
    pub fn launched(launched: Launched, options: TargetOptions) -> Result<Target, TargetError> {
        let mut options = options;
        options.base_url = None;
        options.jwt_secret = Some(launched.jwt_secret);
        Ok(Target {
            base_url: launched.base_url.trim_end_matches('/').to_string(),
            options,
            tokens: Mutex::default(),
            down: Mutex::default(),
            _guard: Some(launched.guard),
        })
    }

    /// The target shared by all tests of one test binary, from the `SB_*` environment and
    /// the binary's harness. A launched provider runs on a runtime of its own so it outlives
    /// each test's runtime.
    pub fn shared(harness: &Harness) -> Result<&'static Target, TargetError> {
        static SHARED: OnceLock<Result<Target, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let options = TargetOptions::from_env();
                let harness = *harness;
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
                            let target = Target::connect(&options, &harness).await;
                            let _ = sender.send(target.map_err(|e| e.to_string()));
                            // Serve for as long as the test process lives.
                            std::future::pending::<()>().await;
                        });
                    })
                    .map_err(|e| e.to_string())?;
                receiver
                    .recv_timeout(Duration::from_secs(120))
                    .map_err(|e| format!("target did not start within 120 s: {e}"))?
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

    /// The time limit of one whole plain or typed exchange (`--timeout-secs`).
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.options.timeout_secs)
    }

    /// The most bytes of one response body a check reads (`--max-body-bytes`).
    pub fn max_body(&self) -> usize {
        self.options.max_body_bytes
    }

    /// The limits of one whole exchange's body, for a progenitor client with
    /// [`crate::bounded_hooks!`]: `--max-body-bytes`, and `--timeout-secs` from the send to
    /// the last byte. Run the calls inside [`crate::body::with_limits`] with them.
    pub fn body_limits(&self) -> sb_stream::body::BodyLimits {
        sb_stream::body::BodyLimits {
            max_bytes: self.max_body(),
            total: Some(self.timeout()),
        }
    }

    /// `Some(message)` once the circuit breaker is open: the target stopped answering
    /// mid-run, and every further check fails at once with this message.
    pub fn unreachable(&self) -> Option<String> {
        let down = self
            .down
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()?;
        let what = if down.silent {
            "no longer answers requests"
        } else {
            "no longer accepts connections"
        };
        Some(format!(
            "{} {} ({}); {} {what}, so this check was not run",
            sb_plan::outcome::UNREACHABLE,
            down.since.format("%H:%M:%S UTC"),
            down.cause,
            self.base_url
        ))
    }

    /// [`Target::unreachable`] for a check about to start: while the breaker is open, at
    /// most once every [`REPROBE_EVERY`] one caller re-probes the target (any HTTP answer
    /// within 2 s) and closes the breaker when it answers; every other caller gets the
    /// breaker's message at once.
    pub async fn still_unreachable(&self) -> Option<String> {
        let due = {
            let mut down = self.down.lock().unwrap_or_else(|p| p.into_inner());
            let down = down.as_mut()?;
            let due = down.probed.elapsed() >= REPROBE_EVERY;
            if due {
                down.probed = Instant::now();
            }
            due
        };
        if due && probe(&self.base_url).await.is_ok() {
            *self.down.lock().unwrap_or_else(|p| p.into_inner()) = None;
            return None;
        }
        self.unreachable()
    }

    /// Reports a failed exchange. A failure that may mean the target is gone (no TCP
    /// connection, or no response head in time) gets one quick probe: any HTTP answer to a
    /// GET of the base URL within 2 s. When that fails too, the breaker opens. Returns the
    /// cause to report for this exchange.
    pub async fn failed(&self, cause: Cause) -> Cause {
        if !cause.may_be_down() {
            return cause;
        }
        let silent = !cause.is_connect();
        if let Some(down) = self.unreachable() {
            return Cause::Unreachable(down);
        }
        if probe(&self.base_url).await.is_ok() {
            return cause;
        }
        let mut down = self.down.lock().unwrap_or_else(|p| p.into_inner());
        down.get_or_insert_with(|| Down {
            since: chrono::Utc::now(),
            cause: cause.to_string(),
            probed: Instant::now(),
            silent,
        });
        cause
    }

    /// The tenant whose resources the examples name.
    pub fn tenant(&self) -> &str {
        &self.options.tenant
    }

    /// The other tenant, for isolation checks.
    pub fn other_tenant(&self) -> &str {
        &self.options.other_tenant
    }

    /// The tokens of this target for a spec whose tenant travels in JWT claim `claim`.
    pub fn tokens(&self, claim: Option<&str>) -> Result<Arc<Tokens>, TargetError> {
        let mut cache = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let key = claim.map(str::to_string);
        if let Some(tokens) = cache.get(&key) {
            return Ok(tokens.clone());
        }
        let tokens = Arc::new(Tokens::for_options(&self.options, claim).ok_or_else(|| {
            TargetError::NoCredentials {
                url: self.base_url.clone(),
            }
        })?);
        cache.insert(key, tokens.clone());
        Ok(tokens)
    }

    /// A token of the given kind for a spec with tenant claim `claim`, or `None` when this
    /// target cannot make one (an expired token needs the secret).
    pub fn token_of(&self, claim: Option<&str>, kind: TokenKind) -> Option<String> {
        self.tokens(claim).ok()?.get(kind)
    }

    /// A new HTTP client with timeouts. Each test makes its own: connections must not be
    /// shared across the per-test runtimes. [`crate::request::exchange`] bounds each whole
    /// exchange itself (to name the phase that timed out); the client's own total timeout,
    /// a little longer, is the backstop.
    pub fn http(&self) -> Result<reqwest::Client, TargetError> {
        client_builder(self.timeout())
            .timeout(self.timeout() + Duration::from_secs(5))
            .build()
            .map_err(|e| TargetError::Client(e.to_string()))
    }

    /// An HTTP client for streams: no total timeout (streams are bounded by their budgets),
    /// but connect and per-read timeouts.
    pub fn streaming_http(&self) -> Result<reqwest::Client, TargetError> {
        client_builder(self.timeout())
            .build()
            .map_err(|e| TargetError::Client(e.to_string()))
    }

    /// An HTTP client that sends `token` on every request, for progenitor's typed clients
    /// (which ignore `securitySchemes`); no total timeout (streams use it too).
    pub fn typed_http(&self, token: &str) -> Result<reqwest::Client, TargetError> {
        self.typed_http_within(token, None)
    }

    /// [`Target::typed_http`] with a total timeout over each whole exchange (headers and
    /// body), for typed calls that read a whole JSON body.
    pub fn typed_http_within(
        &self,
        token: &str,
        total: Option<Duration>,
    ) -> Result<reqwest::Client, TargetError> {
        let mut headers = reqwest::header::HeaderMap::new();
        let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|e| TargetError::Client(format!("token is not a valid header: {e}")))?;
        headers.insert(reqwest::header::AUTHORIZATION, value);
        let mut builder = client_builder(self.timeout()).default_headers(headers);
        if let Some(total) = total {
            builder = builder.timeout(total);
        }
        builder
            .build()
            .map_err(|e| TargetError::Client(e.to_string()))
    }
}

/// Whether the target answers a GET of the base URL within [`PROBE_TIMEOUT`]: any status
/// will do, and so will an answer that is not proper HTTP (the target is there, broken in
/// another way). No connection, or no response head in time, is no answer. A TCP
/// connection alone is not enough: the kernel accepts connections for a frozen process.
async fn probe(base_url: &str) -> Result<(), String> {
    let client = client_builder(PROBE_TIMEOUT)
        .timeout(PROBE_TIMEOUT)
        .build()
        .map_err(|e| e.to_string())?;
    match client.get(base_url).send().await {
        Ok(_) => Ok(()),
        Err(e) => match Cause::of(&e, Phase::Headers, PROBE_TIMEOUT) {
            cause @ (Cause::Refused(_) | Cause::Connect(_) | Cause::HeadersTimeout { .. }) => {
                Err(cause.to_string())
            }
            _ => Ok(()),
        },
    }
}

fn client_builder(read_timeout: Duration) -> reqwest::ClientBuilder {
    sb_stream::tls::client_builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(read_timeout)
        .redirect(reqwest::redirect::Policy::none())
}

/// Waits until the deployment answers any HTTP request, polling with a deadline. A target
/// that accepts the connection but answers with something other than HTTP fails at once:
/// waiting would not help, and "did not answer" would send the user looking in the wrong
/// place.
async fn wait_ready(base_url: &str, timeout: Duration) -> Result<(), TargetError> {
    let per_try = Duration::from_secs(5).min(timeout.max(Duration::from_secs(1)));
    let client = client_builder(per_try)
        .timeout(per_try)
        .build()
        .map_err(|e| TargetError::Client(e.to_string()))?;
    let deadline = Instant::now() + timeout;
    let mut delay = Duration::from_millis(20);
    loop {
        let last_error = match client.get(base_url).send().await {
            Ok(_) => return Ok(()),
            Err(e) => match Cause::of(&e, Phase::Headers, per_try) {
                cause @ (Cause::InvalidHttp(_)
                | Cause::HeadersTooLarge
                | Cause::Reset(_)
                | Cause::Closed) => {
                    return Err(TargetError::Garbage {
                        url: base_url.to_string(),
                        cause: cause.to_string(),
                    });
                }
                cause => cause.to_string(),
            },
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
