//! Empty: it exists so that the `[build-dependencies]` of this crate take part in feature
//! resolution for build scripts and proc macros.
fn main() {}
