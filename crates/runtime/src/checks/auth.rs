//! Family 2: every secured operation rejects a missing, malformed, wrongly signed, expired
//! or `alg: none` token with 401 and a valid Error body.

use crate::context::Ctx;
use crate::outcome::{Failure, Outcome};
use crate::plan::Check;
use crate::request::{self, RequestPlan};
use crate::tokens::TokenKind;

/// Correctly signed tokens that lack a required claim (`tenant_id`, `exp`): 401 each.
pub async fn missing_claims(ctx: &Ctx<'_>) -> Outcome {
    let client = ctx.http()?;
    for (kind, what) in [
        (TokenKind::NoTenantClaim, "without `tenant_id`"),
        (TokenKind::NoExpiry, "without `exp`"),
    ] {
        if ctx.target.token_of(kind).is_none() {
            return Err(Failure::skip(
                "cannot sign tokens for this target: pass --jwt-secret",
            ));
        }
        let plan = RequestPlan {
            token: Some(kind),
            ..RequestPlan::default()
        };
        let response = request::send(ctx, &client, &plan).await?;
        ctx.error_response(&response, &[401])
            .map_err(|e| crate::outcome::fail(format!("a token {what}: {}", e.reason)))?;
    }
    Ok(())
}

/// Sends the example request with the bad credentials `check` names; expects 401.
pub async fn rejects(ctx: &Ctx<'_>, check: Check) -> Outcome {
    let token = match check {
        Check::AuthMissingToken => None,
        Check::AuthMalformedToken => Some(TokenKind::Malformed),
        Check::AuthWrongSignature => Some(TokenKind::WrongSignature),
        Check::AuthExpiredToken => Some(TokenKind::Expired),
        _ => Some(TokenKind::AlgNone),
    };
    if let Some(kind) = token
        && ctx.target.token_of(kind).is_none()
    {
        return Err(Failure::skip(format!(
            "cannot make a {kind:?} token for this target: pass --jwt-secret"
        )));
    }
    let plan = RequestPlan {
        token,
        ..RequestPlan::default()
    };
    let response = request::send(ctx, &ctx.http()?, &plan).await?;
    ctx.error_response(&response, &[401])?;
    Ok(())
}
