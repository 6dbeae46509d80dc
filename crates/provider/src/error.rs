//! Errors: [`ProviderError`] for starting the provider, [`ApiError`] for answers to requests.
//!
//! Handlers return an [`ApiError`] carrying only the status, code and message; the edge
//! middleware renders every error (including axum's own rejections) into one `Error` body
//! with the request id, so there is a single place where error bodies are made.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// Why the provider could not start.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The listener could not be bound.
    #[error("failed to bind {addr}: {source}; pick a free port or use 127.0.0.1:0")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The SQLite store could not be opened or migrated.
    #[error("failed to open the store at {location}: {source}; check the path and its permissions")]
    Store {
        /// `:memory:` or the file path.
        location: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The JWKS file could not be read or holds no usable RS256 key.
    #[error("failed to load the JWKS file {path}: {reason}; give a JSON Web Key Set with RSA keys")]
    Jwks {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Configuration that cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// The error information a handler attaches to its response; the edge renders it.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    /// Machine-readable code, e.g. `NOT_FOUND`.
    pub code: String,
    /// Human-readable message naming the thing and the fix.
    pub message: String,
}

/// An error answer: status, stable code and message.
#[derive(Clone, Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine-readable code.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
}

impl ApiError {
    /// 401 `UNAUTHORIZED`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }

    /// 403 `FORBIDDEN`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// 400 `VALIDATION_ERROR`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
    }

    /// 400 `BAD_REQUEST` (body that is not JSON).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// 500 `INTERNAL`; the detail goes to the log, not to the caller.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal error",
        )
    }

    /// Any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(ErrorInfo {
            code: self.code.to_owned(),
            message: self.message,
        });
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        ApiError::internal(format!("store: {err}"))
    }
}
