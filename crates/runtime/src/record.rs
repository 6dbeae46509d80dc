//! Appends each check's verdict as a JSON line to `SB_RESULTS_FILE` (set by `cargo xtask
//! verify`), so the report can be built after the test binaries exit.

use std::io::Write;
use std::time::Duration;

pub use sb_plan::record::{CheckRecord, RESULTS_ENV, read};

use crate::context::Op;
use crate::outcome::Verdict;
use crate::plan::Check;

/// Appends the record when `SB_RESULTS_FILE` is set; reporting must never fail a check,
/// so a write error is printed instead.
pub fn write(op: &Op, check: Check, verdict: &Verdict, elapsed: Duration) {
    let Ok(path) = std::env::var(RESULTS_ENV) else {
        return;
    };
    let (detail, measurements) = match verdict {
        Verdict::Pass { note, measurements } => (note.clone(), measurements.clone()),
        _ => (String::new(), Vec::new()),
    };
    let record = CheckRecord {
        spec: op.spec.file.to_string(),
        operation: op.id.to_string(),
        check: check.name().to_string(),
        family: check.family().name().to_string(),
        status: verdict.status(),
        reason: verdict.reason().to_string(),
        detail,
        measurements,
        duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
    };
    let mut line = match serde_json::to_string(&record) {
        Ok(line) => line,
        Err(e) => {
            eprintln!(
                "cannot serialise the record of {} {}: {e}",
                op.id,
                check.name()
            );
            return;
        }
    };
    line.push('\n');
    // One write of a whole line to a file opened for appending: lines from concurrent
    // tests do not interleave.
    let result = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(e) = result {
        eprintln!("cannot append to {path}: {e}");
    }
}
