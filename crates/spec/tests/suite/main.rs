//! Integration tests of sb-spec: the model on the real specs, the schema translation rule by
//! rule, and the spec check on the real specs and on one fixture per rejected case.

mod lint;
mod model;
mod schema;

use std::path::{Path, PathBuf};

use sb_spec::Spec;

/// `openapi/` of the workspace.
pub fn openapi_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi")
}

/// Loads `openapi/<name>-api.yaml`.
pub fn real_spec(name: &str) -> Spec {
    let file = openapi_dir().join(format!("{name}-api.yaml"));
    Spec::load(&file).unwrap_or_else(|e| panic!("{e}"))
}

/// A spec from inline YAML.
pub fn inline_spec(yaml: &str) -> Spec {
    Spec::from_str(Path::new("inline.yaml"), yaml).unwrap_or_else(|e| panic!("{e}"))
}
