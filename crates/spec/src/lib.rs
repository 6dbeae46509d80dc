//! The spec model: loads OpenAPI 3.0 documents, resolves `$ref`s and exposes operations.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A failure to load or walk a spec, naming the file and the location involved.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not YAML/JSON.
    #[error("{file} is not valid YAML: {message}")]
    Parse { file: PathBuf, message: String },
    /// A `$ref` that points nowhere.
    #[error("{file} at {pointer}: $ref `{reference}` does not resolve; fix the reference or add the target")]
    DanglingRef {
        file: PathBuf,
        pointer: String,
        reference: String,
    },
}

/// One loaded spec: its file, its raw document, and its short name.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file as given.
    pub file: PathBuf,
    /// `generation` for `openapi/generation-api.yaml`.
    pub name: String,
    /// The whole document as JSON.
    pub doc: Value,
}

impl Spec {
    /// Reads a YAML or JSON spec.
    pub fn load(file: &Path) -> Result<Spec, SpecError> {
        let text = std::fs::read_to_string(file).map_err(|source| SpecError::Read {
            file: file.to_path_buf(),
            source,
        })?;
        Spec::from_str(file, &text)
    }

    /// Parses a spec from text; `file` is used for messages and the name.
    pub fn from_str(file: &Path, text: &str) -> Result<Spec, SpecError> {
        let doc: Value = serde_yaml::from_str(text).map_err(|e| SpecError::Parse {
            file: file.to_path_buf(),
            message: e.to_string(),
        })?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = stem.strip_suffix("-api").unwrap_or(&stem).to_string();
        Ok(Spec {
            file: file.to_path_buf(),
            name,
            doc,
        })
    }

    /// Follows a chain of local `$ref`s (`#/components/...`) from `value`; `at` is the JSON
    /// pointer of `value`, used in the error.
    pub fn resolve<'a>(&'a self, value: &'a Value, at: &str) -> Result<&'a Value, SpecError> {
        let mut current = value;
        for _ in 0..32 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Ok(current);
            };
            current = reference
                .strip_prefix('#')
                .and_then(|pointer| self.doc.pointer(pointer))
                .ok_or_else(|| SpecError::DanglingRef {
                    file: self.file.clone(),
                    pointer: at.to_string(),
                    reference: reference.to_string(),
                })?;
        }
        Err(SpecError::DanglingRef {
            file: self.file.clone(),
            pointer: at.to_string(),
            reference: "a cycle of $refs".to_string(),
        })
    }
}

/// Escapes one JSON pointer segment (`/` -> `~1`, `~` -> `~0`).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
