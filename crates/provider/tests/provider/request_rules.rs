//! The request-body rules behind every 400, without a server: each broken rule is refused
//! with a message naming the field.

use sb_provider::internals::{deployment_request, generation_request, logo_request};
use serde_json::json;

#[test]
fn generation_rules() {
    assert!(generation_request(&json!({"prompt": "x"})).is_ok());
    let cases = [
        (json!([]), "body: must be an object"),
        (json!({}), "prompt: is required"),
        (json!({"prompt": ""}), "prompt: must not be empty"),
        (
            json!({"prompt": 5}),
            "prompt: must be a string, not a number",
        ),
        (
            json!({"prompt": "x".repeat(4001)}),
            "prompt: must be at most 4000",
        ),
        (
            json!({"prompt": "x", "templateId": ""}),
            "templateId: must not be empty",
        ),
        (
            json!({"prompt": "x", "brandAssets": {"primaryColor": "blue"}}),
            "brandAssets.primaryColor",
        ),
        (
            json!({"prompt": "x", "brandAssets": {"logo": "not a uri"}}),
            "brandAssets.logo",
        ),
        (
            json!({"prompt": "x", "brandAssets": 3}),
            "brandAssets: must be an object",
        ),
    ];
    for (body, expected) in cases {
        let err = generation_request(&body).unwrap_err();
        assert!(err.0.starts_with(expected), "{body}: {}", err.0);
    }
}

#[test]
fn logo_and_deployment_rules() {
    let ok =
        logo_request(&json!({"prompt": "p", "style": "modern", "colors": ["#0066CC"], "count": 4}))
            .unwrap();
    assert_eq!(ok.count.get(), 4);
    assert_eq!(
        logo_request(&json!({"prompt": "p"})).unwrap().count.get(),
        4
    );
    for (body, expected) in [
        (
            json!({"prompt": "p", "count": 0}),
            "count: must be between 1 and 8",
        ),
        (
            json!({"prompt": "p", "count": 9}),
            "count: must be between 1 and 8",
        ),
        (
            json!({"prompt": "p", "count": 2.5}),
            "count: must be an integer",
        ),
        (
            json!({"prompt": "p", "style": "weird"}),
            "style: `weird` is not one of",
        ),
        (
            json!({"prompt": "p", "colors": vec!["#000000"; 6]}),
            "colors: must have at most 5",
        ),
        (
            json!({"prompt": "p", "colors": [1]}),
            "colors[0]: must be a string",
        ),
    ] {
        assert!(
            logo_request(&body).unwrap_err().0.starts_with(expected),
            "{body}"
        );
    }
    assert!(deployment_request(&json!({"siteId": "s", "environment": "staging"})).is_ok());
    assert_eq!(
        deployment_request(&json!({"siteId": "s", "environment": "qa"}))
            .unwrap_err()
            .0,
        "environment: `qa` is not one of staging, production"
    );
    assert_eq!(
        deployment_request(&json!({"environment": "staging"}))
            .unwrap_err()
            .0,
        "siteId: is required"
    );
}
