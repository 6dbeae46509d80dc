//! Cross-origin access as the spec declares it with the `x-cors` extension: the browser
//! origins the API serves. The CORS checks send preflights from the first of them and from
//! near misses of it; without the extension they need `--allowed-origin` and say so.

use serde::Serialize;
use serde_json::Value;

use crate::{Spec, SpecError};

/// The `x-cors` extension at the top of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cors {
    /// JSON pointer of the extension (`/x-cors`).
    pub pointer: String,
    /// Origins a browser may call the API from, exactly as browsers send them
    /// (`https://kimmyai.io`); the first is the one the checks use.
    pub allowed_origins: Vec<String>,
}

impl Spec {
    /// The spec's `x-cors`, if it declares one.
    pub fn cors(&self) -> Result<Option<Cors>, SpecError> {
        let pointer = "/x-cors";
        let Some(x) = self.doc.get("x-cors") else {
            return Ok(None);
        };
        let fix = "give `allowedOrigins: [https://app.example]` (openapi/EXTENSIONS.md)";
        let x = x
            .as_object()
            .ok_or_else(|| self.invalid(pointer, format!("x-cors is not a mapping; {fix}")))?;
        if let Some(key) = x.keys().find(|k| k.as_str() != "allowedOrigins") {
            return Err(self.invalid(
                &format!("{pointer}/{}", crate::escape_pointer(key)),
                format!("x-cors key `{key}` is unknown; use allowedOrigins"),
            ));
        }
        let at = format!("{pointer}/allowedOrigins");
        let list = x
            .get("allowedOrigins")
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| {
                self.invalid(&at, format!("allowedOrigins is missing or empty; {fix}"))
            })?;
        let mut allowed_origins = Vec::with_capacity(list.len());
        for (i, origin) in list.iter().enumerate() {
            let origin = origin
                .as_str()
                .filter(|o| o.contains("://") && !o.ends_with('/') && !o.contains('*'))
                .ok_or_else(|| {
                    self.invalid(
                        &format!("{at}/{i}"),
                        format!(
                            "{origin} is not an origin; write scheme://host[:port] with no path or wildcard"
                        ),
                    )
                })?;
            allowed_origins.push(origin.to_string());
        }
        Ok(Some(Cors {
            pointer: pointer.to_string(),
            allowed_origins,
        }))
    }
}

/// The response headers a browser lets a page's script read without
/// Access-Control-Expose-Headers (the Fetch standard's CORS-safelisted response headers).
pub fn cors_safelisted(name: &str) -> bool {
    [
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ]
    .iter()
    .any(|h| h.eq_ignore_ascii_case(name))
}
