//! One TLS client configuration per process. reqwest builds its rustls configuration for
//! every client, and with it the platform verifier, which reads and decodes every root
//! certificate of the system (about 150 PEM blocks); the checks build a client each, so that
//! was most of the suites' CPU time (measured in `docs/build.md`). Clients built from
//! [`client_builder`] share one configuration: the same system roots, signature algorithms
//! and protocol versions as reqwest's own. The roots are read when the first server
//! certificate is checked, not before: a run against plain-HTTP targets never reads them
//! (nextest runs each test in a process of its own).

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// The platform verifier, made on first use.
#[derive(Debug)]
struct LazyPlatformVerifier {
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<Verifier, rustls::Error>>,
}

impl LazyPlatformVerifier {
    fn verifier(&self) -> Result<&Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| {
                Verifier::new(self.provider.clone()).map_err(|e| {
                    rustls::Error::General(format!(
                        "cannot load the system's root certificates: {e}"
                    ))
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    // The signatures need no roots: the provider's algorithms, as the platform verifier's.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The verifier of the shared configuration: the platform's, made on first use.
#[doc(hidden)] // pub for the integration tests (crates/runtime/tests/runtime/stream/tls.rs)
pub fn verifier(provider: Arc<CryptoProvider>) -> Arc<dyn ServerCertVerifier> {
    Arc::new(LazyPlatformVerifier {
        provider,
        verifier: OnceLock::new(),
    })
}

/// The process's TLS configuration (an error only if ring offered no protocol version).
#[doc(hidden)] // pub for the integration tests (crates/runtime/tests/runtime/stream/tls.rs)
pub fn config() -> &'static Result<rustls::ClientConfig, String> {
    static CONFIG: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(verifier(provider))
            .with_no_client_auth();
        // The clients speak HTTP/1.1 only (reqwest is built without http2).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    })
}

/// A reqwest client builder with the shared TLS configuration (or, should that fail,
/// reqwest's own, with ring as the process's provider as reqwest is built without one).
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
