//! Bearer-token authentication: HS256 with the configured secret, RS256 with the keys of a
//! JWKS file; `sub`, `tenant_id` and `exp` are required, `iss`/`aud` checked when configured.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use http::header::AUTHORIZATION;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::JwtConfig;
use crate::error::{ApiError, ProviderError};
use crate::fault::{Fault, Faults};

/// The authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The token's `tenant_id`.
    pub tenant: String,
    /// The token's `sub`.
    pub subject: String,
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<serde_json::Value>,
    tenant_id: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct DevClaims<'a> {
    sub: &'a str,
    tenant_id: &'a str,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'a str>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A development token: HS256 over `sub`, `tenant_id`, `iat`, `exp` (now + `ttl`) and the
/// configured `iss`/`aud`.
pub fn dev_token(jwt: &JwtConfig, tenant: &str, subject: &str, ttl: Duration) -> String {
    let now = now_secs();
    let claims = DevClaims {
        sub: subject,
        tenant_id: tenant,
        iat: now,
        exp: now.saturating_add(ttl.as_secs()),
        iss: jwt.issuer.as_deref(),
        aud: jwt.audience.as_deref(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(jwt.hs256_secret.as_bytes()),
    )
    // HS256 over a serialisable struct has no failure mode.
    .expect("hs256 signing of plain claims cannot fail")
}

/// Verifies bearer tokens.
pub struct Verifier {
    hs256: DecodingKey,
    rs256: Vec<(Option<String>, DecodingKey)>,
    issuer: Option<String>,
    audience: Option<String>,
}

impl Verifier {
    /// Builds the verifier, loading the JWKS file when one is configured.
    pub fn new(jwt: &JwtConfig) -> Result<Verifier, ProviderError> {
        if jwt.hs256_secret.is_empty() {
            return Err(ProviderError::Config(
                "the HS256 secret is empty; give a non-empty secret".to_owned(),
            ));
        }
        let mut rs256 = Vec::new();
        if let Some(path) = &jwt.jwks_file {
            let err = |reason: String| ProviderError::Jwks {
                path: path.clone(),
                reason,
            };
            let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
            let set: JwkSet = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
            for jwk in &set.keys {
                if let AlgorithmParameters::RSA(_) = jwk.algorithm {
                    let key = DecodingKey::from_jwk(jwk).map_err(|e| err(e.to_string()))?;
                    rs256.push((jwk.common.key_id.clone(), key));
                }
            }
            if rs256.is_empty() {
                return Err(err("the set has no RSA key".to_owned()));
            }
        }
        Ok(Verifier {
            hs256: DecodingKey::from_secret(jwt.hs256_secret.as_bytes()),
            rs256,
            issuer: jwt.issuer.clone(),
            audience: jwt.audience.clone(),
        })
    }

    fn validation(&self, alg: Algorithm, faults: &Faults) -> Validation {
        let mut v = Validation::new(alg);
        v.leeway = if faults.contains(&Fault::ExpiryGrace) {
            300
        } else {
            5
        };
        // A token is not valid before its `nbf` (jsonwebtoken does not check it by default).
        v.validate_nbf = !faults.contains(&Fault::IgnoreNbf);
        if faults.contains(&Fault::AcceptMissingClaims) {
            v.set_required_spec_claims(&["sub"]);
        } else {
            v.set_required_spec_claims(&["exp", "sub"]);
        }
        v.validate_exp = !faults.contains(&Fault::AcceptExpiredToken);
        match &self.audience {
            Some(aud) => v.set_audience(&[aud]),
            None => v.validate_aud = false,
        }
        if let Some(iss) = &self.issuer {
            v.set_issuer(&[iss]);
            v.required_spec_claims.insert("iss".to_owned());
        }
        v
    }

    /// Authenticates a request from its `Authorization` header.
    pub fn authenticate(&self, headers: &HeaderMap, faults: &Faults) -> Result<Caller, ApiError> {
        let Some(value) = headers.get(AUTHORIZATION) else {
            if faults.contains(&Fault::AcceptMissingToken) {
                let tenant = headers
                    .get("x-tenant-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("test-tenant");
                return Ok(Caller {
                    tenant: tenant.to_owned(),
                    subject: "anonymous".to_owned(),
                });
            }
            return Err(ApiError::unauthorized(
                "missing bearer token; send `Authorization: Bearer <JWT>`",
            ));
        };
        let value = value
            .to_str()
            .map_err(|_| ApiError::unauthorized("the Authorization header is not visible ASCII"))?;
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => {
                return Err(ApiError::unauthorized(
                    "the Authorization header is not `Bearer <JWT>`",
                ));
            }
        };
        if token.is_empty() {
            return Err(ApiError::unauthorized("the bearer token is empty"));
        }
        let claims = self.verify(token, faults)?;
        let text = |v: Option<serde_json::Value>, name: &str| match v {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::unauthorized(format!(
                "the token has no `{name}` claim (a non-empty string)"
            ))),
        };
        let tenant = match text(claims.tenant_id, "tenant_id") {
            Err(_) if faults.contains(&Fault::AcceptMissingClaims) => headers
                .get("x-tenant-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            tenant => tenant?,
        };
        Ok(Caller {
            subject: text(claims.sub, "sub")?,
            tenant,
        })
    }

    fn verify(&self, token: &str, faults: &Faults) -> Result<Claims, ApiError> {
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(ApiError::unauthorized(
                "malformed token: a JWT has three dot-separated parts",
            ));
        }
        let insecure = || {
            jsonwebtoken::dangerous::insecure_decode_claims::<Claims>(token)
                .map_err(|e| ApiError::unauthorized(format!("malformed token: {e}")))
        };
        if parts[2].is_empty() && faults.contains(&Fault::AcceptAlgNone) {
            return insecure();
        }
        let header = jsonwebtoken::decode_header(token).map_err(|e| {
            ApiError::unauthorized(format!(
                "malformed token header ({e}); only HS256 and RS256 are accepted"
            ))
        })?;
        let result = match header.alg {
            Algorithm::HS256 => jsonwebtoken::decode::<Claims>(
                token,
                &self.hs256,
                &self.validation(Algorithm::HS256, faults),
            ),
            Algorithm::RS256 if !self.rs256.is_empty() => {
                let validation = self.validation(Algorithm::RS256, faults);
                let mut last = None;
                let candidates = self
                    .rs256
                    .iter()
                    .filter(|(kid, _)| header.kid.is_none() || kid.is_none() || *kid == header.kid);
                let mut outcome = None;
                for (_, key) in candidates {
                    match jsonwebtoken::decode::<Claims>(token, key, &validation) {
                        Ok(data) => {
                            outcome = Some(Ok(data));
                            break;
                        }
                        Err(e) => last = Some(e),
                    }
                }
                outcome.unwrap_or_else(|| {
                    Err(last.unwrap_or_else(|| ErrorKind::InvalidSignature.into()))
                })
            }
            other => {
                return Err(ApiError::unauthorized(format!(
                    "token algorithm {other:?} is not accepted; use HS256{}",
                    if self.rs256.is_empty() {
                        ""
                    } else {
                        " or RS256"
                    }
                )));
            }
        };
        match result {
            Ok(data) => Ok(data.claims),
            Err(e) => match e.kind() {
                ErrorKind::InvalidSignature if faults.contains(&Fault::AcceptBadSignature) => {
                    insecure()
                }
                ErrorKind::InvalidSignature => {
                    Err(ApiError::unauthorized("the token's signature is not valid"))
                }
                ErrorKind::ExpiredSignature => Err(ApiError::unauthorized(
                    "the token has expired; mint a new one",
                )),
                ErrorKind::MissingRequiredClaim(claim) => Err(ApiError::unauthorized(format!(
                    "the token has no `{claim}` claim"
                ))),
                ErrorKind::InvalidIssuer => {
                    Err(ApiError::unauthorized("the token's issuer is not accepted"))
                }
                ErrorKind::InvalidAudience => Err(ApiError::unauthorized(
                    "the token's audience is not accepted",
                )),
                _ => Err(ApiError::unauthorized(format!("malformed token: {e}"))),
            },
        }
    }
}
