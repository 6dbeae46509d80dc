//! The project's own generation: the three specs in `openapi/` to `tests/contract/generated/`,
//! with typed clients from the root crate. `gen` and `gen --check` share this code path.

use std::path::{Path, PathBuf};

use sb_spec::Spec;

use crate::{GenError, Generated, Options, Selection, TypedClient, module_index, relative_path};

/// The specs of this project, `openapi/<module>-api.yaml` under `root`, sorted, each with the
/// module of its typed client in the root crate (`build.rs` lists the directory the same way).
pub fn project_specs(root: &Path) -> Result<Vec<(String, String)>, GenError> {
    let dir = root.join("openapi");
    let entries = std::fs::read_dir(&dir).map_err(|e| GenError {
        file: "openapi/".to_string(),
        message: format!("cannot list the specs: {e}"),
    })?;
    let mut specs: Vec<(String, String)> = entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let module = name.strip_suffix("-api.yaml")?.replace('-', "_");
            Some((format!("openapi/{name}"), module))
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// Where the generated contract tests live, relative to the workspace root: the functional
/// checks (run by `cargo test`) and the performance budgets (run by `cargo xtask perf`).
pub const PROJECT_OUTS: &[(&str, Selection)] = &[
    ("tests/contract/generated", Selection::Functional),
    ("tests/contract_perf/generated", Selection::Performance),
];

/// Specs of other services, generated untyped to show (and keep compiling) that the
/// emitter is not tied to Site Builder: `(spec, output directory)`.
pub const EXAMPLE_SPECS: &[(&str, &str)] = &[
    (
        "crates/codegen/tests/fixtures/petstore.yaml",
        "crates/runtime/tests/petstore/generated",
    ),
    // The corpus of public specs (crates/codegen/tests/corpus/SOURCES.md).
    (
        "crates/codegen/tests/corpus/petstore-expanded.yaml",
        "crates/runtime/tests/corpus/petstore_expanded",
    ),
    (
        "crates/codegen/tests/corpus/uspto.yaml",
        "crates/runtime/tests/corpus/uspto",
    ),
    (
        "crates/codegen/tests/corpus/keeper.json",
        "crates/runtime/tests/corpus/keeper",
    ),
    (
        "crates/codegen/tests/corpus/buildomat.json",
        "crates/runtime/tests/corpus/buildomat",
    ),
    (
        "crates/codegen/tests/corpus/dropshot.json",
        "crates/runtime/tests/corpus/dropshot",
    ),
    (
        "crates/codegen/tests/corpus/hostile.yaml",
        "crates/runtime/tests/corpus/hostile",
    ),
];

/// The harness of the project's tests: the Site Builder's own, which launches the embedded
/// reference provider when no deployment is named.
pub const PROJECT_HARNESS: &str = "::sb_harness::EMBEDDED";

/// The command that regenerates the project's tests.
pub const PROJECT_COMMAND: &str = "cargo xtask gen";

/// One file to write: its path relative to the root, and its text.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: PathBuf,
    pub text: String,
}

/// One generated file's path and what it covers.
pub type Summary = (String, Generated);

/// Everything `gen` produces for the project, plus the per-spec results for the summary.
pub fn project_outputs(root: &Path) -> Result<(Vec<Output>, Vec<Summary>), GenError> {
    let mut outputs = Vec::new();
    let mut results = Vec::new();
    let mut specs = Vec::new();
    for (file, module) in project_specs(root)? {
        let spec = Spec::load(&root.join(&file)).map_err(|e| GenError {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        specs.push((file, module, spec));
    }
    for (out, select) in PROJECT_OUTS {
        let mut modules = Vec::new();
        for (file, module, spec) in &specs {
            let options = Options {
                spec_label: file.to_string(),
                include_path: relative_path(Path::new(out), Path::new(file)),
                command: PROJECT_COMMAND.to_string(),
                typed: Some(TypedClient {
                    module: format!("::sitebuilder_contract::{module}"),
                }),
                select: *select,
            };
            let generated = crate::generate(spec, &options)?;
            if generated.operations.is_empty() {
                continue;
            }
            outputs.push(Output {
                path: Path::new(out).join(format!("{module}.rs")),
                text: generated.source.clone(),
            });
            modules.push(module.to_string());
            results.push((format!("{out}/{module}.rs"), generated));
        }
        outputs.push(Output {
            path: Path::new(out).join("mod.rs"),
            text: module_index(&modules, PROJECT_COMMAND, "openapi/", Some(PROJECT_HARNESS)),
        });
    }
    for (file, out) in EXAMPLE_SPECS {
        let spec = Spec::load(&root.join(file)).map_err(|e| GenError {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        let options = Options {
            spec_label: file.to_string(),
            include_path: relative_path(Path::new(out), Path::new(file)),
            command: PROJECT_COMMAND.to_string(),
            typed: None,
            select: Selection::All,
        };
        let generated = crate::generate(&spec, &options)?;
        let module = crate::snake(&spec.name);
        outputs.push(Output {
            path: Path::new(out).join(format!("{module}.rs")),
            text: generated.source.clone(),
        });
        outputs.push(Output {
            path: Path::new(out).join("mod.rs"),
            text: module_index(std::slice::from_ref(&module), PROJECT_COMMAND, file, None),
        });
        results.push((format!("{out}/{module}.rs"), generated));
    }
    Ok((outputs, results))
}

/// The outputs whose file under `root` is missing or differs.
pub fn stale(root: &Path, outputs: &[Output]) -> Vec<PathBuf> {
    outputs
        .iter()
        .filter(|o| {
            std::fs::read_to_string(root.join(&o.path))
                .map(|current| current.replace("\r\n", "\n") != o.text)
                .unwrap_or(true)
        })
        .map(|o| o.path.clone())
        .collect()
}

/// Writes the outputs that changed; returns them.
pub fn write(root: &Path, outputs: &[Output]) -> std::io::Result<Vec<PathBuf>> {
    let changed = stale(root, outputs);
    for output in outputs.iter().filter(|o| changed.contains(&o.path)) {
        let path = root.join(&output.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, &output.text)?;
    }
    Ok(changed)
}
