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
    let body = |body: Body| RequestPlan {
        body,
        ..RequestPlan::default()
    };
    let mut cases: Vec<(String, RequestPlan)> = if check == Check::ErrorInvalidJson {
        vec![(
            "a body that is not JSON".into(),
            body(Body::Raw("{\"prompt\": not json")),
        )]
    } else {
        negative::body_mutations(&ctx.spec, &ctx.op, check)
            .into_iter()
            .map(|m| (m.description, body(Body::Json(m.body))))
            .collect()
    };
    if check == Check::ErrorBadEnum {
        for (name, value) in negative::query_enum_mutations(&ctx.op) {
            let plan = RequestPlan {
                query_overrides: vec![(name.clone(), value.clone())],
                ..RequestPlan::default()
            };
            cases.push((
                format!("query `{name}={value}` not one of its enum values"),
                plan,
            ));
        }
    }
    if cases.is_empty() {
        return Err(fail(format!(
            "{}: no way to provoke this error from the spec",
            check.name()
        )));
    }
    let client = ctx.http()?;
    for (description, plan) in cases {
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

/// A method the path does not document: a 4xx (405) with an Error body.
pub async fn wrong_method(ctx: &Ctx<'_>) -> Outcome {
    let method = negative::undocumented_method(&ctx.spec, &ctx.op)
        .ok_or_else(|| fail(format!("every method is documented on {}", ctx.op.path)))?;
    let url = request::url(ctx, &RequestPlan::default())?;
    let client = ctx.http()?;
    let mut request = client
        .request(
            reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("a known method"),
            &url,
        )
        .bearer_auth(ctx.token());
    if let Some(header) = ctx.tenant_header() {
        request = request.header(header, ctx.target.tenant());
    }
    let request = request
        .build()
        .map_err(|e| fail(format!("{} {url}: {e}", method.to_uppercase())))?;
    let response = request::exchange(ctx.target, &client, request)
        .await
        .map_err(|cause| match cause {
            crate::cause::Cause::Unreachable(down) => fail(down),
            cause => fail(format!("{} {url}: {cause}", method.to_uppercase())),
        })?;
    // The operation's own 4xx responses describe what any error on its path looks like.
    ctx.error_response(&response, &[]).map_err(|e| {
        fail(format!(
            "{} {}: {}",
            method.to_uppercase(),
            ctx.op.path,
            e.reason
        ))
    })?;
    Ok(())
}

/// Each id in the body set to one that names nothing: a documented 4xx with an Error body
/// (for a streaming operation: a stream holding a single `error` event).
pub async fn unknown_body_id(ctx: &Ctx<'_>) -> Outcome {
    let mutations = negative::body_id_mutations(&ctx.spec, &ctx.op);
    if mutations.is_empty() {
        return Err(fail("no id in the request body"));
    }
    let client = ctx.http()?;
    for mutation in mutations {
        let plan = RequestPlan {
            body: Body::Json(mutation.body),
            ..RequestPlan::default()
        };
        let result = if ctx.op.is_sse() {
            super::sse::expect_single_error(ctx, &plan).await
        } else {
            let response = request::send(ctx, &client, &plan).await?;
            let expected = ctx.documented_among(&[404, 422, 400]);
            ctx.error_response(&response, &expected).map(|_| ())
        };
        result.map_err(|e| fail(format!("{}: {}", mutation.description, e.reason)))?;
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
