//! The contract suite generated from `openapi/` by `cargo xtask gen`: one module per spec,
//! one per operation, one `#[tokio::test]` per check. Runs against the embedded reference
//! provider, or the deployment named by the `SB_*` variables (`cargo xtask verify --help`).

// Generated code is formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
mod generated;
