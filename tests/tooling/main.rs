//! Checks on the project's own tooling: the generated tests and k6 scripts are up to date with the specs.

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

#[test]
fn k6_scripts_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outputs: Vec<_> = sb_codegen::k6::project_outputs(root)
        .expect("the specs generate k6 scripts")
        .into_iter()
        .map(|(output, _)| output)
        .collect();
    let stale = sb_codegen::project::stale(root, &outputs);
    assert!(
        stale.is_empty(),
        "k6 scripts are stale: {stale:?}; run `cargo xtask k6` and commit the result"
    );
}
