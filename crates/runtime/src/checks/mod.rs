//! The check families: the implementation of each row of the check table
//! (`sb_plan::plan::check_table!`). Each check takes the context and returns a [`Verdict`];
//! the generated tests call them through [`crate::run`], the fault tests through
//! [`crate::evaluate`].

pub mod auth;
pub mod cases;
pub mod concurrency;
pub mod conformance;
pub mod cors;
pub mod errors;
pub mod perf;
pub mod relations;
pub mod sse;
pub mod tenancy;

use crate::context::Ctx;
use crate::outcome::Verdict;
use crate::plan::Check;

/// Runs one plain (untyped) check against the context's operation. The `match` is the
/// table's implementation column: the compiler refuses a row without one.
pub async fn run(ctx: &Ctx<'_>, check: Check) -> Verdict {
    use Check::*;
    match check {
        Conformance => conformance::positive(ctx).await.into(),
        PositiveVariants => conformance::variants(ctx).await.into(),
        GeneratedPositive => cases::positive(ctx).await.into(),
        TypedClient => {
            Verdict::skip("the typed check needs its generated client call (sb_runtime::run_typed)")
        }
        AuthMissingToken | AuthMalformedToken | AuthWrongSignature | AuthExpiredToken
        | AuthAlgNone => auth::rejects(ctx, check).await,
        AuthMissingClaims => auth::missing_claims(ctx).await,
        AuthExpiryEdge => auth::expiry_edge(ctx).await,
        TenantOtherTenantToken => tenancy::other_tenant_token(ctx).await,
        TenantHeaderMismatch => tenancy::header_mismatch(ctx).await.into(),
        CorsPreflightAllowed | CorsPreflightDisallowed | CorsActualResponse | CorsExposeHeaders => {
            let Some(origin) = ctx.allowed_origin() else {
                return Verdict::skip(
                    "no allowed origin: declare x-cors.allowedOrigins in the spec (openapi/EXTENSIONS.md) or pass --allowed-origin",
                );
            };
            match check {
                CorsPreflightAllowed => cors::preflight_allowed(ctx, &origin).await,
                CorsPreflightDisallowed => cors::preflight_disallowed(ctx, &origin).await,
                CorsExposeHeaders => cors::expose_headers(ctx, &origin).await,
                _ => cors::actual_response(ctx, &origin).await,
            }
            .into()
        }
        ErrorInvalidJson | ErrorMissingRequired | ErrorWrongType | ErrorOutOfRange
        | ErrorBadEnum => errors::bad_input(ctx, check).await.into(),
        ErrorMissingHeader => errors::missing_header(ctx).await.into(),
        ErrorWrongMethod => errors::wrong_method(ctx).await.into(),
        ErrorUnknownBodyId => errors::unknown_body_id(ctx).await.into(),
        ErrorUnknownId => errors::unknown_id(ctx).await.into(),
        GeneratedNegative => cases::negative(ctx).await.into(),
        SseStreamFormat => sse::stream_format(ctx).await.into(),
        SseProgress => sse::progress(ctx).await.into(),
        SseTerminal => sse::terminal(ctx).await.into(),
        SseErrorEvent => sse::error_event(ctx).await.into(),
        SseBudget => sse::budget(ctx).await,
        RelationLinks => relations::links(ctx).await,
        RelationPoll => relations::poll(ctx).await,
        RelationInvariants => relations::invariants(ctx).await.into(),
        RelationDefaultApplied => relations::default_applied(ctx).await.into(),
        PerfBudget => perf::budget(ctx, perf::samples_from_env()).await,
        ConcurrentBudget => concurrency::budget(ctx).await,
    }
}
