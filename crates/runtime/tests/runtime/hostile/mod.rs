//! A deployment that misbehaves gets a fast, bounded, precise red (issue 11): each test points
//! the runtime at a server that breaks HTTP in one way (`server.rs`) and asserts a red
//! verdict, within the configured limit plus a margin, naming the cause, in a short message.
//!
//! `cargo test` runs the fast ones; those that wait for a timeout, and the 200 MB body, run
//! with `SB_HOSTILE_SLOW=1` (`.ci/run` sets it: `cargo test --workspace --test runtime
//! hostile::`).

mod server;

use std::time::{Duration, Instant};

use progenitor_client::{
    ClientHooks, ClientInfo, Error as ClientError, OperationInfo, ResponseValue,
};
use sb_runtime::target::REPROBE_EVERY;
use sb_runtime::{Check, Harness, Op, SpecSource, Target, TargetOptions, Typed, Verdict};
use serde_json::{Value, json};
use server::Misbehaviour::{self, *};

const SPEC: SpecSource = SpecSource {
    file: "crates/runtime/tests/runtime/hostile/spec.yaml",
    text: include_str!("spec.yaml"),
};
const GET_ITEM: Op = Op {
    spec: SPEC,
    id: "getItem",
};
const STREAM_ITEM: Op = Op {
    spec: SPEC,
    id: "streamItem",
};

/// `--timeout-secs` for these tests.
const TIMEOUT: Duration = Duration::from_secs(2);
/// `--sse-idle-secs`.
const IDLE: Duration = Duration::from_secs(1);
/// The stream's `x-slo` `lastChunkMs` in `spec.yaml`.
const STREAM_BUDGET: Duration = Duration::from_secs(3);
/// What a red may take beyond its limit.
const MARGIN: Duration = Duration::from_secs(5);

fn slow() -> bool {
    if std::env::var("SB_HOSTILE_SLOW").is_ok_and(|v| v == "1") {
        return true;
    }
    eprintln!("not run: this test waits for a timeout; set SB_HOSTILE_SLOW=1 (.ci/run does)");
    false
}

fn options(base_url: String) -> TargetOptions {
    TargetOptions {
        base_url: Some(base_url),
        jwt_secret: Some("hostile-secret".into()),
        timeout_secs: TIMEOUT.as_secs(),
        sse_idle_secs: IDLE.as_secs(),
        ..TargetOptions::default()
    }
}

/// A target on a server misbehaving as `how` (the readiness probe answered properly). Both
/// live for the rest of the test process (typed checks need a `'static` target).
async fn target(how: Misbehaviour) -> &'static Target {
    let server = server::start(how, true).await;
    let target = Target::connect(&options(server.base_url()), &Harness::deployment("hostile"))
        .await
        .unwrap_or_else(|e| panic!("the readiness probe of {how:?} failed: {e}"));
    Box::leak(Box::new(server));
    Box::leak(Box::new(target))
}

/// Asserts a red within `limit` + [`MARGIN`] whose reason names one of `causes`, short enough
/// for a table; returns the reason.
fn expect_red(what: &str, verdict: Verdict, started: Instant, limit: Duration, causes: &[&str]) {
    let elapsed = started.elapsed();
    let reason = match verdict {
        Verdict::Fail { reason } => reason,
        other => panic!("{what}: expected a red, got {other:?}"),
    };
    eprintln!("{what}: red in {:.2} s: {reason}", elapsed.as_secs_f64());
    assert!(
        elapsed < limit + MARGIN,
        "{what}: took {elapsed:?}, the limit is {limit:?}"
    );
    assert!(
        causes.iter().any(|c| reason.contains(c)),
        "{what}: the reason names none of {causes:?}: {reason}"
    );
    assert!(
        reason.len() < 1000,
        "{what}: a {}-byte reason",
        reason.len()
    );
}

async fn plain(how: Misbehaviour, op: Op, check: Check, limit: Duration, causes: &[&str]) {
    let target = target(how).await;
    let started = Instant::now();
    let verdict = sb_runtime::evaluate(target, op, check).await;
    expect_red(
        &format!("{how:?} {}", check.name()),
        verdict,
        started,
        limit,
        causes,
    );
}

/// A client shaped like a generated progenitor client, with the hooks `build.rs` gives every
/// generated client: its exchanges go through `sb_stream::body`.
struct Client {
    baseurl: String,
    client: reqwest::Client,
}

impl ClientInfo<()> for Client {
    fn api_version() -> &'static str {
        "1.0.0"
    }
    fn baseurl(&self) -> &str {
        &self.baseurl
    }
    fn client(&self) -> &reqwest::Client {
        &self.client
    }
    fn inner(&self) -> &() {
        &()
    }
}

sb_stream::bounded_hooks!(Client);

impl Client {
    /// What a generated method does: pre, exec, post around the request.
    async fn send(
        &self,
        request: reqwest::Request,
        id: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let info = OperationInfo { operation_id: id };
        self.exec(request, &info).await
    }
}

/// The typed JSON check as the generated code runs it: progenitor's exchange
/// (`ResponseValue::from_response`) through the bounded hooks on the typed client of
/// [`Typed::client`].
async fn typed_json(target: &'static Target) -> (Verdict, Instant) {
    let started = Instant::now();
    let verdict = sb_runtime::evaluate_typed(target, GET_ITEM, |t: Typed| async move {
        let client = Client {
            baseurl: t.base_url().to_string(),
            client: t.client()?,
        };
        let url = format!("{}/items/item-1", client.baseurl());
        let request = client.client().get(url).build().expect("a request");
        let result = match client.send(request, "getItem").await {
            Ok(r) if r.status().as_u16() == 200 => {
                ResponseValue::<Value>::from_response::<()>(r).await
            }
            Ok(r) => Err(ClientError::UnexpectedResponse(r)),
            Err(e) => Err(ClientError::CommunicationError(e)),
        };
        t.json(result)
    })
    .await;
    (verdict, started)
}

/// The typed stream check as the generated code runs it.
async fn typed_events(target: &'static Target) -> (Verdict, Instant) {
    let started = Instant::now();
    let verdict = sb_runtime::evaluate_typed(target, STREAM_ITEM, |t: Typed| async move {
        let client = Client {
            baseurl: t.base_url().to_string(),
            client: t.client()?,
        };
        let url = format!("{}/items/item-1/events", client.baseurl());
        let request = client
            .client()
            .post(url)
            .json(&json!({"prompt": "hello"}))
            .build()
            .expect("a request");
        let result = match client.send(request, "streamItem").await {
            Ok(r) if r.status().as_u16() == 200 => Ok(ResponseValue::stream(r)),
            Ok(r) => Err(ClientError::<()>::UnexpectedResponse(r)),
            Err(e) => Err(ClientError::CommunicationError(e)),
        };
        t.events::<Value, ()>(result).await
    })
    .await;
    (verdict, started)
}

async fn typed_json_red(how: Misbehaviour, limit: Duration, causes: &[&str]) {
    let (verdict, started) = typed_json(target(how).await).await;
    expect_red(&format!("{how:?} typed"), verdict, started, limit, causes);
}

async fn typed_events_red(how: Misbehaviour, limit: Duration, causes: &[&str]) {
    let (verdict, started) = typed_events(target(how).await).await;
    expect_red(
        &format!("{how:?} typed stream"),
        verdict,
        started,
        limit,
        causes,
    );
}

/// Peak resident memory of this process so far (`VmHWM`), in bytes.
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

// The controls: the same checks are green against a server that behaves.

#[tokio::test]
async fn healthy_json_is_green() {
    let target = target(Healthy).await;
    let verdict = sb_runtime::evaluate(target, GET_ITEM, Check::Conformance).await;
    assert!(matches!(verdict, Verdict::Pass { .. }), "{verdict:?}");
    let (verdict, _) = typed_json(target).await;
    assert!(matches!(verdict, Verdict::Pass { .. }), "{verdict:?}");
}

#[tokio::test]
async fn healthy_stream_is_green() {
    let target = target(Healthy).await;
    let verdict = sb_runtime::evaluate(target, STREAM_ITEM, Check::SseTerminal).await;
    assert!(matches!(verdict, Verdict::Pass { .. }), "{verdict:?}");
    let (verdict, _) = typed_events(target).await;
    assert!(matches!(verdict, Verdict::Pass { .. }), "{verdict:?}");
}

// Fast misbehaviours: the target answers at once, wrongly.

#[tokio::test]
async fn garbage_instead_of_http() {
    plain(
        Garbage,
        GET_ITEM,
        Check::Conformance,
        TIMEOUT,
        &["invalid HTTP"],
    )
    .await;
    typed_json_red(Garbage, TIMEOUT, &["invalid HTTP"]).await;
}

#[tokio::test]
async fn garbage_at_the_readiness_probe_is_not_silence() {
    let server = server::start(Garbage, false).await;
    let started = Instant::now();
    let error = Target::connect(&options(server.base_url()), &Harness::deployment("hostile"))
        .await
        .expect_err("garbage is not ready");
    let message = error.to_string();
    eprintln!(
        "Garbage readiness: {:.2} s: {message}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        message.contains("answered, but not with a usable HTTP response"),
        "{message}"
    );
    assert!(message.contains("invalid HTTP"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn connection_reset() {
    plain(
        Reset,
        GET_ITEM,
        Check::Conformance,
        TIMEOUT,
        &["connection reset by the target"],
    )
    .await;
    typed_json_red(Reset, TIMEOUT, &["connection reset by the target"]).await;
}

#[tokio::test]
async fn ten_thousand_headers() {
    plain(
        ManyHeaders,
        GET_ITEM,
        Check::Conformance,
        TIMEOUT,
        &["headers are too large"],
    )
    .await;
    typed_json_red(ManyHeaders, TIMEOUT, &["headers are too large"]).await;
}

#[tokio::test]
async fn body_shorter_than_content_length() {
    let cause = "shorter than its Content-Length";
    plain(ShortBody, GET_ITEM, Check::Conformance, TIMEOUT, &[cause]).await;
    typed_json_red(ShortBody, TIMEOUT, &[cause]).await;
}

#[tokio::test]
async fn invalid_utf8_json() {
    plain(
        InvalidUtf8,
        GET_ITEM,
        Check::Conformance,
        TIMEOUT,
        &["not valid UTF-8"],
    )
    .await;
    typed_json_red(InvalidUtf8, TIMEOUT, &["not valid UTF-8"]).await;
}

/// The target dies after the readiness probe: the first check finds the connection refused,
/// the breaker re-probes once and opens, and every further check fails at once with one
/// message.
#[tokio::test]
async fn target_dies_after_the_readiness_probe() {
    let target = target(DieAfterProbe).await;
    let started = Instant::now();
    let first = sb_runtime::evaluate(target, GET_ITEM, Check::Conformance).await;
    expect_red(
        "DieAfterProbe first",
        first,
        started,
        TIMEOUT,
        &["connection refused"],
    );
    let checks = [
        (GET_ITEM, Check::AuthMissingToken),
        (GET_ITEM, Check::ErrorUnknownId),
        (GET_ITEM, Check::TenantOtherTenantToken),
        (STREAM_ITEM, Check::SseTerminal),
        (STREAM_ITEM, Check::SseStreamFormat),
        (STREAM_ITEM, Check::ErrorMissingRequired),
    ];
    let rest = Instant::now();
    for (op, check) in checks {
        let verdict = sb_runtime::evaluate(target, op, check).await;
        match verdict {
            Verdict::Fail { reason } => assert!(
                reason.starts_with("target unreachable since"),
                "{}: {reason}",
                check.name()
            ),
            Verdict::Skip { .. } => {}
            other => panic!("{}: {other:?}", check.name()),
        }
    }
    let (typed, _) = typed_json(target).await;
    match typed {
        Verdict::Fail { reason } => assert!(reason.starts_with("target unreachable since")),
        other => panic!("typed: {other:?}"),
    }
    assert!(
        rest.elapsed() < Duration::from_secs(1),
        "the remaining checks took {:?}",
        rest.elapsed()
    );
    eprintln!(
        "DieAfterProbe: first red in {:.2} s, {} more in {:.3} s: {}",
        (rest - started).as_secs_f64(),
        checks.len(),
        rest.elapsed().as_secs_f64(),
        target.unreachable().unwrap_or_default()
    );
}

/// The target freezes after the readiness probe (it accepts connections, answers nothing):
/// the first check times out waiting for the head, the breaker's probe gets no answer
/// either and opens, and every further check fails at once.
#[tokio::test]
async fn target_freezes_after_the_readiness_probe() {
    if !slow() {
        return;
    }
    let target = target(FreezeAfterProbe).await;
    let started = Instant::now();
    let first = sb_runtime::evaluate(target, GET_ITEM, Check::Conformance).await;
    // The check's timeout, then the probe's 2 s.
    expect_red(
        "FreezeAfterProbe first",
        first,
        started,
        TIMEOUT + Duration::from_secs(2),
        &["timed out after 2 s waiting for the response headers"],
    );
    let rest = Instant::now();
    for (op, check) in [
        (GET_ITEM, Check::AuthMissingToken),
        (STREAM_ITEM, Check::SseTerminal),
    ] {
        match sb_runtime::evaluate(target, op, check).await {
            Verdict::Fail { reason } => assert!(
                reason.starts_with("target unreachable since")
                    && reason.contains("no longer answers requests"),
                "{}: {reason}",
                check.name()
            ),
            other => panic!("{}: {other:?}", check.name()),
        }
    }
    let (typed, _) = typed_json(target).await;
    assert!(
        matches!(&typed, Verdict::Fail { reason } if reason.starts_with("target unreachable since")),
        "typed: {typed:?}"
    );
    assert!(
        rest.elapsed() < Duration::from_secs(1),
        "the remaining checks took {:?}",
        rest.elapsed()
    );
    eprintln!(
        "FreezeAfterProbe: first red in {:.2} s, 3 more in {:.3} s: {}",
        (rest - started).as_secs_f64(),
        rest.elapsed().as_secs_f64(),
        target.unreachable().unwrap_or_default()
    );
}

/// The target goes away and comes back on the same port: while it is away the breaker fails
/// checks at once, and within [`REPROBE_EVERY`] of its return a check re-probes it and runs.
#[tokio::test]
async fn target_that_comes_back_is_used_again() {
    let server = server::start(Healthy, true).await;
    let addr = server.addr;
    let target: &'static Target = Box::leak(Box::new(
        Target::connect(&options(server.base_url()), &Harness::deployment("hostile"))
            .await
            .expect("ready"),
    ));
    let green = sb_runtime::evaluate(target, GET_ITEM, Check::Conformance).await;
    assert!(matches!(green, Verdict::Pass { .. }), "{green:?}");

    server.stop().await;
    let first = sb_runtime::evaluate(target, GET_ITEM, Check::Conformance).await;
    assert!(
        matches!(&first, Verdict::Fail { reason } if reason.contains("connection refused")),
        "{first:?}"
    );
    let down = Instant::now();
    let away = sb_runtime::evaluate(target, GET_ITEM, Check::Conformance).await;
    assert!(
        matches!(&away, Verdict::Fail { reason } if reason.starts_with("target unreachable since")),
        "{away:?}"
    );

    let back = server::start_at(addr, Healthy, true).await;
    // Polls until a check runs again: each poll while the breaker is open costs nothing.
    let verdict = loop {
        let verdict = sb_runtime::evaluate(target, GET_ITEM, Check::Conformance).await;
        if !matches!(&verdict, Verdict::Fail { reason } if reason.starts_with("target unreachable since"))
            || down.elapsed() > REPROBE_EVERY + MARGIN
        {
            break verdict;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!(
        "ComeBack: green again {:.2} s after the breaker opened",
        down.elapsed().as_secs_f64()
    );
    assert!(matches!(verdict, Verdict::Pass { .. }), "{verdict:?}");
    assert!(down.elapsed() < REPROBE_EVERY + MARGIN);
    drop(back);
}

// Slow misbehaviours: each is stopped by a limit, so each takes about that limit.

#[tokio::test]
async fn hang_before_headers() {
    if !slow() {
        return;
    }
    let cause = "timed out after 2 s waiting for the response headers";
    plain(
        HangBeforeHeaders,
        GET_ITEM,
        Check::Conformance,
        TIMEOUT,
        &[cause],
    )
    .await;
    typed_json_red(HangBeforeHeaders, TIMEOUT, &[cause]).await;
    plain(
        HangBeforeHeaders,
        STREAM_ITEM,
        Check::SseTerminal,
        TIMEOUT,
        &[cause],
    )
    .await;
}

#[tokio::test]
async fn hang_at_the_readiness_probe_is_silence() {
    if !slow() {
        return;
    }
    let server = server::start(HangBeforeHeaders, false).await;
    let started = Instant::now();
    let error = Target::connect(&options(server.base_url()), &Harness::deployment("hostile"))
        .await
        .expect_err("a hang is not ready");
    let message = error.to_string();
    eprintln!(
        "HangBeforeHeaders readiness: {:.2} s: {message}",
        started.elapsed().as_secs_f64()
    );
    assert!(message.contains("did not answer within 2 s"), "{message}");
    assert!(message.contains("timed out"), "{message}");
    assert!(started.elapsed() < TIMEOUT + MARGIN);
}

#[tokio::test]
async fn stall_mid_body() {
    if !slow() {
        return;
    }
    let cause = "timed out after 2 s reading the body";
    plain(
        StallMidBody,
        GET_ITEM,
        Check::Conformance,
        TIMEOUT,
        &[cause],
    )
    .await;
    typed_json_red(StallMidBody, TIMEOUT, &[cause]).await;
}

#[tokio::test]
async fn body_trickled_one_byte_a_second() {
    if !slow() {
        return;
    }
    let cause = "timed out after 2 s reading the body";
    plain(Trickle, GET_ITEM, Check::Conformance, TIMEOUT, &[cause]).await;
    typed_json_red(Trickle, TIMEOUT, &[cause]).await;
}

/// 200 MB, generated as it is sent: the plain check stops at the 16 MiB cap, and the
/// process's peak memory grows by far less than the body.
#[tokio::test]
async fn two_hundred_megabyte_body() {
    if !slow() {
        return;
    }
    let before = peak_memory();
    plain(
        Huge,
        GET_ITEM,
        Check::Conformance,
        TIMEOUT,
        &["exceeds the 16777216-byte cap"],
    )
    .await;
    assert_peak_growth("plain", before);
}

/// The same 200 MB through the typed client: progenitor's `ResponseValue::from_response`
/// reads the body whole, but through the bounded hooks, which stop it at the cap.
#[tokio::test]
async fn two_hundred_megabyte_body_typed() {
    if !slow() {
        return;
    }
    let before = peak_memory();
    typed_json_red(Huge, TIMEOUT, &["exceeds the 16777216-byte cap"]).await;
    assert_peak_growth("typed", before);
}

fn assert_peak_growth(what: &str, before: u64) {
    let after = peak_memory();
    eprintln!(
        "Huge: peak memory {} MiB before, {} MiB after the {what} check",
        before >> 20,
        after >> 20
    );
    assert!(
        after.saturating_sub(before) < 200 << 20,
        "peak memory grew by {} MiB",
        (after - before) >> 20
    );
}

#[tokio::test]
async fn stream_that_stalls() {
    if !slow() {
        return;
    }
    let cause = "stalled";
    plain(SseStall, STREAM_ITEM, Check::SseTerminal, IDLE, &[cause]).await;
    typed_events_red(
        SseStall,
        IDLE,
        &["stalled: no event within the idle limit after"],
    )
    .await;
}

#[tokio::test]
async fn stream_that_never_ends() {
    if !slow() {
        return;
    }
    let cause = "did not finish within its budget";
    plain(
        SseEndless,
        STREAM_ITEM,
        Check::SseTerminal,
        STREAM_BUDGET,
        &[cause],
    )
    .await;
    typed_events_red(SseEndless, STREAM_BUDGET, &[cause]).await;
}

#[tokio::test]
async fn stream_trickled_a_byte_at_a_time() {
    if !slow() {
        return;
    }
    let cause = "did not finish within its budget";
    plain(
        SseTrickle,
        STREAM_ITEM,
        Check::SseTerminal,
        STREAM_BUDGET,
        &[cause],
    )
    .await;
    typed_events_red(SseTrickle, STREAM_BUDGET, &[cause]).await;
}
