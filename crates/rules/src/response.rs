//! The response rules: a status that is documented and no server error, the documented
//! response's required headers and Content-Type, and a JSON body valid against its schema.

use http::HeaderMap;
use sb_spec::{Operation, Response, Spec, media_essence};
use serde_json::Value;

use crate::finding::{Finding, Kind, header, short, short_bytes};

/// The status: never a 5xx (a provider error is never a pass), and documented (exactly, by
/// its range, or by `default`). Returns the documenting response, if any. `body` (may be
/// empty) only feeds the preview: the error a server gave is the best clue to the cause.
pub fn status<'o>(
    op: &'o Operation,
    status: u16,
    body: &[u8],
) -> (Option<&'o Response>, Vec<Finding>) {
    let mut out = Vec::new();
    let responses = format!("{}/responses", op.pointer);
    let seen = if body.is_empty() {
        format!("status {status}")
    } else {
        format!("status {status}: {}", short_bytes(body))
    };
    if status >= 500 {
        out.push(Finding::new(
            Kind::Status,
            &responses,
            "no server error",
            &seen,
        ));
    }
    let documented = op.documents_status(status);
    if documented.is_none() {
        out.push(Finding::new(
            Kind::Status,
            &responses,
            format!(
                "a documented status ({})",
                op.responses
                    .iter()
                    .map(|r| r.status.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &seen,
        ));
    }
    (documented, out)
}

/// The response head: [`status`], then the documenting response's required headers and a
/// documented Content-Type. Returns the documenting response, if any.
pub fn response_head<'o>(
    op: &'o Operation,
    status_code: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> (Option<&'o Response>, Vec<Finding>) {
    let (documented, mut out) = status(op, status_code, body);
    let Some(documented) = documented else {
        return (None, out);
    };
    for h in documented.headers.iter().filter(|h| h.required) {
        if !headers.contains_key(h.name.as_str()) {
            out.push(Finding::new(
                Kind::Header,
                &h.pointer,
                format!("the required response header `{}`", h.name),
                "absent",
            ));
        }
    }
    if !documented.content.is_empty() {
        let names = documented
            .content
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let content = format!("{}/content", documented.pointer);
        match header(headers, "content-type") {
            None => out.push(Finding::new(
                Kind::Content,
                &content,
                format!("a Content-Type of {names}"),
                "none",
            )),
            Some(ct) if documented.media(ct).is_none() => out.push(Finding::new(
                Kind::Content,
                &content,
                format!("a Content-Type of {names}"),
                ct,
            )),
            Some(_) => {}
        }
    }
    (Some(documented), out)
}

/// A JSON body of a documented response against its media type's schema. Returns the body
/// as JSON when the media type is a documented JSON one and the body parses.
pub fn response_body(
    spec: &Spec,
    documented: &Response,
    content_type: &str,
    body: &[u8],
) -> (Option<Value>, Vec<Finding>) {
    let Some(media) = documented.media(content_type) else {
        return (None, Vec::new());
    };
    if !media_essence(content_type).contains("json") {
        return (None, Vec::new());
    }
    let parsed = match std::str::from_utf8(body) {
        Err(e) => Err(format!(
            "not valid UTF-8, so not JSON (invalid byte at offset {})",
            e.valid_up_to()
        )),
        Ok(text) => serde_json::from_str::<Value>(text).map_err(|e| format!("not JSON ({e})")),
    };
    match parsed {
        Ok(value) => {
            let findings = media
                .schema
                .as_ref()
                .map(|s| {
                    schema(
                        spec,
                        s,
                        &value,
                        Kind::Body,
                        &format!("{}/schema", media.pointer),
                    )
                })
                .unwrap_or_default();
            (Some(value), findings)
        }
        Err(problem) => (
            None,
            vec![Finding::new(
                Kind::Body,
                &media.pointer,
                "a JSON body",
                &format!("{problem}: {}", short_bytes(body)),
            )],
        ),
    }
}

/// Every violation of `schema` (found at `pointer` in the spec) by `value`, at most five,
/// each at its place in the instance with the offending value as the preview.
pub fn schema(
    spec: &Spec,
    schema: &Value,
    value: &Value,
    kind: Kind,
    pointer: &str,
) -> Vec<Finding> {
    match spec.violations(schema, value) {
        Ok(violations) => violations
            .into_iter()
            .take(5)
            .map(|v| {
                let seen = value
                    .pointer(&v.instance_path)
                    .map(Value::to_string)
                    .unwrap_or_default();
                // The validator's message starts with the whole value; the preview shows
                // it already, so the expectation keeps only the rule.
                let rule = v
                    .message
                    .strip_prefix(seen.as_str())
                    .map(|rest| format!("the value{rest}"))
                    .unwrap_or_else(|| v.message.clone());
                Finding {
                    kind,
                    pointer: pointer.to_string(),
                    at: if v.instance_path.is_empty() {
                        "/".to_string()
                    } else {
                        v.instance_path.clone()
                    },
                    expected: short(&format!("a value valid against the schema ({rule})")),
                    preview: short(&seen),
                }
            })
            .collect(),
        Err(e) => vec![Finding::new(
            kind,
            pointer,
            format!("a compilable schema ({e})"),
            "",
        )],
    }
}
