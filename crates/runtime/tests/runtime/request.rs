//! `sb_runtime::request`: body caps, URL encoding and body previews.

use sb_runtime::request::{MAX_BODY_BYTES, encode_segment, preview};

#[test]
fn typed_clients_default_to_the_same_cap() {
    // Outside a typed check's limits, a bounded client caps bodies at its own default:
    // the documented `--max-body-bytes` default.
    assert_eq!(MAX_BODY_BYTES, sb_stream::body::DEFAULT_MAX_BODY_BYTES);
}

#[test]
fn encodes_reserved_characters() {
    assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    assert_eq!(encode_segment("logo-3f9a"), "logo-3f9a");
}

#[test]
fn preview_truncates() {
    let long = "x".repeat(300);
    assert_eq!(preview(long.as_bytes()).chars().count(), 201);
    // A cut through a multi-byte character, invalid bytes and control characters stay
    // one short, valid line.
    let mut mixed = "é".repeat(500).into_bytes();
    mixed.extend_from_slice(b"\xff\xfe\n");
    let shown = preview(&mixed);
    assert_eq!(shown.chars().count(), 201);
    assert_eq!(preview(b"a\xffb\nc"), "a\u{fffd}b c");
}
