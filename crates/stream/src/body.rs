//! A response body bounded in size and in time, read as it arrives and never buffered here:
//! the `exec` hook of every typed progenitor client ([`bounded_hooks!`](crate::bounded_hooks)),
//! because progenitor's `ResponseValue::from_response` reads a body whole with no limit.
//!
//! The limits come from the task: the runtime runs each typed check inside [`with_limits`]
//! (`--max-body-bytes`, `--timeout-secs`); outside one, a body is capped at
//! [`DEFAULT_MAX_BODY_BYTES`] with no time limit of its own.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use tokio::time::{Instant, Sleep};

/// The default cap on one response body: 16 MiB (`--max-body-bytes`).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

/// The limits of one response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// Most bytes the body may hold; the read fails once it has more.
    pub max_bytes: usize,
    /// Longest the exchange may take, from the request's send to the body's last byte;
    /// `None`: no time limit of its own (the HTTP client's, if any, still applies).
    pub total: Option<Duration>,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            max_bytes: DEFAULT_MAX_BODY_BYTES,
            total: None,
        }
    }
}

tokio::task_local! {
    static LIMITS: BodyLimits;
}

/// Runs `future` with every body that a bounded client reads in it held to `limits`.
pub async fn with_limits<F: Future>(limits: BodyLimits, future: F) -> F::Output {
    LIMITS.scope(limits, future).await
}

/// The limits in force: those of the enclosing [`with_limits`], else the default.
pub fn current_limits() -> BodyLimits {
    LIMITS.try_with(|limits| *limits).unwrap_or_default()
}

/// Why a bounded body stopped. It reaches the reader inside an [`io::Error`] (kind
/// `TimedOut` for a timeout, so `reqwest::Error::is_timeout` holds); [`limit_error`] finds
/// it in an error chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyLimitError {
    /// The body holds more than the cap (or its Content-Length announces more).
    #[error("response body exceeds the {max_bytes}-byte cap (--max-body-bytes)")]
    Oversize { max_bytes: usize },
    /// The body was still arriving at the deadline.
    #[error("timed out after {secs} s reading the body ({received} bytes received)")]
    Timeout { secs: u64, received: usize },
}

impl From<BodyLimitError> for io::Error {
    fn from(error: BodyLimitError) -> io::Error {
        let kind = match error {
            BodyLimitError::Oversize { .. } => io::ErrorKind::FileTooLarge,
            BodyLimitError::Timeout { .. } => io::ErrorKind::TimedOut,
        };
        io::Error::new(kind, error)
    }
}

/// The [`BodyLimitError`] in `error`'s source chain, if a bounded body stopped it.
pub fn limit_error<'e>(error: &'e (dyn StdError + 'static)) -> Option<&'e BodyLimitError> {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(limit) = e.downcast_ref::<BodyLimitError>() {
            return Some(limit);
        }
        // `io::Error::source` skips the error it wraps: look inside.
        if let Some(limit) = e
            .downcast_ref::<io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<BodyLimitError>())
        {
            return Some(limit);
        }
        source = e.source();
    }
    None
}

/// Sends `request` on `client` and returns the response with its body bounded by
/// [`current_limits`]: what a bounded progenitor client's `exec` does.
pub async fn execute(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let limits = current_limits();
    let sent = Instant::now();
    let response = client.execute(request).await?;
    Ok(bound(response, limits, sent))
}

/// `response` with its body held to `limits` (the time limit counted from `sent`): the
/// same status, version, headers and extensions, and a body that passes each chunk on as
/// it arrives and fails with a [`BodyLimitError`] at the cap or the deadline. The URL is
/// not kept (reqwest has no public way to set it).
pub fn bound(
    mut response: reqwest::Response,
    limits: BodyLimits,
    sent: Instant,
) -> reqwest::Response {
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let extensions = std::mem::take(response.extensions_mut());
    let announced = response.content_length();
    let body = Bounded {
        inner: Box::pin(response.bytes_stream()),
        received: 0,
        max_bytes: limits.max_bytes,
        announced,
        deadline: limits.total.map(|total| {
            (
                total.as_secs(),
                Box::pin(tokio::time::sleep_until(sent + total)),
            )
        }),
        done: false,
    };
    let mut rebuilt = http::Response::new(reqwest::Body::wrap_stream(body));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    *rebuilt.extensions_mut() = extensions;
    reqwest::Response::from(rebuilt)
}

type Inner = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// The bounded body: the original byte stream, counted and timed.
struct Bounded {
    inner: Inner,
    received: usize,
    max_bytes: usize,
    /// The Content-Length, which fails the body before a byte is read when above the cap.
    announced: Option<u64>,
    /// The limit in whole seconds (for the message) and its timer.
    deadline: Option<(u64, Pin<Box<Sleep>>)>,
    /// After an error or the end, the stream yields nothing more.
    done: bool,
}

type Item = Result<Bytes, Box<dyn StdError + Send + Sync>>;

impl Bounded {
    fn fail(&mut self, error: BodyLimitError) -> Poll<Option<Item>> {
        self.done = true;
        Poll::Ready(Some(Err(Box::new(io::Error::from(error)))))
    }
}

impl Stream for Bounded {
    type Item = Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let max_bytes = self.max_bytes;
        if self.announced.is_some_and(|n| n > max_bytes as u64) {
            return self.fail(BodyLimitError::Oversize { max_bytes });
        }
        // The deadline first: a body still arriving when it passes has failed, whichever
        // other timer (the HTTP client's own) would fire at the same moment.
        let expired = match &mut self.deadline {
            Some((secs, timer)) => timer.as_mut().poll(cx).is_ready().then_some(*secs),
            None => None,
        };
        if let Some(secs) = expired {
            let received = self.received;
            return self.fail(BodyLimitError::Timeout { secs, received });
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.received += chunk.len();
                if self.received > max_bytes {
                    return self.fail(BodyLimitError::Oversize { max_bytes });
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                self.done = true;
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Implements progenitor's `ClientHooks` for a generated `Client` so that every exchange
/// reads its body through [`execute`]: bounded by the task's [`BodyLimits`] (the runtime
/// sets them around each typed check), else capped at 16 MiB. It overrides the generated
/// `impl ClientHooks for &Client {}` by auto-ref specialization. Call it next to the
/// generated code, in a crate that depends on `progenitor-client` 0.15 and `reqwest` 0.13:
///
/// ```text
/// mod my_api {
///     include!(concat!(env!("OUT_DIR"), "/my_api.rs"));
///     sb_stream::bounded_hooks!(Client);
/// }
/// ```
#[macro_export]
macro_rules! bounded_hooks {
    ($client:ty) => {
        impl ::progenitor_client::ClientHooks<()> for $client {
            async fn exec(
                &self,
                request: ::reqwest::Request,
                _info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                $crate::body::execute(::progenitor_client::ClientInfo::client(self), request).await
            }
        }
    };
}
