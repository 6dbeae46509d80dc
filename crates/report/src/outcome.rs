//! What a check concludes: a [`Verdict`] (pass with what it measured, fail with a reason, or
//! skip with a reason), and the [`Failure`]/[`Outcome`] pair the steps of a check use with `?`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a step of a check failed, in one or a few lines for the table and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
}

impl Failure {
    /// A failure with `reason`.
    pub fn new(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl From<String> for Failure {
    fn from(reason: String) -> Failure {
        Failure { reason }
    }
}

impl From<&str> for Failure {
    fn from(reason: &str) -> Failure {
        Failure::new(reason)
    }
}

/// How every check's failure starts once the target stopped accepting connections mid-run
/// (the runtime's circuit breaker): reports count these once instead of listing each.
pub const UNREACHABLE: &str = "target unreachable since";

/// Shorthand for [`Failure::new`].
pub fn fail(reason: impl Into<String>) -> Failure {
    Failure::new(reason)
}

/// The result of one step of a check (and of a suite's check).
pub type Outcome = Result<(), Failure>;

/// Fails with `reason` unless `condition` holds.
pub fn ensure(condition: bool, reason: impl FnOnce() -> String) -> Outcome {
    if condition {
        Ok(())
    } else {
        Err(fail(reason()))
    }
}

/// One number a passing check measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// What was measured: `first_chunk_ms`, `p95_ms`, ...
    pub name: String,
    /// Its value, in the unit its name ends with.
    pub value: f64,
}

impl Measurement {
    /// A measurement in milliseconds of a duration.
    pub fn ms(name: &str, duration: std::time::Duration) -> Measurement {
        Measurement {
            name: name.to_string(),
            value: duration.as_secs_f64() * 1000.0,
        }
    }
}

/// How a check ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The contract holds; `note` says what was measured, in words, for reports.
    Pass {
        note: String,
        measurements: Vec<Measurement>,
    },
    /// The contract is broken.
    Fail { reason: String },
    /// The check cannot run against this target or this spec; `reason` says why and what
    /// would make it run.
    Skip { reason: String },
}

impl Verdict {
    /// A pass with nothing measured.
    pub fn pass() -> Verdict {
        Verdict::Pass {
            note: String::new(),
            measurements: Vec::new(),
        }
    }

    /// A skip with `reason`.
    pub fn skip(reason: impl Into<String>) -> Verdict {
        Verdict::Skip {
            reason: reason.into(),
        }
    }

    /// The status for reports.
    pub fn status(&self) -> Status {
        match self {
            Verdict::Pass { .. } => Status::Pass,
            Verdict::Fail { .. } => Status::Fail,
            Verdict::Skip { .. } => Status::Skip,
        }
    }

    /// The reason of a failure or skip; "" for a pass.
    pub fn reason(&self) -> &str {
        match self {
            Verdict::Pass { .. } => "",
            Verdict::Fail { reason } | Verdict::Skip { reason } => reason,
        }
    }
}

impl From<Outcome> for Verdict {
    fn from(outcome: Outcome) -> Verdict {
        match outcome {
            Ok(()) => Verdict::pass(),
            Err(failure) => Verdict::Fail {
                reason: failure.reason,
            },
        }
    }
}

impl From<Failure> for Verdict {
    fn from(failure: Failure) -> Verdict {
        Verdict::Fail {
            reason: failure.reason,
        }
    }
}

/// How a check ended, as recorded for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
}
