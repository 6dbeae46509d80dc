//! The CORS rules: what an allowed origin must get (its own origin or `*` without
//! credentials, `Vary: Origin` when reflected, a preflight's methods, headers and max age,
//! the documented headers exposed) and what a disallowed one must not (any
//! `Access-Control-Allow-Origin`).

use http::HeaderMap;
use sb_spec::{Operation, Response, cors_safelisted};

use crate::finding::{Finding, Kind, header};

/// Whether `origin` matches one of `patterns`: exact, or `scheme://host:*` (any port), the
/// forms `x-cors` and `--allowed-origin` take.
pub fn origin_allowed(patterns: &[String], origin: &str) -> bool {
    patterns.iter().any(|p| {
        p.eq_ignore_ascii_case(origin)
            || p.strip_suffix(":*").is_some_and(|prefix| {
                origin
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .is_some_and(|port| {
                        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                    })
            })
    })
}

/// Where the spec states the CORS rules for `op`: its `x-cors`, else the operation.
pub fn cors_pointer(op: &Operation) -> String {
    op.cors
        .as_ref()
        .map_or_else(|| op.pointer.clone(), |c| c.pointer.clone())
}

fn lists(value: Option<&str>, wanted: &str) -> bool {
    value.is_some_and(|v| {
        v.split(',')
            .any(|item| item.trim() == "*" || item.trim().eq_ignore_ascii_case(wanted))
    })
}

/// Methods a browser never needs listed in `Access-Control-Allow-Methods` (the Fetch
/// standard's CORS-safelisted methods; confirmed in Chromium by the browser test).
pub const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// The CORS answer to a request from `origin` (`pointer`: the spec's `x-cors`): an allowed
/// origin gets itself (or `*` without credentials) and `Vary: Origin` when reflected; a
/// disallowed one gets no `Access-Control-Allow-Origin`. A preflight (`requested` = the
/// method and the `Access-Control-Request-Headers` asked for) must also allow them and say
/// how long it may be cached.
pub fn cors(
    pointer: &str,
    allowed: bool,
    origin: &str,
    headers: &HeaderMap,
    requested: Option<(&str, &str)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let acao = header(headers, "access-control-allow-origin");
    let what = if requested.is_some() {
        "preflight"
    } else {
        "response"
    };
    if !allowed {
        if let Some(acao) = acao {
            out.push(Finding::new(
                Kind::Cors,
                pointer,
                format!(
                    "no Access-Control-Allow-Origin on a {what} to the disallowed origin {origin}"
                ),
                acao,
            ));
        }
        return out;
    }
    let Some(acao) = acao else {
        out.push(Finding::new(
            Kind::Cors,
            pointer,
            format!("Access-Control-Allow-Origin on a {what} to the allowed origin {origin}"),
            "absent",
        ));
        return out;
    };
    if acao == "*" {
        if header(headers, "access-control-allow-credentials") == Some("true") {
            out.push(Finding::new(
                Kind::Cors,
                pointer,
                "no `*` together with Access-Control-Allow-Credentials: true",
                "*",
            ));
        }
    } else if acao != origin {
        out.push(Finding::new(
            Kind::Cors,
            pointer,
            format!("Access-Control-Allow-Origin `{origin}`"),
            acao,
        ));
    } else {
        let vary = headers
            .get_all("vary")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case("origin") || v.trim() == "*");
        if !vary {
            out.push(Finding::new(
                Kind::Cors,
                pointer,
                "`Vary: Origin` with a reflected origin (caches would mix origins)",
                header(headers, "vary").unwrap_or("absent"),
            ));
        }
    }
    if let Some((method, requested_headers)) = requested {
        let methods = header(headers, "access-control-allow-methods");
        let method = method.to_ascii_uppercase();
        if !SAFELISTED_METHODS.contains(&method.as_str()) && !lists(methods, &method) {
            out.push(Finding::new(
                Kind::Cors,
                pointer,
                format!("Access-Control-Allow-Methods listing {method}"),
                methods.unwrap_or("absent"),
            ));
        }
        let allow = header(headers, "access-control-allow-headers");
        for wanted in requested_headers
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            if !lists(allow, wanted) {
                out.push(Finding::new(
                    Kind::Cors,
                    pointer,
                    format!("Access-Control-Allow-Headers listing `{wanted}`"),
                    allow.unwrap_or("absent"),
                ));
            }
        }
        let max_age = header(headers, "access-control-max-age");
        if max_age.is_none_or(|v| v.trim().parse::<u64>().is_err()) {
            out.push(Finding::new(
                Kind::Cors,
                pointer,
                "Access-Control-Max-Age in seconds (else browsers preflight every call)",
                max_age.unwrap_or("absent"),
            ));
        }
    }
    out
}

/// An actual response to an allowed origin exposes every header `documented` (the response
/// for its status) declares, other than the CORS-safelisted ones, in
/// `Access-Control-Expose-Headers`: without it a browser hides the header from the page,
/// although it is on the wire. `*` exposes all, except on a credentialed response.
pub fn expose_headers(documented: &Response, headers: &HeaderMap) -> Vec<Finding> {
    let exposed = header(headers, "access-control-expose-headers");
    let credentialed = header(headers, "access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    documented
        .headers
        .iter()
        .filter(|h| !cors_safelisted(&h.name))
        .filter(|h| {
            !exposed.is_some_and(|list| {
                list.split(',').any(|item| {
                    let item = item.trim();
                    item.eq_ignore_ascii_case(&h.name) || (item == "*" && !credentialed)
                })
            })
        })
        .map(|h| {
            Finding::new(
                Kind::Cors,
                &h.pointer,
                format!(
                    "Access-Control-Expose-Headers listing `{}` (else a browser hides it from the page)",
                    h.name
                ),
                exposed.unwrap_or("absent"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_patterns() {
        let p = vec![
            "https://kimmyai.io".to_string(),
            "http://localhost:*".to_string(),
        ];
        assert!(origin_allowed(&p, "https://kimmyai.io"));
        assert!(origin_allowed(&p, "http://localhost:5173"));
        assert!(!origin_allowed(&p, "http://localhost"));
        assert!(!origin_allowed(&p, "http://127.0.0.1:5173"));
        assert!(!origin_allowed(&p, "https://evilkimmyai.io"));
    }

    #[test]
    fn a_disallowed_origin_gets_nothing_and_an_allowed_one_its_preflight() {
        let mut h = HeaderMap::new();
        h.insert(
            "access-control-allow-origin",
            "https://a.io".parse().unwrap(),
        );
        assert_eq!(cors("/x-cors", false, "https://b.io", &h, None).len(), 1);
        h.insert("vary", "Origin".parse().unwrap());
        assert!(cors("/x-cors", true, "https://a.io", &h, None).is_empty());
        let preflight = cors(
            "/x-cors",
            true,
            "https://a.io",
            &h,
            Some(("PUT", "x-tenant-id")),
        );
        let expected: Vec<&str> = preflight.iter().map(|f| f.expected.as_str()).collect();
        assert_eq!(expected.len(), 3, "{expected:?}");
    }
}
