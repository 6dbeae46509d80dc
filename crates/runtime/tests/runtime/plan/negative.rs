//! `sb_plan::negative`: invalid inputs.

use sb_plan::negative::{out_of_range, short, wrong_type, zero_trailing_hex};
use serde_json::{Value, json};

#[test]
fn zeroes_the_trailing_hex_run() {
    assert_eq!(
        zero_trailing_hex("logo-3f9a1c2b7d4e5f60"),
        "logo-0000000000000000"
    );
    assert_eq!(zero_trailing_hex("gen-demo-0001"), "gen-demo-0000");
    assert_eq!(zero_trailing_hex("v1"), "v0");
}

#[test]
fn wrong_type_changes_the_json_type() {
    let prop = json!({"type": "integer"});
    assert_eq!(
        wrong_type(prop.as_object().unwrap()),
        Some(json!("not-a-number"))
    );
}

#[test]
fn huge_bounds_give_no_huge_values() {
    for prop in [
        json!({"type": "string", "maxLength": 2_147_483_647}),
        json!({"type": "string", "maxLength": u64::MAX}),
        json!({"type": "string", "minLength": 1_000_000_000_000_u64}),
        json!({"type": "array", "maxItems": 2_147_483_647}),
        json!({"type": "array", "maxItems": u64::MAX}),
    ] {
        assert_eq!(
            out_of_range(prop.as_object().unwrap(), None),
            Vec::<Value>::new(),
            "{prop}"
        );
    }
    let prop = json!({"type": "integer", "maximum": 1e300, "minimum": -1e300});
    assert_eq!(out_of_range(prop.as_object().unwrap(), None).len(), 2);
    assert_eq!(short(&json!("é".repeat(50))).chars().count(), 41);
}

#[test]
fn out_of_range_respects_integer_bounds() {
    let prop = json!({"type": "integer", "minimum": 1, "maximum": 8});
    let values = out_of_range(prop.as_object().unwrap(), None);
    assert_eq!(values, vec![json!(9), json!(0)]);
}
