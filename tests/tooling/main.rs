//! Checks on the project's own tooling: the generated tests are up to date with the specs.

use std::path::Path;

#[test]
fn generated_tests_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (outputs, _) = sb_codegen::project::project_outputs(root).expect("the specs generate");
    let stale = sb_codegen::project::stale(root, &outputs);
    assert!(
        stale.is_empty(),
        "generated tests are stale: {stale:?}; run `cargo xtask gen` and commit the result"
    );
}
