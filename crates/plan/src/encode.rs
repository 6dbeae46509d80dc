//! Request bodies on the wire, by media type ([`sb_spec::BodyEncoding`]): JSON as it is,
//! form-urlencoded and multipart bodies built from the object the schema describes, raw
//! bodies as the example's text. The runtime sends what this returns.

use sb_spec::{BodyEncoding, RequestBody, Spec};
use serde_json::Value;

/// The boundary of generated multipart bodies (fixed: the bodies are deterministic).
pub const BOUNDARY: &str = "sb-runtime-4f1c9a7e";

/// `(Content-Type, bytes)` of `value` sent as `body`; `Err` says why it cannot be sent
/// (a form or multipart body whose value is not an object, a media type with no encoding).
pub fn encode(spec: &Spec, body: &RequestBody, value: &Value) -> Result<(String, Vec<u8>), String> {
    match body.encoding() {
        BodyEncoding::Json => Ok((
            body.json_content_type().to_string(),
            serde_json::to_vec(value).map_err(|e| e.to_string())?,
        )),
        BodyEncoding::Form => {
            let pairs = fields(value, &body.media_type)?
                .into_iter()
                .map(|(name, text)| format!("{}={}", form_escape(&name), form_escape(&text)))
                .collect::<Vec<_>>();
            Ok((body.media_type.clone(), pairs.join("&").into_bytes()))
        }
        BodyEncoding::Multipart => {
            let (binary, fields) = match value {
                Value::Object(_) => (
                    binary_fields(spec, &body.schema),
                    fields(value, &body.media_type)?,
                ),
                // A body that is one file (`type: string, format: binary`): one part.
                other => (
                    vec!["file".to_string()],
                    vec![("file".to_string(), text(other))],
                ),
            };
            let mut out = String::new();
            for (name, text) in fields {
                let name = name.replace(['"', '\r', '\n'], "_");
                out.push_str(&format!("--{BOUNDARY}\r\n"));
                if binary.contains(&name) {
                    out.push_str(&format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    ));
                } else {
                    out.push_str(&format!(
                        "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                    ));
                }
                out.push_str(&text);
                out.push_str("\r\n");
            }
            out.push_str(&format!("--{BOUNDARY}--\r\n"));
            let essence = sb_spec::media_essence(&body.media_type);
            Ok((format!("{essence}; boundary={BOUNDARY}"), out.into_bytes()))
        }
        BodyEncoding::Raw => Ok((body.media_type.clone(), text(value).into_bytes())),
        BodyEncoding::Other => Err(format!(
            "request media type `{}` is neither JSON, form, multipart nor text; no body can be made from its schema",
            body.media_type
        )),
    }
}

/// The `(name, text)` fields of an object value: arrays repeat their name, nested objects
/// go as JSON text.
fn fields(value: &Value, media_type: &str) -> Result<Vec<(String, String)>, String> {
    let Value::Object(object) = value else {
        return Err(format!(
            "a `{media_type}` body needs an object, the example is {value}"
        ));
    };
    let mut out = Vec::new();
    for (name, item) in object {
        match item {
            Value::Array(items) => out.extend(items.iter().map(|i| (name.clone(), text(i)))),
            Value::Null => {}
            other => out.push((name.clone(), text(other))),
        }
    }
    Ok(out)
}

/// A value as text: strings as they are, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The properties of a multipart body's schema that are files (`format: binary`).
fn binary_fields(spec: &Spec, schema: &Value) -> Vec<String> {
    let Ok(node) = sb_spec::resolve::deref(spec, schema, "") else {
        return Vec::new();
    };
    let Ok(view) = sb_spec::resolve::object_view(spec, &node) else {
        return Vec::new();
    };
    view.properties
        .iter()
        .filter(|(_, p)| {
            spec.resolve(p.schema, &p.pointer)
                .is_ok_and(|s| s.get("format").and_then(Value::as_str) == Some("binary"))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// `application/x-www-form-urlencoded` escaping (space as `+`).
fn form_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"-._*".contains(&b) => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
