//! What a check concludes: pass, fail with a reason, or skip because the target cannot
//! support it (an expired token needs the signing secret).

use std::fmt;

/// Why a check failed (or was skipped), in one or a few lines for the table and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    /// True when the check could not run against this target, rather than failed.
    pub skipped: bool,
}

impl Failure {
    /// A failure with `reason`.
    pub fn new(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            skipped: false,
        }
    }

    /// A skip with `reason`.
    pub fn skip(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            skipped: true,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Shorthand for [`Failure::new`].
pub fn fail(reason: impl Into<String>) -> Failure {
    Failure::new(reason)
}

/// The result of one check.
pub type Outcome = Result<(), Failure>;

/// Fails with `reason` unless `condition` holds.
pub fn ensure(condition: bool, reason: impl FnOnce() -> String) -> Outcome {
    if condition {
        Ok(())
    } else {
        Err(fail(reason()))
    }
}

/// How a check ended, as recorded for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
}

impl Status {
    /// The status of an outcome.
    pub fn of(outcome: &Outcome) -> Status {
        match outcome {
            Ok(()) => Status::Pass,
            Err(f) if f.skipped => Status::Skip,
            Err(_) => Status::Fail,
        }
    }
}
