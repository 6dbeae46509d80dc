//! Errors of the diff and compat library, each naming the file, revision or item involved.

use std::path::PathBuf;

use sb_spec::SpecError;

/// A failure to read or compare specs or a consumer file.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A spec could not be read, parsed or walked.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The file parses but is not an OpenAPI 3 document.
    #[error(
        "{file} is not an OpenAPI 3 document: {reason}; pass a spec such as openapi/generation-api.yaml"
    )]
    NotOpenApi {
        /// The file involved.
        file: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// `git` failed or the revision is unknown.
    #[error("cannot read specs at git revision `{rev}`: {message}")]
    Git {
        /// The revision asked for.
        rev: String,
        /// What git said.
        message: String,
    },
    /// A directory of specs could not be listed.
    #[error("cannot list specs in {dir}: {source}; pass an existing directory with --spec-dir")]
    SpecDir {
        /// The directory.
        dir: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The ignore file could not be read or has an invalid entry.
    #[error("ignore file {file}:{line}: {message}")]
    Ignore {
        /// The file.
        file: PathBuf,
        /// The line of the entry (0 when the file could not be read).
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The consumer file could not be read.
    #[error("cannot read consumer file {file}: {source}")]
    ConsumerRead {
        /// The file.
        file: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The consumer file is not valid.
    #[error("consumer file {file} is invalid: {message}")]
    ConsumerParse {
        /// The file.
        file: PathBuf,
        /// What is wrong, with its location.
        message: String,
    },
}
