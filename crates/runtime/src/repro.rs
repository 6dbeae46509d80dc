//! A request as a ready-to-paste `curl` command, for failures that must be reproduced by
//! hand (the generated cases, `checks::cases`). The command is built from the request as it
//! was sent (method, URL with the target's base URL, every header, the body), with one
//! change: the token is the placeholder `$TOKEN`, so no credential lands in a log or report.

use reqwest::header::AUTHORIZATION;

/// `request` as one `curl` command line; `stream` adds `-N` (print events as they come).
pub fn curl(request: &reqwest::Request, stream: bool) -> String {
    let mut parts: Vec<String> = vec!["curl".into(), "-sS".into(), "-i".into()];
    if stream {
        parts.push("-N".into());
    }
    if request.method() != reqwest::Method::GET {
        parts.push("-X".into());
        parts.push(request.method().as_str().into());
    }
    parts.push(quote(request.url().as_str()));
    for (name, value) in request.headers() {
        parts.push("-H".into());
        if name == AUTHORIZATION {
            // Double quotes: the shell expands $TOKEN, nothing else is in them.
            parts.push("\"Authorization: Bearer $TOKEN\"".into());
        } else {
            let value = String::from_utf8_lossy(value.as_bytes());
            parts.push(quote(&format!("{}: {value}", title_case(name.as_str()))));
        }
    }
    if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
        parts.push("-d".into());
        parts.push(quote(&String::from_utf8_lossy(body)));
    }
    parts.join(" ")
}

/// `text` as one POSIX shell word: in single quotes, inside which nothing is special, with
/// each `'` closed, escaped and reopened (`'\''`).
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `content-type` -> `Content-Type` (HTTP/1 header names are case-insensitive; this is
/// only for reading).
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}
