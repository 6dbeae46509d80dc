//! Contract tests generated from `crates/codegen/tests/fixtures/petstore.yaml` (untyped: the
//! petstore has no client in this crate). Built, not run, by CI: they show that `cargo xtask
//! gen` produces compiling tests for specs other than Site Builder's.

// Generated code is formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
mod generated;
