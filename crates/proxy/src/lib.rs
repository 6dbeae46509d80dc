//! `sb-proxy`: a loopback proxy a frontend developer points the dev server at. It forwards
//! every request to the upstream API (event streams chunk by chunk, never buffered), matches
//! it to its operation ([`routes`]), checks each request, response and event by the contract
//! rules of `sb-rules` (the ones the generated checks fail with), prints each
//! violation the moment it is seen, logs them as JSONL, and records what the frontend uses
//! as a consumer file ([`record`]) for `cargo xtask compat`.
//!
//! Every read is bounded: request and JSON bodies by size and time, streams by an idle limit
//! (forwarding) and by `sb-stream`'s limits (validation); a stream outgrowing the validator's
//! cap is still forwarded, only no longer checked.

pub mod record;
pub mod routes;

// What a violation carries: the rules' own finding type.
pub use sb_rules::{Finding, Kind};

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::StreamExt;
use http::{HeaderMap, HeaderName, Method, StatusCode};
use sb_rules::header;
use sb_spec::{Location, Spec, media_essence};
use sb_stream::{Judged, SseLimits, SseReader};
use serde::Serialize;
use serde_json::Value;

use record::{CorsRec, Observation, Recorder};
use routes::{Route, Routes};

/// Bounds on what the proxy reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, and largest non-stream response body, read.
    pub max_body: usize,
    /// Longest wait for the upstream's response head, or a whole non-stream body.
    pub timeout: Duration,
    /// Longest silence of an upstream stream before the proxy ends it.
    pub stream_idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 16 << 20,
            timeout: Duration::from_secs(60),
            stream_idle: Duration::from_secs(60),
        }
    }
}

/// How to run the proxy.
pub struct Config {
    /// The API's base URL (`http://127.0.0.1:8080/v1`): a request for `/sites/x` goes to
    /// `{upstream}/sites/x`, and is matched against the specs' path templates as `/sites/x`.
    pub upstream: String,
    /// The contract.
    pub specs: Vec<Spec>,
    /// Browser origins allowed besides the specs' `x-cors` ones (exact, or `scheme://host:*`).
    pub allowed_origins: Vec<String>,
    /// Consumer file to write (or merge into) on stop.
    pub record: Option<PathBuf>,
    /// The consumer's name in a new recorded file.
    pub consumer: String,
    /// JSONL log of violations, appended as they happen.
    pub violations: Option<PathBuf>,
    /// Print each violation to stderr as it happens.
    pub print: bool,
    pub limits: Limits,
}

impl Config {
    /// A config for `upstream` and `specs` with defaults otherwise.
    pub fn new(upstream: impl Into<String>, specs: Vec<Spec>) -> Config {
        Config {
            upstream: upstream.into(),
            specs,
            allowed_origins: Vec::new(),
            record: None,
            consumer: "site-builder-frontend".into(),
            violations: None,
            print: true,
            limits: Limits::default(),
        }
    }
}

/// One violation, as printed and logged.
#[derive(Debug, Clone, Serialize)]
pub struct Violation {
    /// Milliseconds since the proxy started.
    pub time_ms: u128,
    pub method: String,
    pub path: String,
    /// `spec:operationId`, or `-` when no operation matched.
    pub operation: String,
    pub status: Option<u16>,
    #[serde(flatten)]
    pub finding: Finding,
}

impl std::fmt::Display for Violation {
    /// The exchange, then the finding in the words a failing generated check uses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "VIOLATION {} {} {}",
            self.operation, self.method, self.path
        )?;
        if let Some(status) = self.status {
            write!(f, " -> {status}")?;
        }
        write!(f, "\n    {}", self.finding)
    }
}

/// What the proxy saw, for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Exchanges by `spec:operationId` (`-` unmatched), preflights as `preflight ...`.
    pub exchanges: BTreeMap<String, usize>,
    /// Violations by `spec:operationId kind`.
    pub violations: BTreeMap<String, usize>,
    pub violation_count: usize,
    /// Requests that broke their schema and were rejected as documented (a 4xx, or a
    /// stream holding the error event): the frontend testing an error path.
    pub rejected_as_documented: usize,
    /// Added latency of non-stream exchanges (time in the proxy minus time waiting for the
    /// upstream), median and 95th percentile, in ms.
    pub overhead_p50_ms: f64,
    pub overhead_p95_ms: f64,
    /// The same, for the head of stream responses.
    pub stream_head_overhead_p50_ms: f64,
    /// Where the recorded consumer file went.
    pub recorded: Option<PathBuf>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "proxy summary")?;
        writeln!(f, "  exchanges:")?;
        for (op, n) in &self.exchanges {
            writeln!(f, "    {n:>4}  {op}")?;
        }
        writeln!(f, "  violations: {}", self.violation_count)?;
        for (what, n) in &self.violations {
            writeln!(f, "    {n:>4}  {what}")?;
        }
        writeln!(
            f,
            "  requests breaking their schema, rejected as documented: {}",
            self.rejected_as_documented
        )?;
        writeln!(
            f,
            "  added latency: p50 {:.2} ms, p95 {:.2} ms (JSON); stream head p50 {:.2} ms",
            self.overhead_p50_ms, self.overhead_p95_ms, self.stream_head_overhead_p50_ms
        )?;
        if let Some(path) = &self.recorded {
            writeln!(f, "  recorded consumer file: {}", path.display())?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Log {
    violations: Vec<Violation>,
    exchanges: BTreeMap<String, usize>,
    rejected_as_documented: usize,
    overhead_ms: Vec<f64>,
    stream_head_ms: Vec<f64>,
}

struct Shared {
    routes: Routes,
    specs: BTreeMap<String, Spec>,
    upstream: String,
    client: reqwest::Client,
    allowed_origins: Vec<String>,
    limits: Limits,
    print: bool,
    started: Instant,
    log: Mutex<Log>,
    jsonl: Mutex<Option<std::fs::File>>,
    recorder: Mutex<Recorder>,
    /// Stream validations still running (stop waits for them).
    in_flight: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves the data usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running proxy.
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

/// Hop-by-hop headers (RFC 9110 7.6.1) and the ones the proxy recomputes.
const HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
];

fn copy_headers(from: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in from {
        if !HOP.contains(&name.as_str()) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

impl Proxy {
    /// Binds `bind` (use 127.0.0.1 and port 0) and serves in the current runtime.
    pub async fn start(config: Config, bind: SocketAddr) -> Result<Proxy, String> {
        let mut allowed_origins = config.allowed_origins.clone();
        for spec in &config.specs {
            if let Ok(Some(cors)) = spec.cors() {
                allowed_origins.extend(cors.allowed_origins);
            }
        }
        let specs: BTreeMap<String, Spec> = config
            .specs
            .iter()
            .map(|s| (s.name.clone(), s.clone()))
            .collect();
        let routes = Routes::new(config.specs).map_err(|e| e.to_string())?;
        let jsonl = match &config.violations {
            Some(path) => Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?,
            ),
            None => None,
        };
        let recorder = Recorder::open(config.record.as_deref(), &config.consumer)?;
        // No total timeout: streams may run long; heads and bodies are bounded per read.
        let client = sb_stream::tls::client_builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let shared = Arc::new(Shared {
            routes,
            specs,
            upstream: config.upstream.trim_end_matches('/').to_string(),
            client,
            allowed_origins,
            limits: config.limits,
            print: config.print,
            started: Instant::now(),
            log: Mutex::default(),
            jsonl: Mutex::new(jsonl),
            recorder: Mutex::new(recorder),
            in_flight: AtomicUsize::new(0),
        });
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| format!("cannot bind {bind}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Proxy {
            addr,
            shared,
            shutdown: Some(tx),
            task,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The violations so far.
    pub fn violations(&self) -> Vec<Violation> {
        lock(&self.shared.log).violations.clone()
    }

    /// The recorder's file so far, as written on stop.
    pub fn recorded(&self) -> record::File {
        lock(&self.shared.recorder).finished(&self.shared.specs)
    }

    /// The summary so far.
    pub fn summary(&self) -> Summary {
        let log = lock(&self.shared.log);
        let mut violations = BTreeMap::new();
        for v in &log.violations {
            *violations
                .entry(format!("{} {}", v.operation, v.finding.kind.name()))
                .or_default() += 1;
        }
        Summary {
            exchanges: log.exchanges.clone(),
            violations,
            violation_count: log.violations.len(),
            rejected_as_documented: log.rejected_as_documented,
            overhead_p50_ms: percentile(&log.overhead_ms, 0.5),
            overhead_p95_ms: percentile(&log.overhead_ms, 0.95),
            stream_head_overhead_p50_ms: percentile(&log.stream_head_ms, 0.5),
            recorded: None,
        }
    }

    /// Stops serving (waiting up to 10 s for open streams), writes the recorded consumer
    /// file, and returns the summary.
    pub async fn stop(mut self) -> Result<Summary, String> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while (self.shared.in_flight.load(Ordering::SeqCst) > 0 || !self.task.is_finished())
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.task.abort();
        let mut summary = self.summary();
        summary.recorded = lock(&self.shared.recorder).write(&self.shared.specs)?;
        Ok(summary)
    }
}

fn percentile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}

/// One exchange's identity, for reporting.
#[derive(Clone)]
struct Exchange {
    method: String,
    path: String,
    label: String,
}

impl Shared {
    fn report(&self, ex: &Exchange, status: Option<u16>, findings: Vec<Finding>) {
        if findings.is_empty() {
            return;
        }
        let mut log = lock(&self.log);
        let mut jsonl = lock(&self.jsonl);
        for finding in findings {
            let v = Violation {
                time_ms: self.started.elapsed().as_millis(),
                method: ex.method.clone(),
                path: ex.path.clone(),
                operation: ex.label.clone(),
                status,
                finding,
            };
            if self.print {
                eprintln!("{v}");
            }
            if let Some(file) = jsonl.as_mut()
                && let Ok(line) = serde_json::to_string(&v)
            {
                // The log is for humans and scripts after the fact; a failed write must
                // not break the traffic.
                let _ = writeln!(file, "{line}");
                let _ = file.flush();
            }
            log.violations.push(v);
        }
    }

    fn count(&self, key: String) {
        *lock(&self.log).exchanges.entry(key).or_default() += 1;
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        sb_rules::origin_allowed(&self.allowed_origins, origin)
    }

    /// Request findings are violations unless the upstream rejected the request as the
    /// contract says it should (`rejected`): then the frontend was testing an error path.
    fn settle_request(&self, ex: &Exchange, status: u16, findings: Vec<Finding>, rejected: bool) {
        if findings.is_empty() {
            return;
        }
        if rejected {
            lock(&self.log).rejected_as_documented += 1;
        } else {
            let findings = findings
                .into_iter()
                .map(|f| Finding {
                    expected: format!("{} (and the server accepted the request)", f.expected),
                    ..f
                })
                .collect();
            self.report(ex, Some(status), findings);
        }
    }
}

fn error_response(status: StatusCode, message: String) -> Response {
    eprintln!("proxy: {message}");
    (status, format!("sb-proxy: {message}\n")).into_response()
}

/// Request headers worth recording: those the operation declares, the credentials its
/// security takes, and the protocol headers compat knows.
fn recorded_headers(route: &Route, headers: &HeaderMap) -> Vec<String> {
    let mut out = Vec::new();
    if !route.op.security.is_empty() && headers.contains_key("authorization") {
        out.push("Authorization".to_string());
    }
    for p in route.op.params_in(Location::Header) {
        if headers.contains_key(p.name.as_str()) {
            out.push(p.name.clone());
        }
    }
    // compat reads Content-Type and Accept as protocol headers, so recording them whenever
    // sent is harmless, and the committed consumer file lists them for plain GETs too.
    if headers.contains_key("content-type") {
        out.push("Content-Type".to_string());
    }
    if headers.contains_key("accept") {
        out.push("Accept".to_string());
    }
    out
}

fn observation(
    route: &Route,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &Bytes,
    status: u16,
    response_content: Option<String>,
) -> Observation {
    let query = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split('=').next())
        .filter(|n| !n.is_empty() && route.op.parameter(Location::Query, n).is_some())
        .map(str::to_string)
        .collect();
    Observation {
        spec: route.spec.name.clone(),
        operation: route.op.id.clone(),
        method: route.op.method.clone(),
        path: route.op.path.clone(),
        headers: recorded_headers(route, headers),
        query,
        content: header(headers, "content-type").map(media_essence),
        body: serde_json::from_slice::<Value>(body).ok(),
        status,
        response_content,
        ..Observation::default()
    }
}

/// The concrete path with the tenant's segment as `{tenant}` (the form compat --live takes).
fn live_path(route: &Route, path: &str) -> String {
    let template: Vec<&str> = route.op.path.trim_matches('/').split('/').collect();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let segments: Vec<String> = template
        .iter()
        .zip(&parts)
        .map(|(t, p)| {
            let name = t.trim_start_matches('{').trim_end_matches('}');
            let is_tenant = t.starts_with('{')
                && route
                    .op
                    .parameter(Location::Path, name)
                    .is_some_and(|param| route.op.is_tenant_param(param));
            if is_tenant {
                "{tenant}".to_string()
            } else {
                (*p).to_string()
            }
        })
        .collect();
    format!("/{}", segments.join("/"))
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let limits = shared.limits;
    let body =
        match tokio::time::timeout(limits.timeout, axum::body::to_bytes(body, limits.max_body))
            .await
        {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => {
                return error_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "request body unreadable or over {} bytes: {e}",
                        limits.max_body
                    ),
                );
            }
            Err(_) => {
                return error_response(
                    StatusCode::REQUEST_TIMEOUT,
                    format!("request body not read within {:?}", limits.timeout),
                );
            }
        };
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let origin = header(&parts.headers, "origin").map(str::to_string);
    let requested_method =
        header(&parts.headers, "access-control-request-method").map(str::to_string);
    let preflight =
        parts.method == Method::OPTIONS && origin.is_some() && requested_method.is_some();
    let route = match &requested_method {
        Some(m) if preflight => shared.routes.find(m, &path).cloned(),
        _ => shared.routes.find(parts.method.as_str(), &path).cloned(),
    };
    let ex = Exchange {
        method: parts.method.to_string(),
        path: path.clone(),
        label: route.as_ref().map_or_else(|| "-".to_string(), Route::label),
    };
    let mut request_findings = Vec::new();
    match &route {
        None => {
            let known: Vec<String> = shared
                .routes
                .on_path(&path)
                .iter()
                .map(|r| r.op.method.to_uppercase())
                .collect();
            let method = requested_method.as_deref().unwrap_or(parts.method.as_str());
            shared.report(
                &ex,
                None,
                vec![Finding {
                    kind: Kind::Route,
                    pointer: "/paths".into(),
                    at: String::new(),
                    expected: if known.is_empty() {
                        "a documented path".to_string()
                    } else {
                        format!("one of the documented methods {}", known.join(", "))
                    },
                    preview: format!("{method} {path}"),
                }],
            );
        }
        Some(route) if !preflight => {
            request_findings = sb_rules::request(
                &route.spec,
                &route.op,
                query.as_deref(),
                &parts.headers,
                &body,
            );
        }
        Some(_) => {}
    }

    let url = format!(
        "{}{}{}",
        shared.upstream,
        path,
        query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default()
    );
    let upstream_started = Instant::now();
    let sent = shared
        .client
        .request(parts.method.clone(), &url)
        .headers(copy_headers(&parts.headers))
        .body(body.clone())
        .send();
    let response = match tokio::time::timeout(limits.timeout, sent).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return error_response(StatusCode::BAD_GATEWAY, format!("{url}: {e}")),
        Err(_) => {
            return error_response(
                StatusCode::GATEWAY_TIMEOUT,
                format!("{url}: no response head within {:?}", limits.timeout),
            );
        }
    };
    let upstream_head = upstream_started.elapsed();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let out_headers = copy_headers(&headers);
    let content_type = header(&headers, "content-type").map(str::to_string);

    // CORS, on every request a browser marks with its Origin.
    if let (Some(origin), Some(route)) = (&origin, &route) {
        let allowed = shared.origin_allowed(origin);
        let pointer = sb_rules::cors_pointer(&route.op);
        let requested = if preflight {
            Some((
                requested_method.as_deref().unwrap_or_default(),
                header(&parts.headers, "access-control-request-headers").unwrap_or_default(),
            ))
        } else {
            None
        };
        shared.report(
            &ex,
            Some(status),
            sb_rules::cors(&pointer, allowed, origin, &headers, requested),
        );
    }

    if preflight {
        // Counted apart by origin class, so preflight caching can be read for the allowed
        // origin alone.
        let from = match &origin {
            Some(o) if !shared.origin_allowed(o) => " (disallowed origin)",
            _ => "",
        };
        shared.count(format!(
            "preflight {} {}{from}",
            requested_method.as_deref().unwrap_or("?"),
            ex.label
        ));
        if let (Some(route), Some(origin)) = (&route, &origin) {
            let expects = [
                "Access-Control-Allow-Origin",
                "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers",
            ]
            .into_iter()
            .filter(|h| headers.contains_key(*h))
            .map(str::to_string)
            .collect();
            lock(&shared.recorder).preflight(CorsRec {
                spec: route.spec.name.clone(),
                path: route.op.path.clone(),
                live_path: live_path(route, &path),
                origin: origin.clone(),
                expects,
            });
        }
        return buffered(
            &shared,
            response,
            status,
            out_headers,
            started,
            upstream_head,
        )
        .await
        .0;
    }
    shared.count(ex.label.clone());
    let Some(route) = route else {
        return buffered(
            &shared,
            response,
            status,
            out_headers,
            started,
            upstream_head,
        )
        .await
        .0;
    };

    // The head is judged as it arrives, before any body is read (a stream's never is as a
    // whole), so a status finding previews no body.
    let (documented, head_findings) = sb_rules::response_head(&route.op, status, &headers, &[]);
    shared.report(&ex, Some(status), head_findings);
    if let (Some(documented), Some(origin)) = (documented, &origin)
        && shared.origin_allowed(origin)
    {
        shared.report(
            &ex,
            Some(status),
            sb_rules::expose_headers(documented, &headers),
        );
    }
    let media = content_type.as_deref().map(media_essence);
    let stream =
        route.op.stream.as_ref().filter(|_| {
            media.as_deref() == Some("text/event-stream") && (200..300).contains(&status)
        });
    let mut obs = observation(
        &route,
        &parts.headers,
        query.as_deref(),
        &body,
        status,
        media.clone(),
    );

    if let Some(contract) = stream {
        let contract = contract.clone();
        let response = stream_through(
            shared.clone(),
            ex,
            route,
            contract,
            response,
            status,
            out_headers,
            obs,
            request_findings,
        );
        lock(&shared.log)
            .stream_head_ms
            .push(ms(started.elapsed().saturating_sub(upstream_head)));
        return response;
    }

    let (response, bytes) = buffered(
        &shared,
        response,
        status,
        out_headers,
        started,
        upstream_head,
    )
    .await;
    if let (Some(documented), Some(ct), Some(bytes)) = (documented, content_type.as_deref(), &bytes)
    {
        let (value, findings) = sb_rules::response_body(&route.spec, documented, ct, bytes);
        shared.report(&ex, Some(status), findings);
        obs.response_body = value;
    }
    shared.settle_request(&ex, status, request_findings, (400..500).contains(&status));
    lock(&shared.recorder).observe(obs);
    response
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Reads a non-stream body (bounded) and answers with it; the bytes when read whole.
async fn buffered(
    shared: &Shared,
    response: reqwest::Response,
    status: u16,
    headers: HeaderMap,
    started: Instant,
    upstream_head: Duration,
) -> (Response, Option<Bytes>) {
    let limits = shared.limits;
    let body_started = Instant::now();
    let mut stream = response.bytes_stream();
    let mut body = Vec::new();
    let read = tokio::time::timeout(limits.timeout, async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            if body.len() + chunk.len() > limits.max_body {
                return Err(format!("response body over {} bytes", limits.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(())
    })
    .await;
    match read {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return (error_response(StatusCode::BAD_GATEWAY, e), None),
        Err(_) => {
            return (
                error_response(
                    StatusCode::GATEWAY_TIMEOUT,
                    format!("response body not read within {:?}", limits.timeout),
                ),
                None,
            );
        }
    }
    let upstream = upstream_head + body_started.elapsed();
    let bytes = Bytes::from(body);
    let mut response = Response::new(Body::from(bytes.clone()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    *response.headers_mut() = headers;
    lock(&shared.log)
        .overhead_ms
        .push(ms(started.elapsed().saturating_sub(upstream)));
    (response, Some(bytes))
}

/// Forwards a stream chunk by chunk while a tee feeds the validator, which checks each event
/// as it completes and the stream's rules at its end.
#[allow(clippy::too_many_arguments)]
fn stream_through(
    shared: Arc<Shared>,
    ex: Exchange,
    route: Route,
    contract: sb_spec::EventStream,
    response: reqwest::Response,
    status: u16,
    headers: HeaderMap,
    mut obs: Observation,
    request_findings: Vec<Finding>,
) -> Response {
    let sent_at = Instant::now();
    let idle = shared.limits.stream_idle;
    let (client_tx, client_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(64);
    let (tee_tx, tee_rx) = tokio::sync::mpsc::unbounded_channel::<Result<Bytes, String>>();
    let client_gone = Arc::new(AtomicBool::new(false));
    shared.in_flight.fetch_add(2, Ordering::SeqCst);

    // Forwarding: never waits on validation, only on the upstream (bounded by `idle`) and on
    // the client.
    let gone = client_gone.clone();
    let forwarding = shared.clone();
    tokio::spawn(async move {
        let mut upstream = response.bytes_stream();
        let mut teed = 0usize;
        loop {
            match tokio::time::timeout(idle, upstream.next()).await {
                Ok(Some(Ok(chunk))) => {
                    // Past the validator's cap the tee stops; forwarding goes on.
                    if teed <= sb_stream::MAX_STREAM_BYTES {
                        teed += chunk.len();
                        let _ = tee_tx.send(Ok(chunk.clone()));
                    }
                    if client_tx.send(Ok(chunk)).await.is_err() {
                        gone.store(true, Ordering::SeqCst);
                        break;
                    }
                }
                Ok(Some(Err(e))) => {
                    let _ = tee_tx.send(Err(e.to_string()));
                    let _ = client_tx.send(Err(std::io::Error::other(e))).await;
                    break;
                }
                Ok(None) => break,
                Err(_) => {
                    let message =
                        format!("upstream silent for {idle:?}; stream ended by the proxy");
                    let _ = tee_tx.send(Err(message.clone()));
                    let _ = client_tx.send(Err(std::io::Error::other(message))).await;
                    break;
                }
            }
        }
        forwarding.in_flight.fetch_sub(1, Ordering::SeqCst);
    });

    // Validation: the one SSE reader over the tee; each event is judged as it completes.
    tokio::spawn(async move {
        let tee = futures::stream::unfold(tee_rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        let reader = SseReader::from_stream(Box::pin(tee), sent_at);
        let seen: Mutex<(usize, Vec<(String, Value)>)> = Mutex::default();
        // Generous limits: the proxy judges the contract, not the budgets (`x-slo` belongs
        // to `cargo xtask perf`), but never reads without an end.
        let limits = SseLimits::new(idle, Duration::from_secs(600));
        let recording = reader
            .record(limits, |event| {
                let mut seen = lock(&seen);
                let index = seen.0;
                seen.0 += 1;
                let (typed, findings) = sb_rules::event(&route.spec, &contract, index, &event.data);
                shared.report(&ex, Some(status), findings);
                if let Some(typed) = typed {
                    seen.1.push(typed);
                }
                sb_stream::is_terminal(&contract, event)
            })
            .await;
        let events = std::mem::take(&mut lock(&seen).1);
        let error_event = contract.semantics.as_ref().and_then(|s| s.error.as_deref());
        let rejected =
            !events.is_empty() && events.iter().all(|(k, _)| Some(k.as_str()) == error_event);
        if client_gone.load(Ordering::SeqCst) {
            eprintln!(
                "proxy: {} {}: the client closed the stream after {} events (end rules not applied)",
                ex.method,
                ex.path,
                events.len()
            );
        } else {
            let judged = Judged::new(&contract, recording);
            let mut findings = sb_rules::stream_shape(&judged);
            findings.extend(sb_rules::stream_end(&judged));
            shared.report(&ex, Some(status), findings);
        }
        shared.settle_request(&ex, status, request_findings, rejected);
        obs.events = events;
        lock(&shared.recorder).observe(obs);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    });

    let body = futures::stream::unfold(client_rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    *response.headers_mut() = headers;
    // Ask intermediaries (and nginx-style dev servers) not to buffer the stream either.
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        http::HeaderValue::from_static("no"),
    );
    response
}
