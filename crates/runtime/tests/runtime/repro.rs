//! `sb_runtime::repro`: a request as a `curl` command.

use sb_runtime::repro::{curl, quote};

#[test]
fn quoted_words_survive_a_real_shell() {
    for text in [
        "plain",
        "it's",
        r#"{"prompt":"a 'quoted' \"word\" $HOME `id` \\ & | ; < > 😀 日本"}"#,
        "",
        "'",
        "''\n'",
    ] {
        let script = format!("printf %s {}", quote(text));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("sh runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout), text, "{script}");
    }
}

#[test]
fn the_token_is_a_placeholder_and_the_body_is_quoted() {
    // Built without a client (a client needs the TLS provider the target installs).
    let url = "http://127.0.0.1:8080/v1/agents/logo".parse().unwrap();
    let mut request = reqwest::Request::new(reqwest::Method::POST, url);
    for (name, value) in [
        ("authorization", "Bearer secret.jwt.value"),
        ("x-tenant-id", "test-tenant"),
        ("content-type", "application/json"),
    ] {
        request
            .headers_mut()
            .insert(name, reqwest::header::HeaderValue::from_static(value));
    }
    *request.body_mut() = Some(r#"{"prompt":"it's"}"#.into());
    let line = curl(&request, false);
    assert!(!line.contains("secret.jwt.value"), "{line}");
    assert_eq!(
        line,
        r#"curl -sS -i -X POST 'http://127.0.0.1:8080/v1/agents/logo' -H "Authorization: Bearer $TOKEN" -H 'X-Tenant-Id: test-tenant' -H 'Content-Type: application/json' -d '{"prompt":"it'\''s"}'"#
    );
}
