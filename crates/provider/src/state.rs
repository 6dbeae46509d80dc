//! The state shared by all handlers.

use tokio::sync::{Mutex, watch};

use crate::auth::Verifier;
use crate::config::Config;
use crate::fault::Fault;
use crate::store::Store;

/// How the provider is running; generation tasks watch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// Serving.
    Running,
    /// Shutting down gracefully: running generations end with an error event and FAILED.
    Stopping,
    /// Simulated crash: everything stops at once and nothing more is written.
    Crashed,
}

/// Shared state.
pub struct AppState {
    pub config: Config,
    pub store: Store,
    pub verifier: Verifier,
    /// Base URL of logo links, without trailing slash (`http://127.0.0.1:PORT/v1`).
    pub public_base_url: String,
    pub lifecycle: watch::Receiver<Lifecycle>,
    /// The one lock generations queue behind under `Fault::SerialisedGenerations`.
    pub serial: Mutex<()>,
}

impl AppState {
    /// Whether a fault is on.
    pub fn fault(&self, fault: Fault) -> bool {
        self.config.faults.contains(&fault)
    }
}
