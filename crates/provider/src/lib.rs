//! The embedded reference provider of the three Site Builder APIs (generation, agents,
//! validation) on loopback: faithful to `openapi/*.yaml`, with switchable faults.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sb_provider::ProviderError> {
//! let provider = sb_provider::start(sb_provider::Config::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! let token = sb_provider::dev_token(&Default::default(), "test-tenant", "me", std::time::Duration::from_secs(600));
//! println!("{} {token}", provider.base_url());
//! provider.shutdown().await;
//! # Ok(()) }
//! ```

mod analysis;
mod auth;
mod config;
mod cors;
mod demo;
mod edge;
mod error;
mod fault;
mod logo;
mod page;
mod routes;
mod state;
mod store;
mod validate;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, Request};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceBuilder;
use tower_http::request_id::SetRequestIdLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use auth::{Caller, dev_token};
pub use config::{Config, CorsConfig, DEV_JWT_SECRET, DbLocation, JwtConfig, Pacing};
pub use demo::{DEMO_TENANT, OTHER_TENANT};
pub use error::ProviderError;
pub use fault::{Fault, Faults, UnknownFault};
pub use logo::DEMO_LOGO_ID;

use state::{AppState, Lifecycle};

/// The provider's parts, for its own tests of them without a server (tests/provider/): not
/// an API, free to change.
// pub for the integration tests (tests/provider/)
#[doc(hidden)]
pub mod internals {
    pub use crate::analysis::{Analysis, Issue, Severity, analyse};
    pub use crate::auth::Verifier;
    pub use crate::cors::allowed;
    pub use crate::demo::{THRESHOLD_HTML, THRESHOLD_SITE, threshold_brand};
    pub use crate::edge::is_generation;
    pub use crate::error::ApiError;
    pub use crate::logo::{draw, is_logo_id, logo_id, preview};
    pub use crate::page::{DEFAULT_TEMPLATE, Template, render, template};
    pub use crate::routes::deployments::{Misreport, status_at};
    pub use crate::store::{Brand, DeploymentRow};
    pub use crate::validate::{Invalid, deployment_request, generation_request, logo_request};
}

/// How long [`RunningProvider::shutdown`] waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A provider serving on a bound address.
pub struct RunningProvider {
    addr: SocketAddr,
    base_url: String,
    lifecycle: Arc<watch::Sender<Lifecycle>>,
    task: Option<JoinHandle<()>>,
}

impl RunningProvider {
    /// `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Graceful shutdown: running generations end with an `error` event and are marked
    /// FAILED, open requests finish (up to 5 s), then the server stops.
    pub async fn shutdown(mut self) {
        self.lifecycle.send_replace(Lifecycle::Stopping);
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            tracing::warn!("connections still open after the grace period; closing them");
            task.abort();
            let _ = task.await;
        }
    }

    /// Simulates a crash: the server stops at once and running generations write nothing
    /// more, so they stay PENDING/IN_PROGRESS in the store (until the next start marks them
    /// FAILED). For restart tests.
    pub async fn kill(mut self) {
        self.lifecycle.send_replace(Lifecycle::Crashed);
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for RunningProvider {
    fn drop(&mut self) {
        if self.task.is_some() {
            self.lifecycle.send_replace(Lifecycle::Stopping);
        }
    }
}

/// Binds `bind` (use `127.0.0.1:0` in tests), spawns the server task and returns once the
/// listener is bound, so the provider is ready for requests.
pub async fn start(config: Config, bind: SocketAddr) -> Result<RunningProvider, ProviderError> {
    let verifier = auth::Verifier::new(&config.jwt)?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| ProviderError::Bind { addr: bind, source })?;
    let mut addr = listener
        .local_addr()
        .map_err(|source| ProviderError::Bind { addr: bind, source })?;
    let base_url = {
        let mut shown = addr;
        if shown.ip().is_unspecified() {
            shown.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        format!("http://{shown}/v1")
    };
    if addr.ip().is_unspecified() {
        addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let public_base_url = config
        .public_base_url
        .clone()
        .unwrap_or_else(|| base_url.clone())
        .trim_end_matches('/')
        .to_owned();
    let db = config.db.clone();
    let demo_data = config.demo_data;
    let seed_url = public_base_url.clone();
    let store = tokio::task::spawn_blocking(move || {
        let store = store::Store::open(&db)?;
        if demo_data {
            demo::seed(&store, &seed_url).map_err(|source| ProviderError::Store {
                location: "demo data".to_owned(),
                source,
            })?;
        }
        Ok::<_, ProviderError>(store)
    })
    .await
    .map_err(|e| ProviderError::Config(format!("store setup task failed: {e}")))??;

    let (lifecycle, lifecycle_rx) = watch::channel(Lifecycle::Running);
    let lifecycle = Arc::new(lifecycle);
    let state = Arc::new(AppState {
        config,
        store,
        verifier,
        public_base_url,
        lifecycle: lifecycle_rx.clone(),
        serial: tokio::sync::Mutex::new(()),
    });
    let request_id = HeaderName::from_static(edge::REQUEST_ID);
    let app = routes::router(state.clone()).layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(edge::sanitize_request_id))
            .layer(SetRequestIdLayer::new(request_id, edge::MakeUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|req: &Request<_>| {
                        let id = req
                            .headers()
                            .get(edge::REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                    })
                    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
            )
            .layer(axum::middleware::from_fn_with_state(state, edge::edge)),
    );
    let mut shutdown_rx = lifecycle_rx;
    let keep_alive = lifecycle.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = shutdown_rx.wait_for(|l| *l != Lifecycle::Running).await;
    });
    let task = tokio::spawn(async move {
        if let Err(e) = server.await {
            tracing::error!(error = %e, "the provider's server failed");
        }
        drop(keep_alive);
    });
    tracing::info!(%base_url, "provider listening");
    Ok(RunningProvider {
        addr,
        base_url,
        lifecycle,
        task: Some(task),
    })
}
