//! `sb_runtime::checks::tenancy`: the leak search.

use std::collections::BTreeSet;

use sb_runtime::checks::tenancy::{leaks, short};
use serde_json::json;

#[test]
fn finds_leaked_strings_but_not_echoed_ids() {
    let own = json!({"siteId": "test-site-id", "html": "<p>secret page</p>"});
    let other = json!({"code": "NOT_FOUND", "message": "x", "siteId": "test-site-id", "html": "<p>secret page</p>"});
    let allowed = BTreeSet::from(["test-site-id".to_string()]);
    assert_eq!(leaks(&own, &other, &allowed, None), ["<p>secret page</p>"]);
    let clean = json!({"code": "NOT_FOUND", "message": "site test-site-id not found"});
    assert!(leaks(&own, &clean, &allowed, None).is_empty());
}

#[test]
fn padding_common_to_every_answer_is_no_leak() {
    // A proxy pads every body: the first tenant's answer, the other tenant's error and
    // the anonymous one alike. Only the first tenant's own value is a leak.
    let pad = "x".repeat(1 << 20);
    let noise = "a1b2c3d4".repeat(1000);
    let own = json!({"html": "<p>secret page</p>", "pad": pad, "noise": noise});
    let other =
        json!({"code": "NOT_FOUND", "pad": pad, "noise": noise, "html": "<p>secret page</p>"});
    let baseline = json!({"code": "UNAUTHORIZED", "pad": pad, "noise": noise});
    let allowed = BTreeSet::new();
    assert_eq!(
        leaks(&own, &other, &allowed, Some(&baseline)),
        ["<p>secret page</p>"]
    );
    let clean = json!({"code": "NOT_FOUND", "pad": pad, "noise": noise});
    assert!(leaks(&own, &clean, &allowed, Some(&baseline)).is_empty());
    assert!(short(&noise).len() < 120);
}
