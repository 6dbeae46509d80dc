//! What a broken rule reports ([`Finding`]) and its one message form.

use http::HeaderMap;
use serde::Serialize;

/// What part of an exchange a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// No operation of any spec has this method and path.
    Route,
    /// The request breaks the operation's parameters or body schema.
    Request,
    /// The status is a server error or not documented.
    Status,
    /// A required response header is missing.
    Header,
    /// The Content-Type is missing or not documented.
    Content,
    /// The JSON body breaks its schema.
    Body,
    /// A Server-Sent Event breaks the event union.
    Event,
    /// The stream as a whole breaks its `x-stream` rules.
    Stream,
    /// The CORS answer is not what a browser needs or lets through what it must not.
    Cors,
}

impl Kind {
    /// The kind's name, as in the proxy's JSONL log and in failure messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Route => "route",
            Kind::Request => "request",
            Kind::Status => "status",
            Kind::Header => "header",
            Kind::Content => "content",
            Kind::Body => "body",
            Kind::Event => "event",
            Kind::Stream => "stream",
            Kind::Cors => "cors",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// JSON pointer into the spec: the element that states the rule.
    pub pointer: String,
    /// JSON pointer into the instance (the body or event), empty when not about one.
    pub at: String,
    /// What the contract expects, in a sentence fragment.
    pub expected: String,
    /// A short preview of what was seen.
    pub preview: String,
}

impl Finding {
    /// A finding about no particular place in the instance.
    pub fn new(kind: Kind, pointer: &str, expected: impl Into<String>, seen: &str) -> Finding {
        Finding {
            kind,
            pointer: pointer.to_string(),
            at: String::new(),
            expected: expected.into(),
            preview: short(seen),
        }
    }

    /// The same finding at `at` in the instance.
    pub fn at(self, at: impl Into<String>) -> Finding {
        Finding {
            at: at.into(),
            ..self
        }
    }
}

/// The one message form, shared by the proxy's log line and a failing check:
/// `body: expected ..., got 11 at /brandScore (spec /paths/...)`.
impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: expected {}", self.kind.name(), self.expected)?;
        if !self.preview.is_empty() {
            write!(f, ", got {}", self.preview)?;
        }
        if !self.at.is_empty() {
            write!(f, " at {}", self.at)?;
        }
        write!(f, " (spec {})", self.pointer)
    }
}

/// The findings as one message, at most `max` of them (`a; b (and 3 more)`); `None` when
/// there are none. A failing check gives this as its reason.
pub fn message(findings: &[Finding], max: usize) -> Option<String> {
    if findings.is_empty() {
        return None;
    }
    let mut out = findings
        .iter()
        .take(max.max(1))
        .map(Finding::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if findings.len() > max.max(1) {
        out.push_str(&format!(" (and {} more)", findings.len() - max.max(1)));
    }
    Some(out)
}

/// At most 120 characters of `text`, on one line (only that much of `text` is read).
pub fn short(text: &str) -> String {
    const CHARS: usize = 120;
    let mut chars = text.chars();
    let mut out: String = chars
        .by_ref()
        .take(CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// The start of a body as text for a preview, decoding only what a preview can show.
pub(crate) fn short_bytes(body: &[u8]) -> String {
    let head = &body[..body.len().min(120 * 4)];
    let mut out = short(&String::from_utf8_lossy(head));
    if head.len() < body.len() && !out.ends_with('…') {
        out.push('…');
    }
    out
}

/// The header `name` as text, if present and visible ASCII.
pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_is_short_and_flat() {
        let long = "a\n".repeat(200);
        let s = short(&long);
        assert!(s.chars().count() <= 121 && !s.contains('\n'));
        assert_eq!(short("exactly"), "exactly");
    }

    #[test]
    fn one_message_form() {
        let f = Finding::new(Kind::Body, "/p/schema", "a string", "42").at("/name");
        assert_eq!(
            f.to_string(),
            "body: expected a string, got 42 at /name (spec /p/schema)"
        );
        let many = vec![f.clone(), f.clone(), f];
        assert!(message(&many, 2).unwrap().ends_with("(and 1 more)"));
        assert_eq!(message(&[], 3), None);
    }
}
