//! The other half of the proof: checks that do not go red on a correct server that merely
//! differs. A proxy in front of the reference provider changes what HTTP, JSON and
//! Server-Sent Events let a correct server change, all at once:
//!
//! - response header names in Title-Case, `Connection: close` (a new connection per request);
//! - `; charset=utf-8` on JSON and event-stream Content-Types;
//! - JSON object keys in reverse order and an extra field in every object (the specs allow
//!   additional properties);
//! - preflights answered 200 instead of 204;
//! - event streams with CRLF line ends, comment lines, `id:`, `retry:` and `event:` fields,
//!   each event's JSON pretty-printed over several `data:` lines, written a few bytes at a
//!   time as separate chunks.
//!
//! Every functional check of every operation must stay green through it. gzip is not among
//! the variations: the runtime does not send `Accept-Encoding`, so a correct server does
//! not compress its answers.

use std::net::SocketAddr;
use std::time::Duration;

use futures::StreamExt;
use sb_provider::{Config, Pacing};
use sb_runtime::{Check, Family, Launched, Op, SpecSource, Target, TargetOptions, Verdict};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{AGENTS, GENERATION, VALIDATION};

/// Largest request head and body the proxy reads (the runtime's requests are small).
const MAX_REQUEST_BYTES: usize = 1 << 20;
/// Largest plain response body the proxy rewrites.
const MAX_RESPONSE_BYTES: usize = 16 << 20;
/// The field added to every JSON object.
const EXTRA_FIELD: &str = "quirkExtra";

/// A running proxy: its base URL (same path prefix as the upstream's).
struct Quirky {
    base_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Quirky {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the proxy on an ephemeral loopback port in front of `upstream`
/// (`http://127.0.0.1:PORT/v1`), forwarding with `client`.
async fn quirky(upstream: &str, client: reqwest::Client) -> Quirky {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    let url = reqwest::Url::parse(upstream).expect("the upstream URL parses");
    let origin = format!(
        "http://{}:{}",
        url.host_str().expect("a host"),
        url.port().expect("a port")
    );
    let base_url = format!(
        "http://127.0.0.1:{port}{}",
        url.path().trim_end_matches('/')
    );
    let task = tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let (client, origin) = (client.clone(), origin.clone());
            tokio::spawn(async move {
                if let Err(e) = serve(conn, &client, &origin).await {
                    eprintln!("quirk proxy: {e}");
                }
            });
        }
    });
    Quirky { base_url, task }
}

/// One request on one connection, then close (`Connection: close`).
async fn serve(mut conn: TcpStream, client: &reqwest::Client, origin: &str) -> Result<(), String> {
    // Small writes go out at once (Nagle's algorithm would hold each fragment for an ACK).
    conn.set_nodelay(true).map_err(|e| e.to_string())?;
    let (method, target, headers, body) = read_request(&mut conn).await?;
    let mut request = client.request(
        reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?,
        format!("{origin}{target}"),
    );
    for (name, value) in &headers {
        if !matches!(
            name.to_ascii_lowercase().as_str(),
            "host" | "connection" | "content-length" | "transfer-encoding" | "keep-alive"
        ) {
            request = request.header(name.as_str(), value.as_slice());
        }
    }
    let response = request
        .body(body)
        .send()
        .await
        .map_err(|e| format!("upstream: {e}"))?;

    let mut status = response.status().as_u16();
    if method == "OPTIONS" && status == 204 {
        status = 200;
    }
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    let mut content_type = String::new();
    for (name, value) in response.headers() {
        let name = name.as_str();
        if matches!(
            name,
            "content-length" | "transfer-encoding" | "connection" | "keep-alive"
        ) {
            continue;
        }
        let mut value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == "content-type" {
            if !value.to_ascii_lowercase().contains("charset") {
                value.push_str("; charset=utf-8");
            }
            content_type = value.to_ascii_lowercase();
        }
        head.push_str(&format!("{}: {value}\r\n", title_case(name)));
    }
    head.push_str("Connection: close\r\n");

    if content_type.starts_with("text/event-stream") {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
        write(&mut conn, head.as_bytes()).await?;
        let mut upstream = response.bytes_stream();
        let mut pending = String::new();
        let mut next_id = 1u64;
        while let Some(bytes) = upstream.next().await {
            let bytes = bytes.map_err(|e| format!("upstream stream: {e}"))?;
            pending.push_str(&String::from_utf8_lossy(&bytes));
            while let Some(end) = pending.find("\n\n") {
                let block: String = pending.drain(..end + 2).collect();
                let out = rewrite_event(&block, next_id);
                // The first events a few bytes at a time, the rest in three pieces each
                // (enough to split lines, and cheap).
                if next_id <= 3 {
                    write_fragmented(&mut conn, out.as_bytes()).await?;
                } else {
                    write_thirds(&mut conn, out.as_bytes()).await?;
                }
                next_id += 1;
            }
        }
        if !pending.is_empty() {
            write_fragmented(&mut conn, pending.as_bytes()).await?;
        }
        write(&mut conn, b"0\r\n\r\n").await?;
    } else {
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("upstream body: {e}"))?;
        if body.len() > MAX_RESPONSE_BYTES {
            return Err(format!("upstream body of {} bytes", body.len()));
        }
        let body = match serde_json::from_slice::<Value>(&body) {
            Ok(value) if content_type.contains("json") => rewrite_json(&value).into_bytes(),
            _ => body.to_vec(),
        };
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        write(&mut conn, head.as_bytes()).await?;
        write(&mut conn, &body).await?;
    }
    conn.shutdown().await.map_err(|e| e.to_string())
}

type Request = (String, String, Vec<(String, Vec<u8>)>, Vec<u8>);

/// Reads one request: head, then a body of its Content-Length.
async fn read_request(conn: &mut (impl AsyncRead + Unpin)) -> Result<Request, String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_len = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > MAX_REQUEST_BYTES {
            return Err("request head too large".into());
        }
        let n = conn.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before a request".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut parsed_headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut parsed_headers);
    request
        .parse(&buf[..head_len])
        .map_err(|e| format!("bad request head: {e}"))?;
    let method = request.method.unwrap_or("GET").to_string();
    let target = request.path.unwrap_or("/").to_string();
    let headers: Vec<(String, Vec<u8>)> = request
        .headers
        .iter()
        .map(|h| (h.name.to_string(), h.value.to_vec()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_REQUEST_BYTES {
        return Err(format!("request body of {length} bytes"));
    }
    let mut body = buf[head_len..].to_vec();
    while body.len() < length {
        let n = conn.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed inside the request body".into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok((method, target, headers, body))
}

async fn write(conn: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    conn.write_all(bytes).await.map_err(|e| e.to_string())?;
    conn.flush().await.map_err(|e| e.to_string())
}

/// Writes `bytes` as three chunks, each flushed on its own.
async fn write_thirds(conn: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    let third = bytes.len() / 3;
    for piece in [
        &bytes[..third],
        &bytes[third..2 * third],
        &bytes[2 * third..],
    ] {
        if !piece.is_empty() {
            let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
            chunk.extend_from_slice(piece);
            chunk.extend_from_slice(b"\r\n");
            write(conn, &chunk).await?;
        }
    }
    Ok(())
}

/// Writes `bytes` as chunks of 1 to 7 bytes, each flushed on its own, so a reader meets
/// lines and CRLF pairs split across reads.
async fn write_fragmented(conn: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    let mut at = 0;
    let mut size = 1;
    while at < bytes.len() {
        let end = (at + size).min(bytes.len());
        let piece = &bytes[at..end];
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(piece);
        chunk.extend_from_slice(b"\r\n");
        write(conn, &chunk).await?;
        at = end;
        size = size % 7 + 1;
    }
    Ok(())
}

/// One upstream event block (`data: JSON\n\n`) as a correct server may also send it: a
/// comment, an id, a retry, an `event:` named after its type, its JSON pretty-printed over
/// several `data:` lines with reversed keys and an extra field, CRLF line ends.
fn rewrite_event(block: &str, id: u64) -> String {
    let data: Vec<&str> = block
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|d| d.strip_prefix(' ').unwrap_or(d))
        .collect();
    let Ok(value) = serde_json::from_str::<Value>(&data.join("\n")) else {
        return block.replace('\n', "\r\n");
    };
    let mut out = format!(": event {id} follows\r\nid: {id}\r\n");
    if id == 1 {
        out.push_str("retry: 3000\r\n");
    }
    if let Some(kind) = value.get("type").and_then(Value::as_str) {
        out.push_str(&format!("event: {kind}\r\n"));
    }
    let mut multi_line = String::new();
    write_json(&value, &mut multi_line, true);
    for line in multi_line.lines() {
        out.push_str(&format!("data: {line}\r\n"));
    }
    out.push_str("\r\n");
    out
}

/// `value` as JSON with every object's keys in reverse order, an extra field first.
fn rewrite_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out, false);
    out
}

/// Writes `value` with reversed keys and the extra field; `lines` breaks the text after
/// each `{`, `[` and `,` (places where JSON allows whitespace), for multi-line `data:`.
fn write_json(value: &Value, out: &mut String, lines: bool) {
    let newline = if lines { "\n" } else { "" };
    match value {
        Value::Object(map) => {
            out.push('{');
            out.push_str(newline);
            out.push_str(&format!("\"{EXTRA_FIELD}\":\"a field the schema allows\""));
            for (key, item) in map.iter().rev() {
                out.push(',');
                out.push_str(newline);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_json(item, out, lines);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            out.push_str(newline);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    out.push_str(newline);
                }
                write_json(item, out, lines);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `x-request-id` as `X-Request-Id`.
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown")
}

/// A target whose requests go through the quirk proxy to a healthy provider.
async fn through_quirks() -> (Target, Quirky) {
    let config = Config {
        pacing: Pacing::instant(),
        deployment_step: Duration::from_millis(20),
        ..Config::default()
    };
    let launched = sb_suites::harness::launch(config)
        .await
        .expect("a provider");
    let options = TargetOptions {
        sse_idle_secs: 5,
        ..TargetOptions::default()
    };
    // The proxy forwards with the runtime's own streaming client (no redirects, no
    // decompression, a connect timeout), taken from a target on the provider itself.
    let direct = Target::launched(
        Launched {
            base_url: launched.base_url.clone(),
            jwt_secret: launched.jwt_secret.clone(),
            guard: Box::new(()),
        },
        options.clone(),
    )
    .expect("a target");
    let proxy = quirky(
        &launched.base_url,
        direct.streaming_http().expect("a client"),
    )
    .await;
    let through = Launched {
        base_url: proxy.base_url.clone(),
        jwt_secret: launched.jwt_secret,
        guard: launched.guard,
    };
    let target = Target::launched(through, options).expect("a target");
    (target, proxy)
}

/// The operation ids of a spec.
fn operations(source: SpecSource) -> Vec<&'static str> {
    let spec = sb_spec::Spec::from_str(std::path::Path::new(source.file), source.text)
        .expect("the spec parses");
    spec.operations()
        .expect("the operations parse")
        .into_iter()
        .map(|op| &*Box::leak(op.id.into_boxed_str()))
        .collect()
}

/// Every functional check of every operation is green, or skipped where it does not apply,
/// through every variation at once. The time budgets (`sse_budget` and the `verify --perf`
/// family) are left out: through a proxy they would measure the proxy too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_functional_check_stays_green_through_legitimate_variations() {
    let (target, _proxy) = through_quirks().await;
    let target = &target;
    let runs: Vec<(Op, Check)> = [GENERATION, AGENTS, VALIDATION]
        .into_iter()
        .flat_map(|spec| operations(spec).into_iter().map(move |id| Op { spec, id }))
        .flat_map(|op| {
            Check::ALL
                .iter()
                .filter(|&&c| c.family() != Family::Performance && c != Check::SseBudget)
                .map(move |&check| (op, check))
        })
        .collect();
    // A few at a time, as the test harness runs the generated checks.
    let verdicts: Vec<_> = futures::stream::iter(runs)
        .map(
            |(op, check)| async move { (op, check, sb_runtime::evaluate(target, op, check).await) },
        )
        .buffer_unordered(8)
        .collect()
        .await;
    let mut red = Vec::new();
    let mut green = 0;
    for (op, check, verdict) in verdicts {
        match verdict {
            Verdict::Fail { reason } => red.push(format!("{} {}: {reason}", op.id, check.name())),
            Verdict::Pass { .. } => green += 1,
            Verdict::Skip { .. } => {}
        }
    }
    assert!(
        red.is_empty(),
        "{} checks went red on a correct server that differs only in legitimate ways:\n{}",
        red.len(),
        red.join("\n")
    );
    assert!(
        green > 150,
        "only {green} checks ran green: the proxy did not carry the traffic"
    );
}

/// The proxy really applies each variation (otherwise the test above proves nothing).
#[tokio::test]
async fn the_proxy_applies_every_variation() {
    let (target, proxy) = through_quirks().await;
    let token = sb_suites::harness::token(&target).expect("a token");
    let tenant = TargetOptions::default().tenant;
    let url = reqwest::Url::parse(&proxy.base_url).expect("proxy URL");
    let addr = format!("127.0.0.1:{}", url.port().expect("a port"));
    let raw = |request: String| {
        let addr = addr.clone();
        async move {
            let mut conn = TcpStream::connect(&addr).await.expect("connect");
            conn.write_all(request.as_bytes()).await.expect("send");
            let mut out = Vec::new();
            tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut out))
                .await
                .expect("the proxy closes the connection")
                .expect("read");
            out
        }
    };
    let prefix = url.path().trim_end_matches('/').to_string();

    let json = String::from_utf8_lossy(&raw(format!(
        "GET {prefix}/sites/{tenant}/templates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nX-Tenant-Id: {tenant}\r\n\r\n"
    ))
    .await)
    .into_owned();
    for expected in [
        "Content-Type: application/json; charset=utf-8\r\n",
        "X-Request-Id: ",
        "Connection: close\r\n",
        &format!("{{\"{EXTRA_FIELD}\":"),
    ] {
        assert!(json.contains(expected), "no `{expected}` in:\n{json}");
    }

    let preflight = String::from_utf8_lossy(&raw(format!(
        "OPTIONS {prefix}/sites/{tenant}/templates HTTP/1.1\r\nHost: x\r\nOrigin: https://kimmyai.io\r\nAccess-Control-Request-Method: GET\r\n\r\n"
    ))
    .await)
    .into_owned();
    assert!(preflight.starts_with("HTTP/1.1 200 "), "{preflight}");

    let body = r#"{"prompt":"A landing page for a bakery","templateId":"ecommerce-sale"}"#;
    let raw_stream = raw(format!(
        "POST {prefix}/sites/{tenant}/generation HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nX-Tenant-Id: {tenant}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ))
    .await;
    let stream = String::from_utf8_lossy(&raw_stream);
    for expected in [
        "Content-Type: text/event-stream; charset=utf-8\r\n",
        "Transfer-Encoding: chunked\r\n",
        "\r\n1\r\n:\r\n",
    ] {
        assert!(
            stream.contains(expected),
            "no {expected:?} in the raw stream"
        );
    }
    let dechunked = dechunk(&raw_stream);
    for expected in [
        "\r\nid: 1\r\n",
        "retry: 3000\r\n",
        "event: progress\r\n",
        &format!("data: {{\r\ndata: \"{EXTRA_FIELD}\""),
        "\r\n\r\n",
    ] {
        assert!(
            dechunked.contains(expected),
            "no {expected:?} in the stream:\n{dechunked}"
        );
    }
}

/// The body of a chunked response.
fn dechunk(response: &[u8]) -> String {
    let Some(start) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return String::new();
    };
    let mut rest = &response[start + 4..];
    let mut out = Vec::new();
    while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
        let Some(size) = std::str::from_utf8(&rest[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
        else {
            break;
        };
        let data = &rest[eol + 2..];
        if size == 0 || data.len() < size + 2 {
            break;
        }
        out.extend_from_slice(&data[..size]);
        rest = &data[size + 2..];
    }
    String::from_utf8_lossy(&out).into_owned()
}
