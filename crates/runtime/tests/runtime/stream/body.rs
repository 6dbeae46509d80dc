//! `sb_stream::body`: response bodies bounded in size and time, read through [`bound`] as a
//! bounded client reads them.

use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use sb_stream::body::{BodyLimits, bound, current_limits, limit_error, with_limits};

fn body(chunks: Vec<&'static [u8]>, pending_after: bool) -> reqwest::Body {
    let items = futures::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))),
    );
    if pending_after {
        reqwest::Body::wrap_stream(items.chain(futures::stream::pending()))
    } else {
        reqwest::Body::wrap_stream(items)
    }
}

fn response(body: reqwest::Body) -> reqwest::Response {
    reqwest::Response::from(http::Response::new(body))
}

/// `response`'s body as `bound` gives it, held to `max_bytes` and `total` (from now).
fn bounded(
    response: reqwest::Response,
    max_bytes: usize,
    total: Option<Duration>,
) -> impl Stream<Item = reqwest::Result<Bytes>> + Unpin {
    let limits = BodyLimits { max_bytes, total };
    bound(response, limits, tokio::time::Instant::now()).bytes_stream()
}

fn message(item: Option<reqwest::Result<Bytes>>) -> String {
    let error = item.expect("an item").expect_err("an error");
    let limit = limit_error(&error).expect("a limit error");
    limit.to_string()
}

#[tokio::test]
async fn passes_chunks_through_and_stops_at_the_cap() {
    let chunks = body(vec![b"abc", b"defg", b"hij"], false);
    let mut stream = bounded(response(chunks), 8, None);
    assert_eq!(stream.next().await.unwrap().unwrap(), "abc");
    assert_eq!(stream.next().await.unwrap().unwrap(), "defg");
    assert_eq!(
        message(stream.next().await),
        "response body exceeds the 8-byte cap (--max-body-bytes)"
    );
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn an_announced_oversize_fails_before_reading() {
    // A body of known length: its Content-Length is announced.
    let announced = response(reqwest::Body::from(Bytes::from_static(b"abc")));
    assert_eq!(announced.content_length(), Some(3));
    let mut stream = bounded(announced, 2, None);
    assert!(message(stream.next().await).contains("2-byte cap"));
}

#[tokio::test]
async fn a_stalled_body_fails_at_the_deadline() {
    let total = Duration::from_millis(50);
    let mut stream = bounded(response(body(vec![b"ab"], true)), 100, Some(total));
    assert_eq!(stream.next().await.unwrap().unwrap(), "ab");
    let started = std::time::Instant::now();
    assert_eq!(
        message(stream.next().await),
        "timed out after 0 s reading the body (2 bytes received)"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn limits_come_from_the_task() {
    assert_eq!(current_limits(), BodyLimits::default());
    let limits = BodyLimits {
        max_bytes: 7,
        total: Some(Duration::from_secs(3)),
    };
    assert_eq!(
        with_limits(limits, async { current_limits() }).await,
        limits
    );
}
