//! Family 5: negative input. Each invalid input the spec lets us provoke gets the documented
//! 4xx with an Error body as `application/json` (for streaming operations: a stream holding a
//! single `error` event); an undocumented status or any 5xx fails.

use crate::context::Ctx;
use crate::negative;
use crate::outcome::{Outcome, fail};
use crate::plan::Check;
use crate::request::{self, Body, RequestPlan};

/// Sends each mutation of the example body that `check` names.
pub async fn bad_input(ctx: &Ctx<'_>, check: Check) -> Outcome {
    let cases: Vec<(String, Body)> = if check == Check::ErrorInvalidJson {
        vec![(
            "a body that is not JSON".into(),
            Body::Raw("{\"prompt\": not json"),
        )]
    } else {
        negative::body_mutations(&ctx.spec, &ctx.op, check)
            .into_iter()
            .map(|m| (m.description, Body::Json(m.body)))
            .collect()
    };
    if cases.is_empty() {
        return Err(fail(format!(
            "{}: no way to provoke this error from the spec",
            check.name()
        )));
    }
    let client = ctx.http()?;
    for (description, body) in cases {
        let plan = RequestPlan {
            body,
            ..RequestPlan::default()
        };
        let result = if ctx.op.is_sse() {
            super::sse::expect_single_error(ctx, &plan).await
        } else {
            let response = request::send(ctx, &client, &plan).await?;
            let expected = ctx.documented_among(&[400, 422]);
            ctx.error_response(&response, &expected).map(|_| ())
        };
        result.map_err(|e| fail(format!("{description}: {}", e.reason)))?;
    }
    Ok(())
}

/// Each required header parameter left out: a documented 4xx with an Error body, before
/// any stream (a streaming operation answers it as JSON, like an auth failure).
pub async fn missing_header(ctx: &Ctx<'_>) -> Outcome {
    let client = ctx.http()?;
    let headers: Vec<String> = ctx
        .op
        .parameters
        .iter()
        .filter(|p| p.location == sb_spec::Location::Header && p.required)
        .map(|p| p.name.clone())
        .collect();
    for name in headers {
        let plan = RequestPlan {
            omit_headers: vec![name.clone()],
            ..RequestPlan::default()
        };
        let response = request::send(ctx, &client, &plan).await?;
        let expected = ctx.documented_among(&[400, 403, 422]);
        ctx.error_response(&response, &expected).map_err(|e| {
            fail(format!(
                "without the required header `{name}`: {}",
                e.reason
            ))
        })?;
    }
    Ok(())
}

/// A path id that names nothing: 404 with an Error body.
pub async fn unknown_id(ctx: &Ctx<'_>) -> Outcome {
    let (name, value) = negative::unknown_id(&ctx.spec, &ctx.op).ok_or_else(|| {
        fail(format!(
            "{}: cannot make an unknown id that still matches the parameter schema",
            ctx.op.id
        ))
    })?;
    let plan = RequestPlan {
        path_overrides: vec![(name.clone(), value.clone())],
        ..RequestPlan::default()
    };
    let response = request::send(ctx, &ctx.http()?, &plan).await?;
    ctx.error_response(&response, &[404])
        .map_err(|e| fail(format!("unknown {name} `{value}`: {}", e.reason)))?;
    Ok(())
}
