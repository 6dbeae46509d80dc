//! The streaming, end-to-end and performance suites of the Site Builder APIs, written on
//! the typed clients (`sitebuilder_contract`), so a spec change that is not followed here
//! breaks their compilation.
//!
//! Every check is an `async fn(&Target) -> Outcome`: the test binary `tests/suites` runs
//! them against the shared target, its fault tests run them against a provider broken in
//! the way each one catches, and `cargo xtask perf` runs the performance suite.
//!
//! Every contract fact they need (budgets, the stream's events and their meaning, paths,
//! tenant headers, servers) is read from the specs through the model ([`contract`],
//! [`budget`]), and every stream is read and judged by `sb_stream`.

pub mod api;
pub mod budget;
pub mod contract;
pub mod e2e;
/// The harness lives in `sb-harness` (the contract suite builds without the suites).
pub use sb_harness as harness;
pub mod perf;
pub mod stream;
pub mod streaming;

pub use api::Api;
