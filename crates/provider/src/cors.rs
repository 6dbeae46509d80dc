//! CORS: origin patterns, preflight answers and the headers of actual responses.

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, VARY,
};
use http::{HeaderMap, HeaderValue};

use crate::fault::{Fault, Faults};

/// Methods a browser may use.
pub const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
/// Request headers a browser may send.
pub const ALLOW_HEADERS: &str = "Authorization, Content-Type, X-Tenant-Id, Accept";
/// How long a browser may cache a preflight, in seconds.
pub const MAX_AGE: &str = "600";

/// Whether `origin` matches one pattern: exact, `*`, `scheme://*.domain` (one or more
/// subdomain labels) or `scheme://host:*` (any port).
pub fn matches(pattern: &str, origin: &str) -> bool {
    if pattern == "*" || pattern.eq_ignore_ascii_case(origin) {
        return true;
    }
    let origin = origin.to_ascii_lowercase();
    let pattern = pattern.to_ascii_lowercase();
    if let Some((scheme, rest)) = pattern.split_once("://*.") {
        let Some(host) = origin.strip_prefix(&format!("{scheme}://")) else {
            return false;
        };
        let Some(sub) = host.strip_suffix(&format!(".{rest}")) else {
            return false;
        };
        return !sub.is_empty()
            && sub.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
    }
    if let Some(prefix) = pattern.strip_suffix(":*") {
        let Some(port) = origin.strip_prefix(&format!("{prefix}:")) else {
            return false;
        };
        return !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
    }
    false
}

/// Whether any pattern allows `origin`.
pub fn allowed(patterns: &[String], origin: &str) -> bool {
    patterns.iter().any(|p| matches(p, origin))
}

fn set(headers: &mut HeaderMap, name: http::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// The origin to answer with: `Some("*")`, `Some(origin)` or `None` (not allowed).
fn answer_origin(patterns: &[String], origin: &str, faults: &Faults) -> Option<String> {
    if faults.contains(&Fault::CorsAllowAnyOrigin)
        || faults.contains(&Fault::CorsWildcardWithCredentials)
    {
        return Some("*".to_owned());
    }
    if faults.contains(&Fault::CorsSuffixMatch) {
        // The classic mistake: `*.kimmyai.io` checked with ends_with("kimmyai.io").
        let suffix_match = patterns.iter().any(|p| {
            p.split_once("://*.")
                .is_some_and(|(_, domain)| origin.to_ascii_lowercase().ends_with(domain))
        });
        if suffix_match {
            return Some(origin.to_owned());
        }
    }
    allowed(patterns, origin).then(|| origin.to_owned())
}

fn common(headers: &mut HeaderMap, acao: Option<&str>, faults: &Faults) {
    if !faults.contains(&Fault::CorsNoVary) {
        headers.append(VARY, HeaderValue::from_static("Origin"));
    }
    if let Some(acao) = acao {
        set(headers, ACCESS_CONTROL_ALLOW_ORIGIN, acao);
        if faults.contains(&Fault::CorsWildcardWithCredentials) {
            headers.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
}

/// Adds the preflight headers for `origin` to `headers`.
pub fn preflight(headers: &mut HeaderMap, patterns: &[String], origin: &str, faults: &Faults) {
    let acao = answer_origin(patterns, origin, faults);
    common(headers, acao.as_deref(), faults);
    if acao.is_none() {
        return;
    }
    set(headers, ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS);
    let allow_headers = if faults.contains(&Fault::CorsMissingHeader) {
        "Authorization, Content-Type, Accept"
    } else {
        ALLOW_HEADERS
    };
    set(headers, ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
    if !faults.contains(&Fault::CorsNoMaxAge) {
        set(headers, ACCESS_CONTROL_MAX_AGE, MAX_AGE);
    }
}

/// Adds the headers of an actual (non-preflight) response to a request from `origin`.
pub fn actual(headers: &mut HeaderMap, patterns: &[String], origin: &str, faults: &Faults) {
    let acao = answer_origin(patterns, origin, faults)
        .filter(|_| !faults.contains(&Fault::CorsNoAcaoOnActual));
    common(headers, acao.as_deref(), faults);
    if acao.is_some() {
        // Every response header the specs document, so a page's script can read them
        // (X-Generation-Id is read while the stream runs).
        let exposed = if faults.contains(&Fault::CorsNoExposeHeaders) {
            "X-Request-Id"
        } else {
            "X-Request-Id, X-Generation-Id"
        };
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(exposed),
        );
    }
}
