//! The bearer tokens the checks send: valid ones for both tenants, and each kind of bad one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Map, Value};

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
    /// Correctly signed, but without the tenant claim (`x-tenant.claim`).
    NoTenantClaim,
    /// Correctly signed, but without `exp` (a token that never expires).
    NoExpiry,
    /// Correctly signed, expired a little longer ago than the clock-skew leeway.
    JustExpired,
    /// Correctly signed, with `nbf` ten minutes in the future.
    NotYetValid,
}

/// The claims of a minted token: `sub`, the tenant under the spec's claim name (when the
/// spec names one in `x-tenant.claim`), `exp` (unless left out) and `iat`.
fn claims(claim: Option<&str>, tenant: Option<&str>, exp: Option<i64>, iat: i64) -> Value {
    let mut claims = Map::new();
    claims.insert("sub".into(), Value::from("contract-tests"));
    if let (Some(claim), Some(tenant)) = (claim, tenant) {
        claims.insert(claim.to_string(), Value::from(tenant));
    }
    if let Some(exp) = exp {
        claims.insert("exp".into(), Value::from(exp));
    }
    claims.insert("iat".into(), Value::from(iat));
    Value::Object(claims)
}

/// The tokens of one target.
#[derive(Debug, Clone)]
pub struct Tokens {
    valid: String,
    other: Option<String>,
    expired: Option<String>,
    no_tenant: Option<String>,
    no_expiry: Option<String>,
    just_expired: Option<String>,
    not_yet_valid: Option<String>,
    wrong_signature: String,
}

impl Tokens {
    /// Mints tokens with the secret when there is one, else uses the given tokens; `claim`
    /// is the JWT claim that carries the tenant (`x-tenant.claim`), if the spec has one.
    pub fn for_options(options: &TargetOptions, claim: Option<&str>) -> Option<Tokens> {
        if let Some(secret) = &options.jwt_secret {
            let now = chrono::Utc::now().timestamp();
            let tenant = Some(options.tenant.as_str());
            let valid = sign(secret, &claims(claim, tenant, Some(now + 3600), now));
            Some(Tokens {
                other: Some(options.other_tenant_token.clone().unwrap_or_else(|| {
                    sign(
                        secret,
                        &claims(claim, Some(&options.other_tenant), Some(now + 3600), now),
                    )
                })),
                expired: Some(sign(
                    secret,
                    &claims(claim, tenant, Some(now - 3600), now - 7200),
                )),
                no_tenant: claim.map(|_| sign(secret, &claims(None, None, Some(now + 3600), now))),
                no_expiry: Some(sign(secret, &claims(claim, tenant, None, now))),
                just_expired: Some(sign(secret, &{
                    // Bounded: a leeway read from the environment cannot overflow the clock.
                    let past = i64::try_from(options.jwt_leeway_secs.min(86_400)).unwrap_or(0) + 5;
                    claims(claim, tenant, Some(now - past), now - past - 3600)
                })),
                not_yet_valid: Some(sign(secret, &{
                    let mut c = claims(claim, tenant, Some(now + 3600), now);
                    c["nbf"] = Value::from(now + 600);
                    c
                })),
                wrong_signature: sign(
                    &format!("{secret}-but-not-the-same"),
                    &claims(claim, tenant, Some(now + 3600), now),
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
                just_expired: None,
                not_yet_valid: None,
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
            TokenKind::JustExpired => self.just_expired.clone(),
            TokenKind::NotYetValid => self.not_yet_valid.clone(),
        }
    }
}

fn sign(secret: &str, claims: &Value) -> String {
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
