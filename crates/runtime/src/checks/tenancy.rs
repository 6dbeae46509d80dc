//! Family 3: tenant isolation. Another tenant's valid token never reaches the first
//! tenant's resources (403/404, an Error body, none of the first tenant's data), and a
//! token used with another tenant in the tenant header is refused (403). Where the tenant
//! travels comes from the spec's `x-tenant`.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use crate::context::Ctx;
use crate::outcome::{Outcome, Verdict, fail};
use crate::request::{self, RequestPlan};
use crate::tokens::TokenKind;

/// The other tenant's token and header against the examples' (first tenant's) resources.
pub async fn other_tenant_token(ctx: &Ctx<'_>) -> Verdict {
    if ctx.token_of(TokenKind::OtherTenant).is_none() {
        return Verdict::skip(
            "no token for the other tenant: pass --jwt-secret or --other-tenant-token",
        );
    }
    Verdict::from(other_tenant(ctx).await)
}

async fn other_tenant(ctx: &Ctx<'_>) -> Outcome {
    let client = ctx.http()?;
    // What the first tenant sees, to look for it in the other tenant's answer.
    let own = if ctx.op.is_sse() {
        None
    } else {
        request::send(ctx, &client, &RequestPlan::default())
            .await
            .ok()
            .filter(|r| (200..300).contains(&r.status))
            .and_then(|r| r.json().ok())
    };
    // The other tenant asks for the first tenant's resources: under the first tenant's path
    // (403 or 404), and, where the path names a tenant, under its own tenant's path with the
    // first tenant's ids (404: the resources must be invisible, not merely forbidden).
    let names_tenant = ctx.op.path_params().any(|p| ctx.op.is_tenant_param(p));
    // Under another tenant's path the answer is Forbidden (the spec's 403), not a 404 that
    // would hide the mistake; resources named by id alone may answer 403 or 404.
    let first = if names_tenant {
        ctx.documented_among(&[403])
    } else {
        ctx.documented_among(&[403, 404])
    };
    let mut cases = vec![(ctx.target.tenant().to_string(), first)];
    let names_resource = ctx.resource_params().next().is_some();
    if names_tenant && names_resource {
        cases.push((
            ctx.target.other_tenant().to_string(),
            ctx.documented_among(&[404]),
        ));
    } else if names_tenant && !ctx.op.is_sse() && body_names_resource(ctx) {
        // The first tenant's ids in the body (createDeployment's siteId) under the other
        // tenant's own path: the resource must be invisible to it.
        cases.push((
            ctx.target.other_tenant().to_string(),
            ctx.documented_among(&[404, 403, 422]),
        ));
    }
    for (path_tenant, expected) in cases {
        let plan = RequestPlan {
            token: Some(TokenKind::OtherTenant),
            tenant: Some(path_tenant.clone()),
            header_tenant: Some(ctx.target.other_tenant().to_string()),
            ..RequestPlan::default()
        };
        let response = request::send(ctx, &client, &plan).await?;
        let body = ctx
            .error_response(&response, &expected)
            .map_err(|e| fail(format!("other tenant under /{path_tenant}: {}", e.reason)))?;
        if let Some(own) = &own {
            let allowed = request_values(ctx);
            let mut leaked = leaks(own, &body, &allowed, None);
            if !leaked.is_empty() {
                // What the target tells anyone (its answer without a token: boilerplate,
                // padding a proxy adds to every body) is not the first tenant's data. A
                // target that puts tenant data even there fails the auth checks instead.
                let anonymous = RequestPlan {
                    token: None,
                    ..plan.clone()
                };
                if let Some(baseline) = request::send(ctx, &client, &anonymous)
                    .await
                    .ok()
                    .and_then(|r| r.json().ok())
                {
                    leaked = leaks(own, &body, &allowed, Some(&baseline));
                }
            }
            if !leaked.is_empty() {
                let count = leaked.len();
                let shown: Vec<String> = leaked
                    .iter()
                    .take(3)
                    .map(|s| format!("`{}`", short(s)))
                    .collect();
                return Err(fail(format!(
                    "the other tenant's response contains {count} of the first tenant's values: {}",
                    shown.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// Whether the example body carries a resource id: a field named like a path parameter that
/// addresses a resource elsewhere in the spec (`siteId`), not the tenant.
fn body_names_resource(ctx: &Ctx<'_>) -> bool {
    let Some(Value::Object(example)) = ctx
        .op
        .request_body
        .as_ref()
        .and_then(|b| crate::examples::body_example(&ctx.spec, b))
    else {
        return false;
    };
    let path_params: BTreeSet<String> = ctx
        .spec
        .operations_lenient()
        .map(|(operations, _)| operations)
        .unwrap_or_default()
        .iter()
        .flat_map(|op| {
            op.path_params()
                .filter(|p| !op.is_tenant_param(p))
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    example.keys().any(|k| path_params.contains(k))
}

/// The main tenant's token with the other tenant in the tenant header, and with its own tenant
/// in other letter case: 403 each (tenant ids are compared exactly).
pub async fn header_mismatch(ctx: &Ctx<'_>) -> Outcome {
    let client = ctx.http()?;
    let tenant = ctx.target.tenant();
    let mut headers = vec![ctx.target.other_tenant().to_string()];
    let swapped: String = tenant
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if swapped != tenant {
        headers.push(swapped);
    }
    for header in headers {
        let plan = RequestPlan {
            header_tenant: Some(header.clone()),
            ..RequestPlan::default()
        };
        let response = request::send(ctx, &client, &plan).await?;
        ctx.error_response(&response, &[403]).map_err(|e| {
            fail(format!(
                "{} `{header}`: {}",
                ctx.tenant_header().unwrap_or("tenant header"),
                e.reason
            ))
        })?;
    }
    Ok(())
}

/// Values the request itself carries (ids in the path): echoing them is not a leak.
fn request_values(ctx: &Ctx<'_>) -> BTreeSet<String> {
    let mut values: BTreeSet<String> = ctx
        .op
        .parameters
        .iter()
        .filter_map(|p| p.example.as_ref().map(request::example_text))
        .collect();
    values.insert(ctx.target.tenant().to_string());
    values.insert(ctx.target.other_tenant().to_string());
    values
}

/// Distinctive string values of `own` (8+ characters, not padding) that appear as whole
/// string values in `other` and not in `baseline` (what the target answers anyone). Linear
/// in the bodies' sizes (hash sets, no substring search), and the bodies are bounded by
/// `--max-body-bytes`, so a huge answer cannot hold the check past its time limit.
#[doc(hidden)] // pub for the integration tests (tests/runtime/checks/tenancy.rs)
pub fn leaks(
    own: &Value,
    other: &Value,
    allowed: &BTreeSet<String>,
    baseline: Option<&Value>,
) -> Vec<String> {
    fn strings(value: &Value) -> HashSet<&str> {
        let mut out = HashSet::new();
        collect_strings(value, &mut out);
        out
    }
    let in_other = strings(other);
    let common = baseline.map(strings).unwrap_or_default();
    let mut leaked: Vec<String> = strings(own)
        .into_iter()
        .filter(|s| s.chars().count() >= 8 && !is_padding(s))
        .filter(|s| !allowed.contains(*s))
        .filter(|s| in_other.contains(s) && !common.contains(s))
        .map(str::to_string)
        .collect();
    leaked.sort();
    leaked
}

/// A string of at most three distinct characters ("xxxxxxxx", "=-=-=-=-") carries no data.
fn is_padding(s: &str) -> bool {
    let mut seen: Vec<char> = Vec::with_capacity(4);
    for c in s.chars() {
        if !seen.contains(&c) {
            seen.push(c);
            if seen.len() > 3 {
                return false;
            }
        }
    }
    true
}

/// A leaked value for the message: at most 80 characters of it.
#[doc(hidden)] // pub for the integration tests (tests/runtime/checks/tenancy.rs)
pub fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().nth(80).is_some() {
        out.push_str(&format!("… ({} bytes)", s.len()));
    }
    out
}

fn collect_strings<'v>(value: &'v Value, out: &mut HashSet<&'v str>) {
    match value {
        Value::String(s) => {
            out.insert(s);
        }
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
