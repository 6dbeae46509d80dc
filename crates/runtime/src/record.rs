//! Appends each check's result as a JSON line to `SB_RESULTS_FILE` (set by `cargo xtask
//! verify`), so the report can be built after the test binaries exit.

use std::io::Write;
use std::time::Duration;

pub use sb_plan::record::{CheckRecord, RESULTS_ENV, read};

use crate::context::Op;
use crate::outcome::{Outcome, Status};
use crate::plan::Check;

static NOTES: std::sync::Mutex<std::collections::BTreeMap<(String, String), String>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Leaves a measurement for the record of `check` on `operation` (reports show it).
pub fn note(operation: &str, check: Check, detail: String) {
    let mut notes = NOTES.lock().unwrap_or_else(|p| p.into_inner());
    notes.insert((operation.to_string(), check.name().to_string()), detail);
}

fn take_note(operation: &str, check: Check) -> String {
    let mut notes = NOTES.lock().unwrap_or_else(|p| p.into_inner());
    notes
        .remove(&(operation.to_string(), check.name().to_string()))
        .unwrap_or_default()
}

/// Appends the record when `SB_RESULTS_FILE` is set; reporting must never fail a check,
/// so a write error is printed instead.
pub fn write(op: &Op, check: Check, outcome: &Outcome, elapsed: Duration) {
    let detail = take_note(op.id, check);
    let Ok(path) = std::env::var(RESULTS_ENV) else {
        return;
    };
    let record = CheckRecord {
        spec: op.spec.file.to_string(),
        operation: op.id.to_string(),
        check: check.name().to_string(),
        family: check.family().name().to_string(),
        status: Status::of(outcome),
        reason: outcome
            .as_ref()
            .err()
            .map(|f| f.reason.clone())
            .unwrap_or_default(),
        detail,
        duration_ms: elapsed.as_millis() as u64,
    };
    let mut line = serde_json::to_string(&record).expect("a record serialises");
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
