//! Family 7: relations the spec declares (`links` with `x-expect` and `x-poll`,
//! `x-invariants`; `sb_spec::relations`). The origin request is sent as the examples give it
//! (a stream is read to its end); each link is followed with the parameters its runtime
//! expressions name, and every declared equality is compared with the values of the origin
//! exchange. Polls are bounded by the spec's interval and timeout.

use std::time::{Duration, Instant};

use sb_plan::relations::{self, BodyCase};
use sb_rules::StreamRule;
use sb_spec::{Expectation, Expr, Link, Location, Poll};
use serde_json::Value;

use crate::context::Ctx;
use crate::examples;
use crate::outcome::{Failure, Measurement, Outcome, Verdict, fail};
use crate::request::{self, Body, RawResponse, RequestPlan};

/// One exchange, as the runtime expressions read it.
struct Exchange {
    /// Parameter values sent, by location and name.
    params: Vec<(Location, String, String)>,
    /// The JSON body sent, if any.
    request_body: Option<Value>,
    /// The response (for a stream: its head).
    response: RawResponse,
    /// The JSON body received, if any.
    body: Option<Value>,
    /// For a stream: the content concatenated, and each event's type and JSON.
    stream: Option<(String, Vec<(String, Value)>)>,
}

/// The value of a parameter in a request built from `plan` (as `request::build` makes it).
fn param_value(ctx: &Ctx<'_>, plan: &RequestPlan, param: &sb_spec::Parameter) -> Option<String> {
    let tenant = plan.tenant.as_deref().unwrap_or(ctx.target.tenant());
    let overrides = match param.location {
        Location::Path => &plan.path_overrides,
        Location::Header => return header_value(ctx, plan, param),
        _ => &plan.query_overrides,
    };
    if let Some((_, v)) = overrides.iter().find(|(n, _)| n == &param.name) {
        return Some(v.clone());
    }
    if param.location == Location::Path && ctx.op.is_tenant_param(param) {
        return Some(tenant.to_string());
    }
    examples::param_example(&ctx.spec, param)
        .as_ref()
        .map(request::example_text)
}

fn header_value(ctx: &Ctx<'_>, plan: &RequestPlan, param: &sb_spec::Parameter) -> Option<String> {
    if let Some((_, v)) = plan
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&param.name))
    {
        return Some(v.clone());
    }
    if ctx.op.is_tenant_param(param) {
        let tenant = plan.tenant.as_deref().unwrap_or(ctx.target.tenant());
        return Some(plan.header_tenant.as_deref().unwrap_or(tenant).to_string());
    }
    examples::param_example(&ctx.spec, param)
        .as_ref()
        .map(request::example_text)
}

/// Sends `plan` for the context's operation and expects its documented success; a stream
/// is read to its success event.
async fn exchange(ctx: &Ctx<'_>, plan: &RequestPlan) -> Result<Exchange, Failure> {
    let params = ctx
        .op
        .parameters
        .iter()
        .filter_map(|p| Some((p.location, p.name.clone(), param_value(ctx, plan, p)?)))
        .collect();
    let request_body = match (&plan.body, &ctx.op.request_body) {
        (Body::Json(value), _) => Some(value.clone()),
        (Body::Example, Some(body)) => examples::body_example(&ctx.spec, body),
        _ => None,
    };
    if ctx.op.is_sse() {
        let stream = super::sse::record(ctx, plan).await?;
        ctx.conforms(&stream.head)?;
        let contract = stream.judged.contract;
        super::sse::rule(contract, StreamRule::Ended, stream.judged.ended())?;
        super::sse::rule(contract, StreamRule::Succeeded, stream.judged.succeeded())?;
        let content = stream.judged.content().concat();
        let events = stream
            .judged
            .events
            .iter()
            .filter_map(|e| Some((e.kind.clone()?, e.json.as_ref().ok()?.clone())))
            .collect();
        return Ok(Exchange {
            params,
            request_body,
            response: stream.head,
            body: None,
            stream: Some((content, events)),
        });
    }
    let response = request::send(ctx, &ctx.http()?, plan).await?;
    super::conformance::expect_success(ctx, &response)?;
    let body = ctx.conforms(&response)?;
    Ok(Exchange {
        params,
        request_body,
        response,
        body,
        stream: None,
    })
}

impl Exchange {
    /// The value `expr` names in this exchange; a request body field left out stands for
    /// its documented default.
    fn value(&self, ctx: &Ctx<'_>, expr: &Expr) -> Result<Value, Failure> {
        let missing = |what: String| fail(format!("`{expr}`: {what}"));
        let param = |location: Location, name: &str| {
            self.params
                .iter()
                .find(|(l, n, _)| {
                    *l == location
                        && (n == name
                            || (location == Location::Header && n.eq_ignore_ascii_case(name)))
                })
                .map(|(_, _, v)| Value::String(v.clone()))
                .ok_or_else(|| {
                    missing(format!("the request sent no {location} parameter `{name}`"))
                })
        };
        match expr {
            Expr::Constant(value) => Ok(value.clone()),
            Expr::ResponseHeader(name) => self
                .response
                .header(name)
                .map(|v| Value::String(v.to_string()))
                .ok_or_else(|| missing("the response has no such header".into())),
            Expr::ResponseBody(pointer) => self
                .body
                .as_ref()
                .and_then(|b| b.pointer(pointer))
                .cloned()
                .ok_or_else(|| missing("the response body has no such field".into())),
            Expr::RequestPath(name) => param(Location::Path, name),
            Expr::RequestQuery(name) => param(Location::Query, name),
            Expr::RequestHeader(name) => param(Location::Header, name),
            Expr::RequestBody(pointer) => {
                if let Some(value) = self.request_body.as_ref().and_then(|b| b.pointer(pointer)) {
                    return Ok(value.clone());
                }
                ctx.op
                    .request_body
                    .as_ref()
                    .and_then(|b| ctx.spec.body_default(&b.schema, pointer))
                    .ok_or_else(|| {
                        missing(
                            "the request left the field out and its schema documents no default"
                                .into(),
                        )
                    })
            }
            Expr::StreamContent => self
                .stream
                .as_ref()
                .map(|(content, _)| Value::String(content.clone()))
                .ok_or_else(|| missing("the response is not a stream".into())),
            Expr::StreamEvent { event, pointer } => self
                .stream
                .as_ref()
                .and_then(|(_, events)| events.iter().rev().find(|(kind, _)| kind == event))
                .and_then(|(_, json)| json.pointer(pointer))
                .cloned()
                .ok_or_else(|| {
                    missing(format!("the stream has no `{event}` event with that field"))
                }),
        }
    }
}

/// JSON equality, numbers compared by value (4 equals 4.0).
#[doc(hidden)] // pub for the integration tests (tests/runtime/checks/relations.rs)
pub fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_number() && b.is_number() => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

/// A short rendering of a value for messages (long strings cut, with their length).
#[doc(hidden)] // pub for the integration tests (tests/runtime/checks/relations.rs)
pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 80 => format!(
            "{:?}... ({} characters)",
            s.chars().take(60).collect::<String>(),
            s.chars().count()
        ),
        other => other.to_string(),
    }
}

/// Where two long strings first differ (`; they differ from character 1537: ...`), so a
/// small change in a large page is visible; empty for anything else.
#[doc(hidden)] // pub for the integration tests (tests/runtime/checks/relations.rs)
pub fn first_difference(actual: &Value, expected: &Value) -> String {
    let (Some(a), Some(b)) = (actual.as_str(), expected.as_str()) else {
        return String::new();
    };
    if a.chars().count() <= 80 && b.chars().count() <= 80 {
        return String::new();
    }
    let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let tail = |s: &str| s.chars().skip(at).take(40).collect::<String>();
    format!(
        "; they differ from character {at}: {:?} against {:?}",
        tail(a),
        tail(b)
    )
}

/// Checks `expectations` on `body` (the response of `what`) against the origin exchange.
fn expect_all(
    ctx: &Ctx<'_>,
    origin: &Exchange,
    body: Option<&Value>,
    expectations: &[Expectation],
    what: &str,
) -> Outcome {
    for e in expectations {
        let expected = origin.value(ctx, &e.equals)?;
        let field = body.and_then(|b| b.pointer(&e.pointer));
        let actual = match (e.count, field) {
            (_, None) => {
                return Err(fail(format!(
                    "{what}: {e} (declared at {}): the body has no {}",
                    e.at, e.pointer
                )));
            }
            (true, Some(Value::Array(items))) => Value::from(items.len()),
            (true, Some(other)) => {
                return Err(fail(format!(
                    "{what}: {e}: {} is {}, not an array",
                    e.pointer,
                    show(other)
                )));
            }
            (false, Some(value)) => value.clone(),
        };
        if !same(&actual, &expected) {
            let (got, of) = match e.count {
                true => ("has", " items"),
                false => ("is", ""),
            };
            let wanted = match &e.equals {
                Expr::Constant(_) => format!("the spec expects {}", show(&expected)),
                other => format!("{other} is {}", show(&expected)),
            };
            return Err(fail(format!(
                "{what}: {} {got} {}{of}, but {wanted}{} (declared at {})",
                e.pointer,
                show(&actual),
                first_difference(&actual, &expected),
                e.at
            )));
        }
    }
    Ok(())
}

/// The context of the linked operation, and the request its parameters make.
fn linked<'a>(
    ctx: &Ctx<'a>,
    origin: &Exchange,
    link: &Link,
) -> Result<(Ctx<'a>, RequestPlan), Failure> {
    let op = ctx
        .spec
        .operation(&link.operation_id)
        .map_err(|e| fail(format!("link `{}` ({}): {e}", link.name, link.pointer)))?;
    let mut plan = RequestPlan::default();
    for (name, expr) in &link.parameters {
        let value = request::example_text(&origin.value(ctx, expr)?);
        let param = op
            .parameters
            .iter()
            .find(|p| &p.name == name)
            .ok_or_else(|| {
                fail(format!(
                    "link `{}` sets `{name}`, which {} does not take; run `cargo xtask lint`",
                    link.name, op.id
                ))
            })?;
        match param.location {
            Location::Path => plan.path_overrides.push((name.clone(), value)),
            Location::Query => plan.query_overrides.push((name.clone(), value)),
            _ => plan.headers.push((name.clone(), value)),
        }
    }
    let linked = Ctx {
        target: ctx.target,
        spec: ctx.spec.clone(),
        op,
        tokens: ctx.tokens.clone(),
    };
    Ok((linked, plan))
}

/// Sends the linked request once; returns its JSON body.
async fn follow(linked: &Ctx<'_>, plan: &RequestPlan) -> Result<Option<Value>, Failure> {
    let response = request::send(linked, &linked.http()?, plan).await?;
    super::conformance::expect_success(linked, &response)?;
    linked.conforms(&response)
}

fn origin_plan(body: Option<&BodyCase>) -> RequestPlan {
    RequestPlan {
        body: body.map_or(Body::Example, |c| Body::Json(c.body.clone())),
        ..RequestPlan::default()
    }
}

/// `relation_links`: the origin's example request, then each link without `x-poll`.
pub async fn links(ctx: &Ctx<'_>) -> Verdict {
    let result: Result<Vec<String>, Failure> = async {
        let origin = exchange(ctx, &origin_plan(None)).await?;
        let mut followed = Vec::new();
        for link in relations::plain_links(&ctx.op) {
            let (linked, plan) = linked(ctx, &origin, link)?;
            let what = format!("link `{}` to {}", link.name, link.operation_id);
            let body = follow(&linked, &plan)
                .await
                .map_err(|e| fail(format!("{what}: {}", e.reason)))?;
            expect_all(ctx, &origin, body.as_ref(), &link.expect, &what)?;
            followed.push(format!(
                "{} ({} equalities held)",
                link.operation_id,
                link.expect.len()
            ));
        }
        Ok(followed)
    }
    .await;
    match result {
        Ok(followed) => Verdict::Pass {
            note: format!("followed {}", followed.join(", ")),
            measurements: Vec::new(),
        },
        Err(failure) => failure.into(),
    }
}

/// What one poll found.
struct Polled {
    body: Option<Value>,
    value: Value,
    polls: u32,
    elapsed: Duration,
}

/// Reads the linked operation every `interval_ms` until `poll.pointer` is in `until`, for at
/// most `timeout_ms`, or `--poll-timeout-ms` when given (each read also bounded by the
/// target's timeout).
async fn poll_until(linked: &Ctx<'_>, plan: &RequestPlan, poll: &Poll) -> Result<Polled, Failure> {
    let started = Instant::now();
    let interval = Duration::from_millis(poll.interval_ms);
    let (timeout_ms, whose) = match linked.target.options().poll_timeout_ms {
        Some(ms) => (ms, "--poll-timeout-ms"),
        None => (poll.timeout_ms, "x-poll"),
    };
    let timeout = Duration::from_millis(timeout_ms);
    let mut polls = 0u32;
    loop {
        polls += 1;
        let body = follow(linked, plan).await?;
        let value = body
            .as_ref()
            .and_then(|b| b.pointer(&poll.pointer))
            .cloned()
            .ok_or_else(|| fail(format!("poll {polls}: the body has no {}", poll.pointer)))?;
        if poll.until.iter().any(|u| same(u, &value)) {
            return Ok(Polled {
                body,
                value,
                polls,
                elapsed: started.elapsed(),
            });
        }
        if started.elapsed() + interval > timeout {
            return Err(fail(format!(
                "{} {} is still {} after {polls} polls, {:.1} s (x-poll: until {}, every {} ms; within {timeout_ms} ms by {whose})",
                linked.op.id,
                poll.pointer,
                show(&value),
                started.elapsed().as_secs_f64(),
                list(&poll.until),
                poll.interval_ms,
            )));
        }
        tokio::time::sleep(interval).await;
    }
}

fn list(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `relation_poll`: the origin's example request, then each link with `x-poll` read until
/// a terminal value; passes with the number of polls and the time taken.
pub async fn poll(ctx: &Ctx<'_>) -> Verdict {
    let result: Result<(Vec<String>, Vec<Measurement>), Failure> = async {
        let origin = exchange(ctx, &origin_plan(None)).await?;
        let mut notes = Vec::new();
        let mut measurements = Vec::new();
        for link in relations::polled_links(&ctx.op) {
            let Some(poll) = &link.poll else { continue };
            let (linked, plan) = linked(ctx, &origin, link)?;
            let what = format!("link `{}` to {}", link.name, link.operation_id);
            let polled = poll_until(&linked, &plan, poll)
                .await
                .map_err(|e| fail(format!("{what}: {}", e.reason)))?;
            if !poll.success.is_empty() && !poll.success.iter().any(|s| same(s, &polled.value)) {
                return Err(fail(format!(
                    "{what}: {} ended {} after {} polls, {:.1} s (success: {})",
                    poll.pointer,
                    show(&polled.value),
                    polled.polls,
                    polled.elapsed.as_secs_f64(),
                    list(&poll.success)
                )));
            }
            expect_all(ctx, &origin, polled.body.as_ref(), &link.expect, &what)?;
            notes.push(format!(
                "{} {} reached {} after {} polls, {:.1} s",
                link.operation_id,
                poll.pointer,
                polled
                    .value
                    .as_str()
                    .map_or_else(|| polled.value.to_string(), str::to_string),
                polled.polls,
                polled.elapsed.as_secs_f64()
            ));
            measurements.push(Measurement::ms(
                &format!("{}_poll_ms", link.name),
                polled.elapsed,
            ));
        }
        Ok((notes, measurements))
    }
    .await;
    match result {
        Ok((notes, measurements)) => Verdict::Pass {
            note: notes.join("; "),
            measurements,
        },
        Err(failure) => failure.into(),
    }
}

/// `relation_invariants`: the example request, then each compared integer request field
/// at its documented bounds; every `x-invariants` entry holds for each.
pub async fn invariants(ctx: &Ctx<'_>) -> Outcome {
    let bodies = relations::invariant_bodies(&ctx.spec, &ctx.op);
    let cases: Vec<Option<&BodyCase>> = match bodies.is_empty() {
        true => vec![None],
        false => bodies.iter().map(Some).collect(),
    };
    for case in cases {
        invariants_hold(ctx, case).await?;
    }
    Ok(())
}

/// Sends the example request (with `case`'s body, if any); the `x-invariants` hold for the
/// answer.
async fn invariants_hold(ctx: &Ctx<'_>, case: Option<&BodyCase>) -> Outcome {
    let what = case.map_or("the example request".to_string(), |c| {
        format!("a request with {}", c.description)
    });
    let origin = exchange(ctx, &origin_plan(case))
        .await
        .map_err(|e| fail(format!("{what}: {}", e.reason)))?;
    expect_all(
        ctx,
        &origin,
        origin.body.as_ref(),
        &ctx.op.relations.invariants,
        &what,
    )
}

/// `relation_default_applied`: each optional field with a documented default left out;
/// the invariants hold with the default.
pub async fn default_applied(ctx: &Ctx<'_>) -> Outcome {
    let omitted = relations::omitted_defaults(&ctx.spec, &ctx.op);
    if omitted.is_empty() {
        return Err(fail("no invariant names an optional field with a default"));
    }
    for (case, _, _) in &omitted {
        invariants_hold(ctx, Some(case)).await?;
    }
    Ok(())
}
