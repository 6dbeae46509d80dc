//! Each rule of `sb-rules` on a small spec (`spec.yaml`): what it finds, at which spec and
//! instance pointer, in the one message form the proxy logs and the checks fail with.

use std::path::Path;
use std::time::Duration;

use http::HeaderMap;
use sb_rules::{Finding, Kind};
use sb_spec::{Operation, Spec};
use sb_stream::{Judged, SseEvent, SseRecording, StreamEnd};

fn spec() -> Spec {
    Spec::from_str(Path::new("spec.yaml"), include_str!("spec.yaml")).expect("the fixture loads")
}

fn op(spec: &Spec, id: &str) -> Operation {
    spec.operation(id).expect("the operation exists")
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, value.parse().expect("a header value"));
    }
    map
}

fn kinds(findings: &[Finding]) -> Vec<Kind> {
    findings.iter().map(|f| f.kind).collect()
}

#[test]
fn a_server_error_and_an_undocumented_status_are_status_findings() {
    let spec = spec();
    let op = op(&spec, "getItem");
    let (documented, findings) = sb_rules::status(&op, 503, b"upstream down");
    assert!(documented.is_none());
    assert_eq!(kinds(&findings), [Kind::Status, Kind::Status]);
    assert_eq!(
        findings[0].to_string(),
        "status: expected no server error, got status 503: upstream down (spec /paths/~1items~1{itemId}/get/responses)"
    );
    assert!(findings[1].expected.contains("200, 4XX"), "{}", findings[1]);
    // A range documents the statuses in it.
    let (documented, findings) = sb_rules::status(&op, 404, b"");
    assert_eq!(documented.map(|r| r.status.as_str()), Some("4XX"));
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn the_head_needs_its_required_headers_and_a_documented_content_type() {
    let spec = spec();
    let op = op(&spec, "getItem");
    let (_, findings) =
        sb_rules::response_head(&op, 200, &headers(&[("content-type", "text/plain")]), b"");
    assert_eq!(kinds(&findings), [Kind::Header, Kind::Content]);
    assert_eq!(
        findings[0].pointer,
        "/paths/~1items~1{itemId}/get/responses/200/headers/X-Request-Id"
    );
    assert_eq!(findings[1].preview, "text/plain");
    let ok = headers(&[
        ("content-type", "application/json; charset=utf-8"),
        ("x-request-id", "r1"),
    ]);
    assert!(sb_rules::response_head(&op, 200, &ok, b"").1.is_empty());
}

#[test]
fn a_body_is_judged_at_the_broken_field_with_the_schema_pointer() {
    let spec = spec();
    let op = op(&spec, "getItem");
    let documented = op.documents_status(200).expect("200");
    let (value, findings) = sb_rules::response_body(
        &spec,
        documented,
        "application/json",
        br#"{"id":"i1","name":7}"#,
    );
    assert!(value.is_some());
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(
        (f.kind, f.at.as_str(), f.preview.as_str()),
        (Kind::Body, "/name", "7")
    );
    assert_eq!(
        f.pointer,
        "/paths/~1items~1{itemId}/get/responses/200/content/application~1json/schema"
    );
    // Not JSON, and not even UTF-8: named as such.
    let (_, findings) =
        sb_rules::response_body(&spec, documented, "application/json", b"{\"id\":\"\xff\"}");
    assert!(
        findings[0].preview.contains("not valid UTF-8"),
        "{}",
        findings[0]
    );
    // A media type that is not JSON is not parsed.
    assert!(
        sb_rules::response_body(&spec, documented, "text/plain", b"x")
            .1
            .is_empty()
    );
}

#[test]
fn a_request_needs_its_required_parameters_and_a_valid_body() {
    let spec = spec();
    let get = op(&spec, "getItem");
    let findings = sb_rules::request(&spec, &get, None, &HeaderMap::new(), b"");
    assert_eq!(kinds(&findings), [Kind::Request]);
    assert!(
        findings[0].expected.contains("`X-Tenant-Id`"),
        "{}",
        findings[0]
    );
    let post = op(&spec, "streamItem");
    let json = headers(&[("content-type", "application/json")]);
    let findings = sb_rules::request(&spec, &post, None, &json, br#"{"prompt":""}"#);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].at, "/prompt");
    assert!(
        findings[0]
            .pointer
            .ends_with("/requestBody/content/application~1json/schema")
    );
    assert_eq!(sb_rules::request(&spec, &post, None, &json, b"").len(), 1);
}

#[test]
fn an_event_names_its_undocumented_type_or_its_own_schema() {
    let spec = spec();
    let op = op(&spec, "streamItem");
    let stream = op.stream.as_ref().expect("a stream");
    let (_, findings) = sb_rules::event(&spec, stream, 2, r#"{"type":"thinking"}"#);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].preview, "type `thinking`");
    assert_eq!(findings[0].at, "event 2 /type");
    // A known type is held to its own schema, which names the field.
    let (typed, findings) =
        sb_rules::event(&spec, stream, 0, r#"{"type":"progress","progress":101}"#);
    assert_eq!(typed.map(|t| t.0).as_deref(), Some("progress"));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].at, "event 0 /progress");
    assert_eq!(
        findings[0].pointer,
        stream.events["progress"].schema_pointer
    );
    let (_, findings) = sb_rules::event(&spec, stream, 1, "{not json");
    assert!(
        findings[0].preview.starts_with("not JSON"),
        "{}",
        findings[0]
    );
    assert!(
        sb_rules::event(&spec, stream, 0, r#"{"type":"chunk","content":"<p>"}"#)
            .1
            .is_empty()
    );
}

fn recording(events: &[&str], end: StreamEnd, stray: &[&str]) -> SseRecording {
    SseRecording {
        events: events
            .iter()
            .enumerate()
            .map(|(i, data)| SseEvent {
                event: None,
                data: (*data).to_string(),
                at: Duration::from_millis(10 * i as u64),
            })
            .collect(),
        end,
        stray_lines: stray.iter().map(|s| (*s).to_string()).collect(),
    }
}

#[test]
fn a_stream_is_judged_by_its_shape_and_its_x_stream_rules() {
    let spec = spec();
    let op = op(&spec, "streamItem");
    let stream = op.stream.as_ref().expect("a stream");
    let good = [
        r#"{"type":"progress","progress":0}"#,
        r#"{"type":"chunk","content":"a"}"#,
        r#"{"type":"progress","progress":50}"#,
        r#"{"type":"complete","id":"i1"}"#,
    ];
    let judged = Judged::new(stream, recording(&good, StreamEnd::Terminal, &[]));
    assert!(sb_rules::format(&spec, &judged).is_empty());
    assert!(sb_rules::stream_end(&judged).is_empty());

    let decreasing = [
        good[0],
        good[2],
        r#"{"type":"progress","progress":10}"#,
        good[1],
        good[3],
    ];
    let judged = Judged::new(stream, recording(&decreasing, StreamEnd::Terminal, &[]));
    let findings = sb_rules::stream_end(&judged);
    assert_eq!(kinds(&findings), [Kind::Stream]);
    assert!(
        findings[0].pointer.ends_with("/x-stream/progress"),
        "{}",
        findings[0]
    );
    assert!(
        findings[0].preview.contains("decreased from 50 to 10"),
        "{}",
        findings[0]
    );

    let unterminated = Judged::new(
        stream,
        recording(&good[..2], StreamEnd::Closed, &["garbage"]),
    );
    let shape = sb_rules::stream_shape(&unterminated);
    assert_eq!(shape[0].preview, "the line `garbage`");
    let end = sb_rules::stream_end(&unterminated);
    assert!(
        end[0].preview.contains("without a terminal event"),
        "{}",
        end[0]
    );
}

#[test]
fn cors_answers_and_exposed_headers() {
    let spec = spec();
    let op = op(&spec, "getItem");
    assert_eq!(sb_rules::cors_pointer(&op), "/x-cors");
    let origin = "https://app.example.com";
    let answer = headers(&[("access-control-allow-origin", "https://app.example.com")]);
    let findings = sb_rules::cors("/x-cors", true, origin, &answer, None);
    assert!(
        findings[0].expected.contains("Vary: Origin"),
        "{}",
        findings[0]
    );
    let documented = op.documents_status(200).expect("200");
    let findings = sb_rules::expose_headers(documented, &answer);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].expected.contains("`X-Request-Id`"));
    let exposed = headers(&[("access-control-expose-headers", "*")]);
    assert!(sb_rules::expose_headers(documented, &exposed).is_empty());
}
