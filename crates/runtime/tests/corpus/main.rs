//! Contract tests generated from the corpus of public specs (`crates/codegen/tests/corpus/`,
//! sources in its SOURCES.md), untyped. Built, not run, by CI: they show that `cargo xtask
//! gen` produces compiling tests for specs of many styles, and for names that collide with
//! what generated code uses (`hostile.yaml`). Run one against a deployment with
//! `SB_BASE_URL=... cargo test -p sb-runtime --test corpus keeper::`.

// Generated code is formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "petstore_expanded/mod.rs"]
mod petstore_expanded;
#[rustfmt::skip]
#[path = "uspto/mod.rs"]
mod uspto;
#[rustfmt::skip]
#[path = "keeper/mod.rs"]
mod keeper;
#[rustfmt::skip]
#[path = "buildomat/mod.rs"]
mod buildomat;
#[rustfmt::skip]
#[path = "dropshot/mod.rs"]
mod dropshot;
#[rustfmt::skip]
#[path = "hostile/mod.rs"]
mod hostile;
