//! No code: depending on this crate gives the shared dependencies the features the whole
//! workspace builds them with (see its `Cargo.toml`), so `cargo xtask`, the `sitebuilder`
//! binary and `cargo test --workspace` reuse one build of each instead of compiling
//! feature variants of their own (docs/build.md).
