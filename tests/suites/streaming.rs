//! The streaming suite (seed worker 2) against the shared target.

use sb_suites::streaming;

use crate::green;

#[tokio::test]
async fn sse_format() {
    green(streaming::sse_format).await;
}

#[tokio::test]
async fn progress_events() {
    green(streaming::progress_events).await;
}

#[tokio::test]
async fn chunk_delivery() {
    green(streaming::chunk_delivery).await;
}

#[tokio::test]
async fn complete_event() {
    green(streaming::complete_event).await;
}

#[tokio::test]
async fn error_event() {
    green(streaming::error_event).await;
}

#[tokio::test]
async fn time_to_first_token() {
    green(streaming::time_to_first_token).await;
}

#[tokio::test]
async fn time_to_last_token() {
    green(streaming::time_to_last_token).await;
}
