//! The bearer tokens the checks send: valid ones for both tenants, and each kind of bad one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use serde::Serialize;

use crate::target::TargetOptions;

/// What a check wants to send in `Authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A valid token of the main tenant.
    Valid,
    /// A valid token of the other tenant.
    OtherTenant,
    /// Not a JWT at all.
    Malformed,
    /// A JWT of the main tenant whose signature does not verify.
    WrongSignature,
    /// A correctly signed token of the main tenant that expired an hour ago.
    Expired,
    /// The main tenant's claims with `alg: none` and no signature.
    AlgNone,
    /// Correctly signed, but without the `tenant_id` claim.
    NoTenantClaim,
    /// Correctly signed, but without `exp` (a token that never expires).
    NoExpiry,
}

#[derive(Serialize)]
struct Claims<'a> {
    sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    iat: i64,
}

/// The tokens of one target.
#[derive(Debug, Clone)]
pub struct Tokens {
    valid: String,
    other: Option<String>,
    expired: Option<String>,
    no_tenant: Option<String>,
    no_expiry: Option<String>,
    wrong_signature: String,
}

impl Tokens {
    /// Mints tokens with the secret when there is one, else uses the given tokens.
    pub fn for_options(options: &TargetOptions) -> Option<Tokens> {
        if let Some(secret) = &options.jwt_secret {
            let now = chrono::Utc::now().timestamp();
            let valid = mint(secret, &options.tenant, now + 3600, now);
            Some(Tokens {
                other: Some(
                    options
                        .other_tenant_token
                        .clone()
                        .unwrap_or_else(|| mint(secret, &options.other_tenant, now + 3600, now)),
                ),
                expired: Some(mint(secret, &options.tenant, now - 3600, now - 7200)),
                no_tenant: Some(sign(
                    secret,
                    &Claims {
                        sub: "contract-tests",
                        tenant_id: None,
                        exp: Some(now + 3600),
                        iat: now,
                    },
                )),
                no_expiry: Some(sign(
                    secret,
                    &Claims {
                        sub: "contract-tests",
                        tenant_id: Some(&options.tenant),
                        exp: None,
                        iat: now,
                    },
                )),
                wrong_signature: mint(
                    &format!("{secret}-but-not-the-same"),
                    &options.tenant,
                    now + 3600,
                    now,
                ),
                valid: options.token.clone().unwrap_or(valid),
            })
        } else {
            let valid = options.token.clone()?;
            Some(Tokens {
                wrong_signature: tamper_signature(&valid),
                other: options.other_tenant_token.clone(),
                expired: None,
                no_tenant: None,
                no_expiry: None,
                valid,
            })
        }
    }

    /// The main tenant's valid token.
    pub fn valid(&self) -> &str {
        &self.valid
    }

    /// A token of `kind`, if this target can make one.
    pub fn get(&self, kind: TokenKind) -> Option<String> {
        match kind {
            TokenKind::Valid => Some(self.valid.clone()),
            TokenKind::OtherTenant => self.other.clone(),
            TokenKind::Malformed => Some("not-a-jwt".to_string()),
            TokenKind::WrongSignature => Some(self.wrong_signature.clone()),
            TokenKind::Expired => self.expired.clone(),
            TokenKind::AlgNone => Some(alg_none(&self.valid)),
            TokenKind::NoTenantClaim => self.no_tenant.clone(),
            TokenKind::NoExpiry => self.no_expiry.clone(),
        }
    }
}

fn mint(secret: &str, tenant: &str, exp: i64, iat: i64) -> String {
    let claims = Claims {
        sub: "contract-tests",
        tenant_id: Some(tenant),
        exp: Some(exp),
        iat,
    };
    sign(secret, &claims)
}

fn sign(secret: &str, claims: &Claims<'_>) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("HS256 encoding of plain claims cannot fail")
}

/// Keeps header and claims, replaces the signature with another of the same length.
fn tamper_signature(token: &str) -> String {
    match token.rsplit_once('.') {
        Some((signed, signature)) => {
            let flipped: String = signature
                .chars()
                .map(|c| if c == 'A' { 'B' } else { 'A' })
                .collect();
            format!("{signed}.{flipped}")
        }
        None => format!("{token}.AAAA"),
    }
}

/// The valid token's claims under `{"alg":"none"}` with an empty signature.
fn alg_none(token: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = token.split('.').nth(1).unwrap_or_default();
    format!("{header}.{claims}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampered_signature_differs_and_keeps_claims() {
        let options = TargetOptions {
            jwt_secret: Some("s".into()),
            ..TargetOptions::default()
        };
        let tokens = Tokens::for_options(&options).unwrap();
        let tampered = tamper_signature(tokens.valid());
        assert_ne!(tampered, tokens.valid());
        assert_eq!(tampered.split('.').nth(1), tokens.valid().split('.').nth(1));
    }

    #[test]
    fn alg_none_token_has_empty_signature() {
        let token = alg_none("a.b.c");
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
        let tokens = Tokens::for_options(&options).unwrap();
        assert!(tokens.get(TokenKind::Expired).is_none());
        assert!(tokens.get(TokenKind::WrongSignature).is_some());
    }
}
