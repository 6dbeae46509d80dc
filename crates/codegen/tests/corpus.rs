//! The corpus of public specs (`tests/corpus/SOURCES.md`): what the emitter generates from
//! each, as a snapshot (operations and their checks, operations skipped and checks not
//! generated, with the reasons), so a change that skips more of a real-world spec shows up in
//! review. The generated files themselves are compiled as `sb-runtime`'s `corpus` target.

use std::fmt::Write;
use std::path::Path;

use sb_codegen::{Options, Selection};

const CORPUS: &[&str] = &[
    "petstore-expanded.yaml",
    "uspto.yaml",
    "keeper.json",
    "buildomat.json",
    "dropshot.json",
    "hostile.yaml",
];

fn summary(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(file);
    let problems: Vec<_> = sb_spec::lint(&path)
        .into_iter()
        .filter(|p| p.scope == sb_spec::Scope::Document)
        .collect();
    assert!(problems.is_empty(), "{file}: {problems:?}");
    let spec = sb_spec::Spec::load(&path).expect("loads");
    let options = Options {
        spec_label: format!("crates/codegen/tests/corpus/{file}"),
        include_path: file.to_string(),
        command: "cargo xtask gen".to_string(),
        typed: None,
        select: Selection::All,
    };
    let generated = sb_codegen::generate(&spec, &options).expect("generates");
    let mut out = String::new();
    let total = generated.operations.len() + generated.skipped.len();
    writeln!(
        out,
        "{file}: {} of {total} operations, {} checks",
        generated.operations.len(),
        generated.test_count()
    )
    .unwrap();
    for (id, checks) in &generated.operations {
        let names: Vec<&str> = checks.iter().map(|c| c.name()).collect();
        writeln!(out, "  {id}: {}", names.join(" ")).unwrap();
    }
    for s in &generated.skipped {
        writeln!(out, "  skipped {}: {}", s.operation, s.reason).unwrap();
    }
    for n in &generated.not_applicable {
        writeln!(
            out,
            "  not generated: {} for {}: {}",
            n.check.name(),
            n.operations.join(", "),
            n.reason
        )
        .unwrap();
    }
    out
}

#[test]
fn corpus_generation_is_snapshot() {
    for file in CORPUS {
        let name = file.split('.').next().unwrap_or(file).to_string();
        insta::assert_snapshot!(name, summary(file));
    }
}
