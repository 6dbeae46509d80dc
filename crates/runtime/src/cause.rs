//! Why an HTTP exchange failed, named from the whole error chain (reqwest wraps hyper wraps
//! io): a reset, garbage bytes, too many headers and a timeout all surface from reqwest as
//! "error sending request", so the chain is walked to tell them apart for the message.

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use sb_stream::body::BodyLimitError;

/// Which part of an exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connecting, sending the request, or waiting for the response head.
    Headers,
    /// Reading the body, `received` bytes in (when known), `expected` announced by
    /// Content-Length.
    Body {
        received: Option<usize>,
        expected: Option<u64>,
    },
}

/// The cause of a failed exchange, one per misbehaviour a deployment can show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Cause {
    #[error("connection refused ({0})")]
    Refused(String),
    #[error("cannot connect ({0})")]
    Connect(String),
    #[error("connection reset by the target ({0})")]
    Reset(String),
    #[error("the target closed the connection before sending a response")]
    Closed,
    #[error("timed out after {secs} s waiting for the response headers")]
    HeadersTimeout { secs: u64 },
    #[error("timed out after {secs} s reading the body{}", received_text(*.received))]
    BodyTimeout { secs: u64, received: Option<usize> },
    #[error("invalid HTTP in the response ({0})")]
    InvalidHttp(String),
    #[error("the response headers are too large (over 100 headers or 400 KiB)")]
    HeadersTooLarge,
    #[error(
        "the body is shorter than its Content-Length: the connection ended{}",
        short_text(*.received, *.expected)
    )]
    ShortBody {
        received: Option<usize>,
        expected: Option<u64>,
    },
    #[error("the body exceeds the {limit}-byte cap (SB_MAX_BODY_BYTES / --max-body-bytes)")]
    Oversize { limit: usize },
    /// The target's circuit breaker is open: an earlier check found it unreachable.
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    Other(String),
}

impl Cause {
    /// Whether the target could not be reached at all (no TCP connection).
    pub fn is_connect(&self) -> bool {
        matches!(self, Cause::Refused(_) | Cause::Connect(_))
    }

    /// Whether the target may be gone: no connection, or no response head in time. These
    /// are the failures the target's circuit breaker probes after ([`crate::Target::failed`]).
    pub fn may_be_down(&self) -> bool {
        self.is_connect() || matches!(self, Cause::HeadersTimeout { .. })
    }

    /// A timeout of the whole exchange, in the phase it happened.
    pub fn timeout(phase: Phase, limit: Duration) -> Cause {
        let secs = limit.as_secs();
        match phase {
            Phase::Headers => Cause::HeadersTimeout { secs },
            Phase::Body { received, .. } => Cause::BodyTimeout { secs, received },
        }
    }

    /// Names the cause of `error` (an exchange that failed in `phase` under the time limit
    /// `limit`) from its whole source chain.
    pub fn of(error: &(dyn StdError + 'static), phase: Phase, limit: Duration) -> Cause {
        // A typed client's bounded body (sb_stream::body) stopped the read: its own words.
        if let Some(limit) = sb_stream::body::limit_error(error) {
            return match *limit {
                BodyLimitError::Oversize { max_bytes } => Cause::Oversize { limit: max_bytes },
                BodyLimitError::Timeout { secs, received } => Cause::BodyTimeout {
                    secs,
                    received: Some(received),
                },
            };
        }
        let innermost = innermost(error);
        let mut is_connect = false;
        let mut is_timeout = false;
        let mut closed = false;
        let mut source: Option<&(dyn StdError + 'static)> = Some(error);
        while let Some(e) = source {
            if let Some(e) = e.downcast_ref::<reqwest::Error>() {
                is_connect |= e.is_connect();
                is_timeout |= e.is_timeout();
            }
            if let Some(e) = e.downcast_ref::<hyper::Error>() {
                // hyper names "message head is too large" only by its text on the client
                // (its `is_parse_too_large` is server-side); too many headers is this too.
                if e.is_parse() && e.to_string().contains("too large") {
                    return Cause::HeadersTooLarge;
                }
                if e.is_parse() || e.is_parse_status() {
                    return Cause::InvalidHttp(e.to_string());
                }
                is_timeout |= e.is_timeout();
                // The io error beneath, if any, says more (a reset).
                closed |= e.is_incomplete_message() && phase == Phase::Headers;
            }
            if let Some(e) = e.downcast_ref::<io::Error>() {
                match e.kind() {
                    io::ErrorKind::ConnectionRefused => return Cause::Refused(innermost),
                    io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe => return Cause::Reset(innermost),
                    io::ErrorKind::TimedOut => is_timeout = true,
                    io::ErrorKind::UnexpectedEof => {
                        if let Phase::Body { received, expected } = phase {
                            return Cause::ShortBody { received, expected };
                        }
                        return Cause::Closed;
                    }
                    _ => {}
                }
            }
            source = e.source();
        }
        if is_timeout {
            // A connect timeout is a connect failure; any other is the exchange's.
            return if is_connect {
                Cause::Connect(format!("timed out: {innermost}"))
            } else {
                Cause::timeout(phase, limit)
            };
        }
        if is_connect {
            return Cause::Connect(innermost);
        }
        if closed {
            return Cause::Closed;
        }
        if let Phase::Body {
            received: Some(received),
            expected: Some(expected),
        } = phase
            && (received as u64) < expected
        {
            return Cause::ShortBody {
                received: Some(received),
                expected: Some(expected),
            };
        }
        Cause::Other(chain(error))
    }
}

fn received_text(received: Option<usize>) -> String {
    received.map_or_else(String::new, |n| format!(" ({n} bytes received)"))
}

fn short_text(received: Option<usize>, expected: Option<u64>) -> String {
    match (received, expected) {
        (Some(received), Some(expected)) => format!(" after {received} of {expected} bytes"),
        (None, Some(expected)) => format!(" before all {expected} bytes"),
        _ => " early".into(),
    }
}

/// Every message of the chain, outermost first, without repeats: "error sending request
/// for url (...): client error (Connect): tcp connect error: Connection refused".
pub fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// The deepest message of the chain (the OS's or the parser's own words).
fn innermost(error: &(dyn StdError + 'static)) -> String {
    let mut last = error;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}
