//! `sb_stream::reader`: the Server-Sent Events reader.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use sb_stream::reader::{SseLimits, SseReader, StreamEnd};

fn reader(chunks: Vec<&'static str>) -> SseReader {
    let stream = futures::stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from(c))));
    SseReader::from_stream(Box::pin(stream), Instant::now())
}

#[tokio::test]
async fn parses_events_split_across_chunks() {
    let recording = reader(vec![
        "data: {\"type\":\"pro",
        "gress\"}\n\n: comment\nevent: x\ndata: a\ndata: b\r\n\r\n",
        "data: last",
    ])
    .record(SseLimits::default(), |_| false)
    .await;
    let data: Vec<_> = recording.events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["{\"type\":\"progress\"}", "a\nb"]);
    assert_eq!(recording.events[1].event.as_deref(), Some("x"));
    assert_eq!(recording.end, StreamEnd::Closed);
    // EventSource drops an event the stream ends in the middle of: so does the reader,
    // and it reports it.
    assert_eq!(
        recording.stray_lines,
        ["unterminated event at the end of the stream: data: last"]
    );
}

#[tokio::test]
async fn reports_stray_lines() {
    let recording = reader(vec!["garbage line\ndata: 1\n\n"])
        .record(SseLimits::default(), |_| false)
        .await;
    assert_eq!(recording.stray_lines, ["garbage line"]);
}

#[tokio::test]
async fn a_stalled_stream_ends_within_the_idle_limit() {
    let stream = futures::stream::iter(vec![Ok(Bytes::from("data: 1\n\n"))])
        .chain(futures::stream::pending());
    let limits = SseLimits::new(Duration::from_millis(50), Duration::from_secs(5));
    let recording = SseReader::from_stream(Box::pin(stream), Instant::now())
        .record(limits, |_| false)
        .await;
    assert_eq!(recording.events.len(), 1);
    assert!(
        matches!(recording.end, StreamEnd::Stalled { .. }),
        "{:?}",
        recording.end
    );
}

#[tokio::test]
async fn stops_at_terminal_event_but_sees_what_follows() {
    let recording = reader(vec!["data: end\n\ndata: after\n\n"])
        .record(SseLimits::default(), |e| e.data == "end")
        .await;
    assert_eq!(recording.events.len(), 2);
    assert_eq!(recording.end, StreamEnd::Terminal);
}

#[tokio::test]
async fn crlf_split_across_chunks_and_lone_cr_line_ends() {
    let recording = reader(vec![
        "data: a\r",
        "\n\r",
        "\ndata: b\r\rid: 7\nretry: 10\n: hi\n\n",
    ])
    .record(SseLimits::default(), |_| false)
    .await;
    let data: Vec<_> = recording.events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["a", "b"]);
    assert!(
        recording.stray_lines.is_empty(),
        "{:?}",
        recording.stray_lines
    );
}

#[tokio::test]
async fn a_stream_beyond_the_size_cap_ends() {
    let limits = SseLimits {
        max_bytes: 16,
        ..SseLimits::default()
    };
    let recording = reader(vec!["data: 0123456789\n\n", "data: 0123456789\n\n"])
        .record(limits, |_| false)
        .await;
    assert_eq!(recording.events.len(), 0);
    assert_eq!(recording.end, StreamEnd::TooLarge { bytes: 16 });
}
