//! The Server-Sent Events reader: parses the stream as EventSource does (CRLF, LF or CR line
//! ends, fragments, comments, `event:`/`id:`/`retry:`, multi-line `data:`), times each event
//! from the moment the request was sent, never waits past its deadlines (a stalled stream
//! ends instead of hanging) and never holds more than its size cap.

use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{Stream, StreamExt};

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
    /// The stream outgrew the size cap.
    TooLarge { bytes: usize },
}

impl StreamEnd {
    /// Why a read that ended this way is not a clean end, or `None` for a clean one (the
    /// server closed the stream, or the reader stopped at a terminal event).
    pub fn problem(&self, events: usize) -> Option<String> {
        Some(match self {
            StreamEnd::Closed | StreamEnd::Terminal => return None,
            StreamEnd::Stalled { after } => format!(
                "the stream stalled: no event within the idle limit after {:.1} s and {events} events",
                after.as_secs_f64()
            ),
            StreamEnd::Deadline { after } => format!(
                "the stream did not finish within its budget ({:.1} s, {events} events)",
                after.as_secs_f64()
            ),
            StreamEnd::Error(e) => format!("the stream broke after {events} events: {e}"),
            StreamEnd::TooLarge { bytes } => {
                format!("the stream exceeded the {bytes}-byte cap after {events} events")
            }
        })
    }
}

/// Limits for one read.
#[derive(Debug, Clone, Copy)]
pub struct SseLimits {
    /// Longest wait for the next event.
    pub idle: Duration,
    /// Longest total read, from the send time.
    pub total: Duration,
    /// Most bytes read from the stream in all; beyond it the read ends with
    /// [`StreamEnd::TooLarge`].
    pub max_bytes: usize,
}

/// The default cap on a stream's size: 16 MiB.
pub const MAX_STREAM_BYTES: usize = 16 << 20;

impl Default for SseLimits {
    fn default() -> Self {
        SseLimits {
            idle: Duration::from_secs(30),
            total: Duration::from_secs(120),
            max_bytes: MAX_STREAM_BYTES,
        }
    }
}

impl SseLimits {
    /// Limits for a stream whose whole read may take `total`, silent for at most `idle`.
    pub fn new(idle: Duration, total: Duration) -> SseLimits {
        SseLimits {
            idle: idle.min(total),
            total,
            max_bytes: MAX_STREAM_BYTES,
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
    /// Bytes read so far.
    read: usize,
    /// Whether the previous chunk ended in `\r` (a CRLF may be split across chunks).
    pending_cr: bool,
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
            read: 0,
            pending_cr: false,
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
                Ok(Some(Ok(bytes))) => {
                    self.read = self.read.saturating_add(bytes.len());
                    if self.read > limits.max_bytes {
                        return Err(StreamEnd::TooLarge {
                            bytes: limits.max_bytes,
                        });
                    }
                    self.buffer.extend_from_slice(&bytes);
                }
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
                            ..limits
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

    /// The next complete line of the buffer, without its end (`\r\n`, `\n` or `\r`).
    fn next_line(&mut self) -> Option<Vec<u8>> {
        if self.pending_cr && !self.buffer.is_empty() {
            if self.buffer[0] == b'\n' {
                // The `\n` of a CRLF whose `\r` ended the previous chunk.
                self.buffer.remove(0);
            }
            self.pending_cr = false;
        }
        let end = self.buffer.iter().position(|&b| b == b'\n' || b == b'\r')?;
        if self.buffer[end] == b'\r' && end + 1 == self.buffer.len() && !self.closed {
            // Maybe the first half of a CRLF: take the line, skip a `\n` that follows.
            self.pending_cr = true;
        }
        let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
        let ending = line.pop();
        if ending == Some(b'\r') && self.buffer.first() == Some(&b'\n') {
            self.buffer.remove(0);
        }
        Some(line)
    }

    fn parse_buffered(&mut self) -> Option<SseEvent> {
        while let Some(line) = self.next_line() {
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
