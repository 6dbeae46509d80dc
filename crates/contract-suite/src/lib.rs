//! Holds no code: the package exists for its two test targets, the contract suite generated
//! by `cargo xtask gen` into `tests/contract/` and `tests/contract_perf/` (see its
//! `Cargo.toml`). Keeping them out of the root package means their build waits only for the
//! runtime, the harness (with the reference provider) and the typed clients, not for the
//! hand-written suites, the diff or the generator that the root package's other tests use.
