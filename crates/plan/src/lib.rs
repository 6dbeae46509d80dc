//! What the contract tests check, derived from the specs alone, with no HTTP and no provider:
//! the check plan, invalid inputs and examples made from schemas, the target options, and
//! the results and reports of a run. The emitter and `cargo xtask` build on this crate only,
//! so they keep working while a spec change breaks code compiled against the typed clients.

pub mod cases;
pub mod encode;
pub mod examples;
pub mod negative;
pub mod options;
pub mod outcome;
pub mod plan;
pub mod record;
pub mod relations;
pub mod report;

pub use options::TargetOptions;
pub use outcome::{Failure, Measurement, Outcome, Status, Verdict};
pub use plan::{Applicability, Check, Family, Subject};
