//! `sb_runtime::cause`: naming why an exchange failed.

use std::io;
use std::time::Duration;

use sb_runtime::cause::{Cause, Phase, chain};

#[derive(Debug, thiserror::Error)]
#[error("outer")]
struct Outer(#[source] io::Error);

#[test]
fn names_io_causes_through_wrappers() {
    let refused = Outer(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"));
    assert!(matches!(
        Cause::of(&refused, Phase::Headers, Duration::from_secs(5)),
        Cause::Refused(_)
    ));
    let eof = Outer(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
    let phase = Phase::Body {
        received: Some(3),
        expected: Some(10),
    };
    assert_eq!(
        Cause::of(&eof, phase, Duration::from_secs(5)).to_string(),
        "the body is shorter than its Content-Length: the connection ended after 3 of 10 bytes"
    );
    assert_eq!(chain(&refused), "outer: refused");
}
