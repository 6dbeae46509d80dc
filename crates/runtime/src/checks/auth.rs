//! Family 2: every secured operation rejects a missing, malformed, wrongly signed, expired
//! or `alg: none` token with 401 and a valid Error body.

use crate::context::Ctx;
use crate::outcome::{Outcome, Verdict};
use crate::plan::Check;
use crate::request::{self, RequestPlan};
use crate::tokens::TokenKind;

/// Correctly signed tokens that lack a required claim (the tenant claim of `x-tenant`,
/// `exp`): 401 each.
pub async fn missing_claims(ctx: &Ctx<'_>) -> Verdict {
    let claim = ctx.op.tenancy.as_ref().and_then(|t| t.claim.clone());
    let mut cases = vec![(TokenKind::NoExpiry, "without `exp`".to_string())];
    if let Some(claim) = &claim {
        cases.insert(0, (TokenKind::NoTenantClaim, format!("without `{claim}`")));
    }
    each_refused(ctx, cases).await
}

/// Tokens just past the edge of validity: expired by a little more than the leeway the
/// target tolerates (`--jwt-leeway-secs`), and not valid before ten minutes from now: 401
/// each. A deployment that grants a grace period, or ignores `nbf`, accepts them.
pub async fn expiry_edge(ctx: &Ctx<'_>) -> Verdict {
    let leeway = ctx.target.options().jwt_leeway_secs;
    let cases = [
        (
            TokenKind::JustExpired,
            format!("expired {} s ago (leeway {leeway} s)", leeway + 5),
        ),
        (
            TokenKind::NotYetValid,
            "with `nbf` ten minutes ahead".to_string(),
        ),
    ];
    each_refused(ctx, cases).await
}

/// Sends the example request with the bad credentials `check` names; expects 401.
pub async fn rejects(ctx: &Ctx<'_>, check: Check) -> Verdict {
    let token = match check {
        Check::AuthMissingToken => None,
        Check::AuthMalformedToken => Some(TokenKind::Malformed),
        Check::AuthWrongSignature => Some(TokenKind::WrongSignature),
        Check::AuthExpiredToken => Some(TokenKind::Expired),
        _ => Some(TokenKind::AlgNone),
    };
    if let Some(kind) = token
        && ctx.token_of(kind).is_none()
    {
        return Verdict::skip(format!(
            "cannot make a {kind:?} token for this target: pass --jwt-secret"
        ));
    }
    let plan = RequestPlan {
        token,
        ..RequestPlan::default()
    };
    let run = async {
        let response = request::send(ctx, &ctx.http()?, &plan).await?;
        ctx.error_response(&response, &[401])?;
        Ok(())
    };
    Verdict::from(run.await as Outcome)
}

/// Sends the example request once with each kind of token; each must get 401 with an Error
/// body. Skipped when this target's tokens cannot be signed.
async fn each_refused(
    ctx: &Ctx<'_>,
    cases: impl IntoIterator<Item = (TokenKind, String)>,
) -> Verdict {
    let cases: Vec<(TokenKind, String)> = cases.into_iter().collect();
    if cases.iter().any(|(kind, _)| ctx.token_of(*kind).is_none()) {
        return Verdict::skip("cannot sign tokens for this target: pass --jwt-secret");
    }
    let run = async {
        let client = ctx.http()?;
        for (kind, what) in cases {
            let plan = RequestPlan {
                token: Some(kind),
                ..RequestPlan::default()
            };
            let response = request::send(ctx, &client, &plan).await?;
            ctx.error_response(&response, &[401])
                .map_err(|e| crate::outcome::fail(format!("a token {what}: {}", e.reason)))?;
        }
        Ok(())
    };
    Verdict::from(run.await as Outcome)
}
