//! The check families. Each check takes the context and returns an [`Outcome`]; the
//! generated tests call them through [`crate::run`], the fault tests call them directly.

pub mod auth;
pub mod conformance;
pub mod cors;
pub mod errors;
pub mod perf;
pub mod sse;
pub mod tenancy;

use crate::context::Ctx;
use crate::outcome::Outcome;
use crate::plan::Check;

/// Runs one plain (untyped) check against the context's operation.
pub async fn run(ctx: &Ctx<'_>, check: Check) -> Outcome {
    use Check::*;
    match check {
        Conformance => conformance::positive(ctx).await,
        TypedClient => Err(crate::outcome::fail(
            "the typed check needs its generated client call; use run_typed",
        )),
        AuthMissingToken | AuthMalformedToken | AuthWrongSignature | AuthExpiredToken
        | AuthAlgNone => auth::rejects(ctx, check).await,
        AuthMissingClaims => auth::missing_claims(ctx).await,
        TenantOtherTenantToken => tenancy::other_tenant_token(ctx).await,
        TenantHeaderMismatch => tenancy::header_mismatch(ctx).await,
        CorsPreflightAllowed => cors::preflight_allowed(ctx).await,
        CorsPreflightDisallowed => cors::preflight_disallowed(ctx).await,
        CorsActualResponse => cors::actual_response(ctx).await,
        ErrorInvalidJson | ErrorMissingRequired | ErrorWrongType | ErrorOutOfRange
        | ErrorBadEnum => errors::bad_input(ctx, check).await,
        ErrorMissingHeader => errors::missing_header(ctx).await,
        ErrorWrongMethod => errors::wrong_method(ctx).await,
        ErrorUnknownBodyId => errors::unknown_body_id(ctx).await,
        ErrorUnknownId => errors::unknown_id(ctx).await,
        SseStreamFormat => sse::stream_format(ctx).await,
        SseProgress => sse::progress(ctx).await,
        SseTerminal => sse::terminal(ctx).await,
        SseErrorEvent => sse::error_event(ctx).await,
        SseBudget => sse::budget(ctx).await,
        PerfBudget => perf::budget(ctx, perf::samples_from_env()).await,
    }
}
