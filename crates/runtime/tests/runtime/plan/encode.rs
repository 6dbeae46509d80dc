//! `sb_plan::encode`: request bodies on the wire, by media type.

use std::path::Path;

use sb_plan::encode::{BOUNDARY, encode};
use sb_spec::{BodyEncoding, RequestBody, Spec};
use serde_json::json;

fn spec_with(media: &str) -> (Spec, RequestBody) {
    let text = format!(
        r#"
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /upload:
    post:
      operationId: upload
      requestBody:
        content:
          text/xml: {{schema: {{type: string}}}}
          {media}:
            schema:
              type: object
              required: [name, file]
              properties:
                name: {{type: string}}
                tags: {{type: array, items: {{type: string}}}}
                file: {{type: string, format: binary}}
      responses: {{'200': {{description: ok}}}}
"#
    );
    let spec = Spec::from_str(Path::new("t.yaml"), &text).unwrap();
    let body = spec.operation("upload").unwrap().request_body.unwrap();
    (spec, body)
}

#[test]
fn form_bodies_are_key_value_pairs() {
    let (spec, body) = spec_with("application/x-www-form-urlencoded");
    assert_eq!(body.media_type, "application/x-www-form-urlencoded");
    let value = json!({"name": "a b&c", "tags": ["x", "y"], "file": "f"});
    let (ty, bytes) = encode(&spec, &body, &value).unwrap();
    assert_eq!(ty, "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "file=f&name=a+b%26c&tags=x&tags=y"
    );
}

#[test]
fn multipart_bodies_have_a_part_per_field_and_files_have_a_filename() {
    let (spec, body) = spec_with("multipart/form-data");
    let (ty, bytes) = encode(&spec, &body, &json!({"name": "n", "file": "f"})).unwrap();
    assert_eq!(ty, format!("multipart/form-data; boundary={BOUNDARY}"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\nf\r\n"), "{text}");
    assert!(text.contains("name=\"name\"\r\n\r\nn\r\n"), "{text}");
    assert!(text.ends_with(&format!("--{BOUNDARY}--\r\n")));
}

#[test]
fn json_is_preferred_among_the_offered_types() {
    for (media, chosen) in [
        (
            "application/merge-patch+json",
            "application/merge-patch+json",
        ),
        ("'*/*'", "*/*"),
        ("application/vnd.api+json", "application/vnd.api+json"),
    ] {
        let (spec, body) = spec_with(media);
        assert_eq!(body.media_type, chosen);
        assert_eq!(body.encoding(), BodyEncoding::Json);
        let (ty, _) = encode(&spec, &body, &json!({})).unwrap();
        assert_ne!(ty, "*/*");
    }
}
