//! Contract tests generated from `crates/codegen/tests/fixtures/petstore.yaml` (untyped: the
//! petstore has no client in this crate). Built, not run, by CI: they show that `cargo xtask
//! gen` produces compiling tests for specs other than Site Builder's, with the runtime alone
//! (this package links no provider). Run against a petstore deployment with
//! `SB_BASE_URL=... SB_JWT_SECRET=... cargo test -p sb-runtime --test petstore`.

// Generated code is formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
mod generated;
