//! The spec model: loads OpenAPI 3.0 documents, resolves `$ref`s, exposes operations,
//! translates schemas to JSON Schema and checks specs for what the toolchain cannot handle.

mod error;
mod lint;
mod load;
mod model;
mod schema;

pub use error::SpecError;
pub use lint::{Problem, lint, lint_str};
pub use load::{Spec, escape_pointer};
pub use model::{
    Header, Location, METHODS, MediaType, Operation, Parameter, RequestBody, Response, SLO_KEYS,
    Slo, media_essence,
};
pub use schema::{DRAFT, Violation};
