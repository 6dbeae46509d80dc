//! `sb_stream::tls`: one TLS configuration per process.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sb_stream::tls::{client_builder, config, verifier};

#[test]
fn clients_share_one_configuration() {
    let first = config().as_ref().map(|c| c as *const _);
    let second = config().as_ref().map(|c| c as *const _);
    assert_eq!(first, second);
    client_builder().build().expect("a client builds");
}

/// The roots are read on first use, and then certificates are really verified: one that is
/// not even DER is refused, and the signature schemes are the provider's.
#[test]
fn the_lazy_verifier_verifies() {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = verifier(provider.clone());
    assert_eq!(
        verifier.supported_verify_schemes(),
        provider
            .signature_verification_algorithms
            .supported_schemes()
    );
    let name = ServerName::try_from("example.com").expect("a name");
    let refused = verifier.verify_server_cert(
        &CertificateDer::from(vec![1, 2, 3]),
        &[],
        &name,
        &[],
        UnixTime::now(),
    );
    assert!(
        refused.is_err(),
        "a certificate of three bytes was accepted"
    );
}
