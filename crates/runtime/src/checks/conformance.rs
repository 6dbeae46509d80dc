//! Family 1: a valid request built from the spec's examples gets a documented 2xx with the
//! documented Content-Type, headers and a body valid against its schema.

use futures::StreamExt;
use sb_rules::StreamRule;

use crate::context::Ctx;
use crate::outcome::{Failure, Outcome, fail};
use crate::request::{self, RawResponse, RequestPlan};

/// The positive request; for a stream, status and Content-Type are checked here and the
/// events by the SSE family.
pub async fn positive(ctx: &Ctx<'_>) -> Outcome {
    let response = if ctx.op.is_sse() {
        super::sse::open(ctx, &RequestPlan::default())
            .await
            .map(|(head, _)| head)?
    } else {
        send_positive(ctx).await?
    };
    expect_success(ctx, &response)?;
    ctx.conforms(&response)?;
    Ok(())
}

/// How many of a check's independent exchanges run at once.
const CONCURRENT_EXCHANGES: usize = 4;

/// Each valid variant of the example body (`negative::positive_variants`) gets the
/// documented success: for a stream, a stream that ends in its success event.
pub async fn variants(ctx: &Ctx<'_>) -> Outcome {
    let variants = crate::negative::positive_variants(&ctx.spec, &ctx.op);
    if variants.is_empty() {
        return Err(fail("the body's schema leaves nothing to vary"));
    }
    let client = &client(ctx)?;
    // Each variant is its own exchange: a few at a time (a stream takes as long as the
    // server paces it), reported in the order the variants were made.
    let results: Vec<Outcome> = futures::stream::iter(variants)
        .map(|variant| async move {
            let plan = RequestPlan {
                body: request::Body::Json(variant.body),
                ..RequestPlan::default()
            };
            expect_valid_success(ctx, client, &plan).await.map_err(|e| {
                fail(format!(
                    "a valid body with {}: {}",
                    variant.description, e.reason
                ))
            })
        })
        .buffered(CONCURRENT_EXCHANGES)
        .collect()
        .await;
    results.into_iter().collect::<Result<Vec<()>, _>>()?;
    Ok(())
}

/// The client for a check's own exchanges: without a total timeout for a stream (bounded by
/// its budget and idle limit instead), with `--timeout-secs` for a plain operation.
pub fn client(ctx: &Ctx<'_>) -> Result<reqwest::Client, Failure> {
    if ctx.op.is_sse() {
        super::sse::streaming_client(ctx)
    } else {
        ctx.http()
    }
}

/// A request the spec allows gets the documented success: a JSON answer valid against its
/// schema, or a stream that ends cleanly, in its success event where `x-stream` names one.
pub async fn expect_valid_success(
    ctx: &Ctx<'_>,
    client: &reqwest::Client,
    plan: &RequestPlan,
) -> Outcome {
    if ctx.op.is_sse() {
        let stream = super::sse::record_with(ctx, client, plan).await?;
        let contract = stream.judged.contract;
        super::sse::rule(contract, StreamRule::Ended, stream.judged.ended())?;
        if contract
            .semantics
            .as_ref()
            .is_some_and(|s| s.success.is_some())
        {
            super::sse::rule(contract, StreamRule::Succeeded, stream.judged.succeeded())?;
        }
    } else {
        let response = request::send(ctx, client, plan).await?;
        expect_success(ctx, &response)?;
        ctx.conforms(&response)?;
    }
    Ok(())
}

/// Sends the example request and returns the whole response.
pub async fn send_positive(ctx: &Ctx<'_>) -> Result<RawResponse, crate::outcome::Failure> {
    request::send(ctx, &ctx.http()?, &RequestPlan::default()).await
}

/// Fails unless the status is the documented success status.
pub fn expect_success(ctx: &Ctx<'_>, response: &RawResponse) -> Outcome {
    let success = ctx
        .op
        .success()
        .ok_or_else(|| fail(format!("{} documents no 2xx response", ctx.op.id)))?;
    let documented = ctx.documented(response)?;
    if documented.status != success.status {
        return Err(fail(format!(
            "expected the documented success {}, got {}: {}",
            success.status,
            response.status,
            request::preview(&response.body)
        )));
    }
    Ok(())
}
