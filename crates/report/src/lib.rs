//! What a contract run is given and what it reports: the target options ([`options`]), what
//! a check concludes ([`outcome`]), the results the test binaries record ([`record`]) and
//! the reports made of them ([`report`]: the verify table, JUnit, markdown). It depends on no
//! spec, HTTP or code generation crate, so `cargo xtask` (which reads the records and writes
//! the reports) builds in seconds and the contract suite starts building right after it on a
//! fresh clone. `sb-plan` re-exports all of it.

pub mod options;
pub mod outcome;
pub mod record;
pub mod report;

pub use options::TargetOptions;
pub use outcome::{Failure, Measurement, Outcome, Status, Verdict};

/// A family of checks, as columns of the verify table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Conformance,
    Auth,
    Tenancy,
    Cors,
    Errors,
    Sse,
    Relations,
    Performance,
}

impl Family {
    /// Every family, in table order.
    pub const ALL: [Family; 8] = [
        Family::Conformance,
        Family::Auth,
        Family::Tenancy,
        Family::Cors,
        Family::Errors,
        Family::Sse,
        Family::Relations,
        Family::Performance,
    ];

    /// Its name in tables and reports.
    pub fn name(self) -> &'static str {
        match self {
            Family::Conformance => "conformance",
            Family::Auth => "auth",
            Family::Tenancy => "tenancy",
            Family::Cors => "cors",
            Family::Errors => "errors",
            Family::Sse => "sse",
            Family::Relations => "relations",
            Family::Performance => "perf",
        }
    }
}
