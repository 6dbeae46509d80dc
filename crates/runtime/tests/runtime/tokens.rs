//! `sb_runtime::tokens`: the bearer tokens the checks send.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sb_runtime::TargetOptions;
use sb_runtime::tokens::{TokenKind, Tokens};
use serde_json::Value;

#[test]
fn tampered_signature_differs_and_keeps_claims() {
    let options = TargetOptions {
        jwt_secret: Some("s".into()),
        ..TargetOptions::default()
    };
    let tokens = Tokens::for_options(&options, Some("tenant_id")).unwrap();
    // Given a token and no secret, the wrong signature is the given token's, tampered.
    let given = TargetOptions {
        token: Some(tokens.valid().to_string()),
        ..TargetOptions::default()
    };
    let tampered = Tokens::for_options(&given, Some("tenant_id"))
        .unwrap()
        .get(TokenKind::WrongSignature)
        .unwrap();
    assert_ne!(tampered, tokens.valid());
    assert_eq!(tampered.split('.').nth(1), tokens.valid().split('.').nth(1));
}

#[test]
fn alg_none_token_has_empty_signature() {
    let given = TargetOptions {
        token: Some("a.b.c".into()),
        ..TargetOptions::default()
    };
    let tokens = Tokens::for_options(&given, None).unwrap();
    let token = tokens.get(TokenKind::AlgNone).unwrap();
    assert!(token.ends_with("b."));
    let header = URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    assert_eq!(header, br#"{"alg":"none","typ":"JWT"}"#);
}

#[test]
fn without_secret_expired_is_unavailable() {
    let options = TargetOptions {
        token: Some("x.y.z".into()),
        ..TargetOptions::default()
    };
    let tokens = Tokens::for_options(&options, Some("tenant_id")).unwrap();
    assert!(tokens.get(TokenKind::Expired).is_none());
    assert!(tokens.get(TokenKind::WrongSignature).is_some());
}

#[test]
fn the_tenant_travels_under_the_specs_claim_name() {
    let options = TargetOptions {
        jwt_secret: Some("s".into()),
        ..TargetOptions::default()
    };
    let payload = |token: &str| -> Value {
        let part = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    let tokens = Tokens::for_options(&options, Some("org")).unwrap();
    assert_eq!(payload(tokens.valid())["org"], "test-tenant");
    assert!(
        payload(&tokens.get(TokenKind::NoTenantClaim).unwrap())
            .get("org")
            .is_none()
    );
    let untenanted = Tokens::for_options(&options, None).unwrap();
    assert_eq!(
        payload(untenanted.valid())
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["exp", "iat", "sub"]
    );
    assert!(untenanted.get(TokenKind::NoTenantClaim).is_none());
}
