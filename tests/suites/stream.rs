//! One generation's stream as the suites read it (`sb_suites::stream`): each event decoded
//! into the spec's generated types, and recordings judged by the rules, without a server.

use std::time::{Duration, Instant};

use sb_spec::EventStream;
use sb_stream::{SseEvent, SseRecording, StreamEnd};
use sb_suites::contract;
use sb_suites::stream::{Recorded, decode, page_request};
use sitebuilder_contract::generation::types as gt;

fn stream() -> &'static EventStream {
    &contract::page().expect("generatePage loads").stream
}

#[test]
fn decodes_each_documented_type_and_names_the_rest() {
    let stream = stream();
    let progress = decode(
        stream,
        r#"{"type":"progress","progress":0,"stage":"queued","message":""}"#,
    );
    assert!(matches!(
        progress,
        Ok(gt::GenerationEvent::ProgressEvent(_))
    ));
    let chunk = decode(stream, r#"{"type":"chunk","content":"<html>"}"#);
    assert!(matches!(chunk, Ok(gt::GenerationEvent::ChunkEvent(_))));
    let error = decode(stream, r#"{"type":"error","code":"X","message":"y"}"#);
    assert!(matches!(error, Ok(gt::GenerationEvent::ErrorEvent(_))));
    let unknown = decode(stream, r#"{"type":"thinking"}"#).unwrap_err();
    assert!(
        unknown.contains("type `thinking` is not one of chunk, complete, error, progress"),
        "{unknown}"
    );
    let broken = decode(stream, r#"{"type":"chunk","content":"#).unwrap_err();
    assert!(broken.contains("not JSON"), "{broken}");
    let missing = decode(
        stream,
        r#"{"type":"complete","siteId":"s","versionId":"v","brandScore":1}"#,
    )
    .unwrap_err();
    assert!(missing.contains("generationId"), "{missing}");
}

#[test]
fn the_typed_request_refuses_an_empty_prompt() {
    // Why the error-event check sends its body raw.
    assert!(page_request("").is_err());
    assert!(page_request("Create a landing page").is_ok());
}

fn recorded(events: &[(u64, &str)], end: StreamEnd) -> Recorded {
    let page = contract::page().expect("generatePage loads");
    let recording = SseRecording {
        events: events
            .iter()
            .map(|(ms, data)| SseEvent {
                event: None,
                data: (*data).to_string(),
                at: Duration::from_millis(*ms),
            })
            .collect(),
        end,
        stray_lines: Vec::new(),
    };
    Recorded::new(
        page,
        200,
        Some("text/event-stream".into()),
        Instant::now(),
        Vec::new(),
        recording,
    )
}

#[test]
fn a_recording_is_judged_by_the_rules_and_the_generated_types() {
    let ok = recorded(
        &[
            (
                5,
                r#"{"type":"progress","progress":0,"stage":"queued","message":""}"#,
            ),
            (150, r#"{"type":"chunk","content":"<html>"}"#),
            (160, r#"{"type":"chunk","content":"</html>"}"#),
            (
                900,
                r#"{"type":"complete","generationId":"g","siteId":"g","versionId":"v1","brandScore":8.5}"#,
            ),
        ],
        StreamEnd::Terminal,
    );
    ok.is_event_stream().expect("200 text/event-stream");
    ok.all_typed().expect("every event decodes");
    assert_eq!(ok.html(), "<html></html>");
    assert_eq!(ok.expect_complete().map(|c| c.brand_score).ok(), Some(8.5));
    assert_eq!(ok.ttft(), Some(Duration::from_millis(150)));
    assert_eq!(ok.ttlt(), Some(Duration::from_millis(900)));

    let unfinished = recorded(
        &[(150, r#"{"type":"chunk","content":"<html>"}"#)],
        StreamEnd::Closed,
    );
    let reason = unfinished.expect_complete().unwrap_err().reason;
    assert!(reason.contains("without a terminal event"), "{reason}");
    assert_eq!(unfinished.ttlt(), None);

    let missing = recorded(
        &[
            (150, r#"{"type":"chunk","content":"<html>"}"#),
            (
                900,
                r#"{"type":"complete","siteId":"g","versionId":"v1","brandScore":8.5}"#,
            ),
        ],
        StreamEnd::Terminal,
    );
    let reason = missing.expect_complete().unwrap_err().reason;
    assert!(
        reason.starts_with("the success event does not decode as a `complete` event")
            && reason.contains("generationId"),
        "{reason}"
    );
}
