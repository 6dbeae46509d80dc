//! The error type of the spec crate: every variant names the file and the place involved.

use std::path::PathBuf;

/// A failure to load or walk a spec, naming the file and the location involved.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read {file}: {reason}")]
    Read {
        file: PathBuf,
        // In the message, not as the error's source: error chains would print it twice.
        reason: std::io::Error,
    },
    /// The file is not YAML/JSON.
    #[error("{file} is not valid YAML: {message}")]
    Parse { file: PathBuf, message: String },
    /// A `$ref` that points nowhere.
    #[error(
        "{file} at {pointer}: $ref `{reference}` does not resolve; fix the reference or add the target"
    )]
    DanglingRef {
        file: PathBuf,
        pointer: String,
        reference: String,
    },
    /// A part of the document that does not have the shape OpenAPI 3.0 requires; `message`
    /// says what is wrong and how to fix it.
    #[error("{file} at {pointer}: {message}")]
    Invalid {
        file: PathBuf,
        pointer: String,
        message: String,
    },
    /// No operation has the requested operationId.
    #[error("{file} has no operation `{operation_id}`; use one of: {known}")]
    UnknownOperation {
        file: PathBuf,
        operation_id: String,
        known: String,
    },
    /// A schema whose JSON Schema translation the validator rejects (e.g. a bad `pattern`).
    #[error("{file}: schema {schema} cannot be compiled: {message}; fix the schema")]
    Schema {
        file: PathBuf,
        schema: String,
        message: String,
    },
}
