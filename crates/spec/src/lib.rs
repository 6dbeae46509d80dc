//! The spec model: loads OpenAPI 3.0 documents, resolves `$ref`s, exposes operations,
//! translates schemas to JSON Schema and checks specs for what the toolchain cannot handle.

mod cors;
mod endpoint;
mod error;
mod lint;
mod load;
mod model;
pub mod relations;
pub mod resolve;
mod schema;
pub mod stream;
mod tenancy;

pub use cors::{Cors, cors_safelisted};
pub use endpoint::Endpoint;
pub use error::SpecError;
/// What [`Spec::validator`] returns: a compiled JSON Schema of the spec.
pub use jsonschema::Validator;
pub use lint::{Problem, Scope, lint, lint_str, operation_problems};
pub use load::{Spec, escape_pointer, read_text};
pub use model::{
    BodyEncoding, Header, Location, METHODS, MediaType, Operation, Parameter, Rejected,
    RequestBody, Response, SLO_KEYS, Slo, media_essence,
};
pub use relations::{Expectation, Expr, Link, Poll, Relations};
pub use resolve::Node;
pub use schema::{DRAFT, Violation};
pub use stream::{EventField, EventStream, ProgressField, StreamEvent, StreamSemantics};
pub use tenancy::Tenancy;
