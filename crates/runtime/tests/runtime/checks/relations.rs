//! `sb_runtime::checks::relations`: comparing and showing values.

use sb_runtime::checks::relations::{first_difference, same, show};
use serde_json::Value;

#[test]
fn numbers_compare_by_value_and_long_strings_are_cut() {
    assert!(same(&Value::from(4), &serde_json::json!(4.0)));
    assert!(!same(&Value::from(4), &Value::from("4")));
    assert!(show(&Value::String("x".repeat(200))).ends_with("(200 characters)"));
    let long = "x".repeat(100);
    assert_eq!(
        first_difference(
            &Value::String(format!("{long}ab")),
            &Value::String(format!("{long}a"))
        ),
        "; they differ from character 101: \"b\" against \"\""
    );
}
