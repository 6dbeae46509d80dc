//! The request rules: required query and header parameters present, a documented
//! Content-Type, and a JSON body valid against its schema.

use http::HeaderMap;
use sb_spec::{Location, Operation, Spec, media_essence};
use serde_json::Value;

use crate::finding::{Finding, Kind, header, short_bytes};
use crate::response::schema;

/// The request to `op`: its query string (without `?`), headers and body.
pub fn request(
    spec: &Spec,
    op: &Operation,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let query_names: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|name| !name.is_empty())
        .collect();
    for param in op.parameters.iter().filter(|p| p.required) {
        let present = match param.location {
            Location::Query => query_names.contains(&param.name.as_str()),
            Location::Header => headers.contains_key(param.name.as_str()),
            _ => true,
        };
        if !present {
            out.push(Finding::new(
                Kind::Request,
                &param.pointer,
                format!(
                    "the required {} parameter `{}`",
                    param.location.as_str(),
                    param.name
                ),
                "absent",
            ));
        }
    }
    let Some(documented) = &op.request_body else {
        return out;
    };
    if body.is_empty() {
        if documented.required {
            out.push(Finding::new(
                Kind::Request,
                &documented.pointer,
                "a request body (required)",
                "no body",
            ));
        }
        return out;
    }
    let expected = format!("a Content-Type of {}", documented.media_types.join(", "));
    let Some(media) = header(headers, "content-type").map(media_essence) else {
        out.push(Finding::new(
            Kind::Request,
            &documented.pointer,
            expected,
            "none",
        ));
        return out;
    };
    if !documented
        .media_types
        .iter()
        .any(|m| media_essence(m) == media)
    {
        out.push(Finding::new(
            Kind::Request,
            &documented.pointer,
            expected,
            &media,
        ));
        return out;
    }
    if media.contains("json") && media_essence(&documented.media_type) == media {
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => out.extend(schema(
                spec,
                &documented.schema,
                &value,
                Kind::Request,
                &format!(
                    "{}/content/{}/schema",
                    documented.pointer,
                    sb_spec::escape_pointer(&documented.media_type)
                ),
            )),
            Err(e) => out.push(Finding::new(
                Kind::Request,
                &documented.pointer,
                "a JSON body",
                &format!("not JSON ({e}): {}", short_bytes(body)),
            )),
        }
    }
    out
}
