//! One TLS client configuration per process. reqwest builds its rustls configuration for
//! every client, and with it the platform verifier, which reads and decodes every root
//! certificate of the system (about 150 PEM blocks); the checks build a client each, so that
//! was most of the suites' CPU time (measured in `docs/build.md`). Clients built from
//! [`client_builder`] share one configuration: the same system roots and protocol versions
//! as reqwest's own, read once.

use std::sync::{Arc, OnceLock};

/// The process's TLS configuration, or why the system's roots could not be loaded.
#[doc(hidden)] // pub for the integration tests (crates/runtime/tests/runtime/stream/tls.rs)
pub fn config() -> &'static Result<rustls::ClientConfig, String> {
    static CONFIG: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|e| format!("cannot load the system's root certificates: {e}"))?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        // The clients speak HTTP/1.1 only (reqwest is built without http2).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    })
}

/// A reqwest client builder with the shared TLS configuration. When the system's roots
/// cannot be loaded, the builder is reqwest's own (with ring as the process's provider, as
/// reqwest is built without one), which reports that when it is built.
pub fn client_builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    match config() {
        Ok(config) => builder.tls_backend_preconfigured(config.clone()),
        Err(_) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            builder
        }
    }
}
