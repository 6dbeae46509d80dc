//! One check's recorded result, as test binaries append it to `SB_RESULTS_FILE` (one JSON
//! line each) and `cargo xtask verify` reads it back for the reports.

use serde::{Deserialize, Serialize};

use crate::outcome::{Measurement, Status};

/// One check's result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckRecord {
    pub spec: String,
    pub operation: String,
    pub check: String,
    pub family: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// What a passing check measured (latencies of the budget checks), in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// The same, as numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measurements: Vec<Measurement>,
    pub duration_ms: u64,
}

/// The environment variable naming the results file.
pub const RESULTS_ENV: &str = "SB_RESULTS_FILE";

/// Reads a results file; malformed lines are reported, not dropped silently.
pub fn read(path: &std::path::Path) -> Result<Vec<CheckRecord>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: not a check record: {e}", path.display(), n + 1))
        })
        .collect()
}
