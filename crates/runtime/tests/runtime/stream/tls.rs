//! `sb_stream::tls`: one TLS configuration per process.

use sb_stream::tls::{client_builder, config};

#[test]
fn clients_share_one_configuration() {
    let first = config().as_ref().map(|c| c as *const _);
    let second = config().as_ref().map(|c| c as *const _);
    assert_eq!(first, second);
    client_builder().build().expect("a client builds");
}
