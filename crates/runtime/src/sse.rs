//! A Server-Sent Events reader with timing: parses `data:` lines as they arrive, times the
//! first chunk and the last event from the moment the request was sent, and never waits
//! past its deadlines (a stalled stream fails instead of hanging).

use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{Stream, StreamExt};

/// Event types that end a Site Builder stream.
pub const TERMINAL_TYPES: [&str; 2] = ["complete", "error"];

/// The `type` of an event whose data is a JSON object, if it has one.
pub fn event_type(data: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()?
        .get("type")?
        .as_str()
        .map(String::from)
}

/// Whether `event` is a terminal one (`complete` or `error`).
pub fn is_terminal(event: &SseEvent) -> bool {
    event_type(&event.data).is_some_and(|t| TERMINAL_TYPES.contains(&t.as_str()))
}

/// One event: its `event:` name (if any) and its `data:` lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
    /// When it was complete, measured from the request's send time.
    pub at: Duration,
}

/// Why reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEnd {
    /// The server closed the stream.
    Closed,
    /// The caller stopped at a terminal event.
    Terminal,
    /// No event arrived within the idle timeout.
    Stalled { after: Duration },
    /// The overall deadline passed.
    Deadline { after: Duration },
    /// The connection failed.
    Error(String),
}

/// Limits for one read.
#[derive(Debug, Clone, Copy)]
pub struct SseLimits {
    /// Longest wait for the next event.
    pub idle: Duration,
    /// Longest total read, from the send time.
    pub total: Duration,
}

impl Default for SseLimits {
    fn default() -> Self {
        SseLimits {
            idle: Duration::from_secs(30),
            total: Duration::from_secs(120),
        }
    }
}

/// A recorded stream.
#[derive(Debug, Clone)]
pub struct SseRecording {
    pub events: Vec<SseEvent>,
    pub end: StreamEnd,
    /// Lines that are neither fields, comments nor blank (protocol violations).
    pub stray_lines: Vec<String>,
}

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, String>> + Send>>;

/// Incremental parser over a byte stream.
pub struct SseReader {
    stream: ByteStream,
    started: Instant,
    buffer: Vec<u8>,
    data: Vec<String>,
    event: Option<String>,
    stray_lines: Vec<String>,
    closed: bool,
}

impl SseReader {
    /// Reads `response`'s body; `started` is when the request was sent.
    pub fn new(response: reqwest::Response, started: Instant) -> SseReader {
        let stream = response
            .bytes_stream()
            .map(|item| item.map_err(|e| e.to_string()));
        SseReader::from_stream(Box::pin(stream), started)
    }

    /// Reads any byte stream (progenitor's `ByteStream`, a test's fixture).
    pub fn from_stream(stream: ByteStream, started: Instant) -> SseReader {
        SseReader {
            stream,
            started,
            buffer: Vec::new(),
            data: Vec::new(),
            event: None,
            stray_lines: Vec::new(),
            closed: false,
        }
    }

    /// The next event, `Ok(None)` when the server closed the stream, or the reason reading
    /// stopped (stall, deadline, connection error).
    pub async fn next_event(&mut self, limits: SseLimits) -> Result<Option<SseEvent>, StreamEnd> {
        loop {
            if let Some(event) = self.parse_buffered() {
                return Ok(Some(event));
            }
            if self.closed {
                // Browsers drop an event the stream ends in the middle of (no blank line
                // after it), so it is a protocol violation, not an event.
                let rest = String::from_utf8_lossy(&std::mem::take(&mut self.buffer)).into_owned();
                let pending = std::mem::take(&mut self.data);
                if !rest.trim().is_empty() || !pending.is_empty() {
                    let text = pending.join("\n") + &rest;
                    self.stray_lines.push(format!(
                        "unterminated event at the end of the stream: {text}"
                    ));
                }
                return Ok(None);
            }
            let elapsed = self.started.elapsed();
            if elapsed >= limits.total {
                return Err(StreamEnd::Deadline { after: elapsed });
            }
            let wait = limits.idle.min(limits.total - elapsed);
            match tokio::time::timeout(wait, self.stream.next()).await {
                Err(_) => {
                    let after = self.started.elapsed();
                    return Err(if after >= limits.total {
                        StreamEnd::Deadline { after }
                    } else {
                        StreamEnd::Stalled { after }
                    });
                }
                Ok(None) => self.closed = true,
                Ok(Some(Err(e))) => return Err(StreamEnd::Error(e)),
                Ok(Some(Ok(bytes))) => self.buffer.extend_from_slice(&bytes),
            }
        }
    }

    /// Reads until the server closes, `is_terminal` says stop, or a limit is hit.
    pub async fn record(
        mut self,
        limits: SseLimits,
        is_terminal: impl Fn(&SseEvent) -> bool,
    ) -> SseRecording {
        let mut events = Vec::new();
        let end = loop {
            match self.next_event(limits).await {
                Ok(Some(event)) => {
                    let terminal = is_terminal(&event);
                    events.push(event);
                    if terminal {
                        // Keep reading briefly: anything after a terminal event is a violation.
                        let grace = SseLimits {
                            idle: Duration::from_millis(300),
                            total: limits.total,
                        };
                        while let Ok(Some(extra)) = self.next_event(grace).await {
                            events.push(extra);
                        }
                        break StreamEnd::Terminal;
                    }
                }
                Ok(None) => break StreamEnd::Closed,
                Err(end) => break end,
            }
        };
        SseRecording {
            events,
            end,
            stray_lines: self.stray_lines,
        }
    }

    fn parse_buffered(&mut self) -> Option<SseEvent> {
        while let Some(newline) = self.buffer.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.buffer.drain(..=newline).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if let Some(event) = self.flush() {
                    return Some(event);
                }
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((field, value)) => (
                    field.to_string(),
                    value.strip_prefix(' ').unwrap_or(value).to_string(),
                ),
                None => (line.clone(), String::new()),
            };
            match field.as_str() {
                "data" => self.data.push(value),
                "event" => self.event = Some(value),
                "id" | "retry" => {}
                _ => self.stray_lines.push(line),
            }
        }
        None
    }

    fn flush(&mut self) -> Option<SseEvent> {
        if self.data.is_empty() {
            self.event = None;
            return None;
        }
        let event = SseEvent {
            event: self.event.take(),
            data: std::mem::take(&mut self.data).join("\n"),
            at: self.started.elapsed(),
        };
        Some(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn terminal_events_are_found_by_their_parsed_type() {
        let event = |data: &str| SseEvent {
            event: None,
            data: data.into(),
            at: Duration::ZERO,
        };
        // Whitespace inside the JSON must not hide a terminal event.
        assert!(is_terminal(&event(
            r#"{ "type" : "complete", "generationId": "g" }"#
        )));
        assert!(is_terminal(&event(r#"{"type":"error"}"#)));
        assert!(!is_terminal(&event(
            r#"{"type":"chunk","content":"\"type\":\"complete\""}"#
        )));
        assert!(!is_terminal(&event("not json")));
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
        let limits = SseLimits {
            idle: Duration::from_millis(50),
            total: Duration::from_secs(5),
        };
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
}
