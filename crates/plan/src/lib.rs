//! What the contract tests check, derived from the specs alone, with no HTTP and no provider:
//! the check plan, invalid inputs and examples made from schemas (and, re-exported from
//! `sb-report`, the target options and the results and reports of a run). The emitter and
//! `cargo xtask`'s tools build on this crate only, so they keep working while a spec change
//! breaks code compiled against the typed clients.

pub mod cases;
pub mod encode;
pub mod examples;
pub mod negative;
pub mod plan;
pub mod relations;

// What a run is given and reports lives in the light `sb-report` (so `cargo xtask` builds
// without the spec crates); these paths stay.
pub use plan::{Applicability, Check, Family, Subject};
pub use sb_report::{Failure, Measurement, Outcome, Status, TargetOptions, Verdict};
pub use sb_report::{options, outcome, record, report};
