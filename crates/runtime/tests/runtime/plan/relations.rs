//! `sb_plan::relations`: the bodies of the invariant checks.

use sb_plan::relations::{invariant_bodies, omitted_defaults};
use sb_spec::Spec;
use serde_json::Value;

fn spec(name: &str) -> Spec {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../openapi")
        .join(name);
    Spec::load(&file).expect("the spec loads")
}

#[test]
fn the_logo_count_is_varied_to_its_bounds_and_left_out_for_its_default() {
    let spec = spec("agents-api.yaml");
    let op = spec.operation("generateLogo").expect("generateLogo");
    let bodies: Vec<_> = invariant_bodies(&spec, &op)
        .into_iter()
        .map(|c| c.body["count"].clone())
        .collect();
    assert_eq!(bodies, [Value::from(4), Value::from(1), Value::from(8)]);
    let omitted = omitted_defaults(&spec, &op);
    assert_eq!(omitted.len(), 1);
    assert!(omitted[0].0.body.get("count").is_none());
    assert_eq!(omitted[0].2, Value::from(4));
}
