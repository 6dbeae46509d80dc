//! The live consumer check against a loopback stub that can serve the contract or break
//! it, plus the frontend's real consumer file against the embedded reference provider.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sb_diff::{Consumer, Finding, FindingKind, LiveTarget};
use serde_json::json;

const CONSUMER: &str = r#"
consumer: stub-client
uses:
  - name: read a thing
    spec: stub
    operation: getThing
    method: GET
    path: /things/{id}
    sends: {headers: [Authorization, X-Tenant-Id]}
    reads: {status: 200, body: {id: string, score: number, 'items[].url': string}}
    live: {path: /things/t1, capture: {thingId: body.id}}
  - name: stream a thing
    spec: stub
    operation: streamThing
    method: POST
    path: /things/{id}/stream
    sends: {headers: [Authorization, X-Tenant-Id, Accept], body: {prompt: string}}
    reads: {status: 200, content: text/event-stream, events: {done: {result: string}}}
    live: {path: '/things/{thingId}/stream', body: {prompt: hi}}
  - name: read a thing without a token
    spec: stub
    operation: getThing
    method: GET
    path: /things/{id}
    sends: {headers: [X-Tenant-Id]}
    reads: {status: 401, body: {code: string}}
    live: {path: /things/t1, auth: false}
cors:
  - {spec: stub, path: '/things/{id}', live_path: /things/t1, origin: 'https://kimmyai.io', expects: [Access-Control-Allow-Origin]}
"#;

#[derive(Clone, Default)]
struct Stub {
    broken: Arc<AtomicBool>,
    hang: Arc<AtomicBool>,
    streamed_id: Arc<std::sync::Mutex<Option<String>>>,
}

async fn get_thing(State(stub): State<Stub>, headers: HeaderMap) -> Response {
    if stub.hang.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    let authorised = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some("Bearer tok")
        && headers.get("x-tenant-id").and_then(|v| v.to_str().ok()) == Some("tenant");
    if !authorised {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"code": "UNAUTHORIZED"})),
        )
            .into_response();
    }
    let body = if stub.broken.load(Ordering::SeqCst) {
        json!({"id": "t1", "items": [{"url": 7}]})
    } else {
        json!({"id": "t1", "score": 9.5, "items": [{"url": "http://x/1"}]})
    };
    axum::Json(body).into_response()
}

async fn stream_thing(State(stub): State<Stub>, Path(id): Path<String>) -> Response {
    *stub.streamed_id.lock().unwrap() = Some(id);
    let mut body = String::from("data: {\"type\":\"progress\"}\n\n");
    if !stub.broken.load(Ordering::SeqCst) {
        body.push_str("data: {\"type\":\"done\",\"result\":\"ok\"}\n\n");
    }
    ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response()
}

async fn preflight(State(stub): State<Stub>) -> Response {
    if stub.broken.load(Ordering::SeqCst) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (
            StatusCode::NO_CONTENT,
            [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "https://kimmyai.io")],
        )
            .into_response()
    }
}

/// Serves the stub on 127.0.0.1:0; returns its base URL once it accepts connections.
async fn serve(stub: Stub) -> String {
    let app = Router::new()
        .route("/v1/things/{id}", get(get_thing).options(preflight))
        .route("/v1/things/{id}/stream", post(stream_thing))
        .with_state(stub);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/v1")
}

fn client() -> reqwest::Client {
    sb_stream::tls::client_builder()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn run(stub: &Stub, timeout: Duration) -> Vec<Finding> {
    let consumer = Consumer::parse(std::path::Path::new("stub.yaml"), CONSUMER).unwrap();
    let base_url = serve(stub.clone()).await;
    let http = client();
    let target = LiveTarget {
        http: &http,
        base_url: &base_url,
        token: "tok",
        tenant: "tenant",
        timeout,
    };
    sb_diff::check_live(&consumer, &target).await
}

#[tokio::test]
async fn a_provider_that_serves_the_contract_passes() {
    let stub = Stub::default();
    let findings = run(&stub, Duration::from_secs(10)).await;
    assert_eq!(findings, []);
    // The id captured from the first call was substituted into the second.
    assert_eq!(stub.streamed_id.lock().unwrap().as_deref(), Some("t1"));
}

#[tokio::test]
async fn a_provider_that_drops_fields_events_and_headers_fails() {
    let stub = Stub::default();
    stub.broken.store(true, Ordering::SeqCst);
    let findings = run(&stub, Duration::from_secs(10)).await;
    let items: Vec<(FindingKind, &str)> =
        findings.iter().map(|f| (f.kind, f.item.as_str())).collect();
    assert_eq!(
        items,
        [
            (FindingKind::Changed, "reads 200 body field `items[].url`"),
            (FindingKind::Missing, "reads 200 body field `score`"),
            (FindingKind::Missing, "reads event `done`"),
            (FindingKind::Missing, "header `Access-Control-Allow-Origin`"),
        ],
        "{findings:#?}"
    );
    assert!(
        findings[0]
            .pointer
            .starts_with("(live) GET http://127.0.0.1:")
    );
}

#[tokio::test]
async fn a_provider_that_hangs_is_reported_within_the_timeout() {
    let stub = Stub::default();
    stub.hang.store(true, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let findings = run(&stub, Duration::from_millis(300)).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let f = findings
        .iter()
        .find(|f| f.item == "live response")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(f.message.contains("within 300 ms"), "{f:?}");
    // The stream call depends on the capture the hung call never made.
    assert!(
        findings
            .iter()
            .any(|f| f.message.contains("`{thingId}` was not captured")),
        "{findings:#?}"
    );
}

/// A stream contract: `progress` and `done` events, `done` ends the stream.
const STREAM_SPEC: &str = r##"
openapi: 3.0.3
info: {title: Stream stub, version: '1'}
paths:
  /things/{id}/stream:
    post:
      operationId: streamThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: events
          content:
            text/event-stream:
              schema:
                oneOf:
                  - {$ref: '#/components/schemas/Progress'}
                  - {$ref: '#/components/schemas/Done'}
              x-stream: {terminal: [done], success: done}
components:
  schemas:
    Progress:
      type: object
      properties: {type: {type: string, enum: [progress]}, percent: {type: integer}}
    Done:
      type: object
      properties: {type: {type: string, enum: [done]}, result: {type: string}}
"##;

const STREAM_CONSUMER: &str = r#"
consumer: stream-client
uses:
  - name: stream a thing
    spec: stub
    operation: streamThing
    method: POST
    path: /things/{id}/stream
    sends: {headers: [Accept]}
    reads: {status: 200, content: text/event-stream, events: {progress: {percent: integer}, done: {result: string}}}
    live: {path: /things/t1/stream, auth: false, capture: {result: events.done.result}}
"#;

/// Everything EventSource accepts that a line-by-line reading of `data:` gets wrong: CRLF
/// line ends, comments, `id:`/`retry:`/`event:` fields, and an event whose JSON spans two
/// `data:` lines. With `complete` false the stream closes before its terminal event.
fn tricky_stream(complete: bool) -> String {
    let mut body = String::from(": keep-alive\r\nretry: 1000\r\nid: 1\r\n");
    body.push_str(
        "event: progress\r\ndata: {\"type\":\"progress\",\r\ndata:  \"percent\":50}\r\n\r\n",
    );
    if complete {
        body.push_str(
            ": almost\r\nid: 2\r\ndata: {\"type\":\"done\",\r\ndata: \"result\":\"ok\"}\r\n\r\n",
        );
    }
    body
}

/// Serves `tricky_stream(complete)` on 127.0.0.1:0; returns its base URL.
async fn serve_stream(complete: bool) -> String {
    let app = Router::new().route(
        "/v1/things/{id}/stream",
        post(move || async move {
            (
                [(header::CONTENT_TYPE, "text/event-stream")],
                tricky_stream(complete),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/v1")
}

async fn run_stream(complete: bool) -> Vec<Finding> {
    let consumer = Consumer::parse(std::path::Path::new("stream.yaml"), STREAM_CONSUMER).unwrap();
    let spec = sb_spec::Spec::from_str(std::path::Path::new("stub-api.yaml"), STREAM_SPEC).unwrap();
    let specs = std::collections::BTreeMap::from([("stub".to_string(), spec)]);
    let base_url = serve_stream(complete).await;
    let http = client();
    let target = LiveTarget {
        http: &http,
        base_url: &base_url,
        token: "tok",
        tenant: "tenant",
        timeout: Duration::from_secs(10),
    };
    sb_diff::check_live_against(&consumer, &target, &specs).await
}

#[tokio::test]
async fn crlf_comments_ids_and_multi_line_data_are_read_as_eventsource_does() {
    assert_eq!(run_stream(true).await, []);
    // The same stream judged without the spec: no terminal event is expected, and the
    // events are still read whole.
    let consumer = Consumer::parse(std::path::Path::new("stream.yaml"), STREAM_CONSUMER).unwrap();
    let base_url = serve_stream(true).await;
    let http = client();
    let target = LiveTarget {
        http: &http,
        base_url: &base_url,
        token: "tok",
        tenant: "tenant",
        timeout: Duration::from_secs(10),
    };
    assert_eq!(sb_diff::check_live(&consumer, &target).await, []);
}

#[tokio::test]
async fn a_stream_that_closes_before_its_terminal_event_is_reported() {
    let findings = run_stream(false).await;
    let items: Vec<(FindingKind, &str)> =
        findings.iter().map(|f| (f.kind, f.item.as_str())).collect();
    assert_eq!(
        items,
        [
            (FindingKind::Missing, "event stream"),
            (FindingKind::Missing, "reads event `done`"),
            (FindingKind::Missing, "capture `result`"),
        ],
        "{findings:#?}"
    );
    assert!(
        findings[0]
            .message
            .contains("closed after 1 events without a terminal event (done)"),
        "{findings:#?}"
    );
}
