//! The `x-slo` budget checks generated from `openapi/` by `cargo xtask gen`. Not part of
//! `cargo test`: run them with `cargo xtask perf` or `cargo xtask verify --perf`.

// Generated code is formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
mod generated;
