//! The ignore file of `cargo xtask diff --ignore FILE`: changes the API team accepted, each
//! named by rule id and operation with the reason. Matching changes stay in every report,
//! marked accepted with their reason, and no longer count towards `--fail-on`.
//!
//! Two forms are read. YAML, a list (or `ignore:` holding a list) of
//! `{id, operation, reason}` maps; or plain lines `RULE-ID OPERATION REASON...`, where
//! OPERATION is an operationId, `METHOD /path`, or `*` for any, and `#` starts a comment.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::Value as Yaml;

use crate::change::Change;
use crate::error::DiffError;
use crate::rules;

/// One accepted change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The rule id (`response-optional-property-removed`).
    pub id: String,
    /// An operationId, `METHOD /path`, or `*`.
    pub operation: String,
    /// Why the change is accepted; shown next to the change.
    pub reason: String,
    /// The line of the entry in the file (1-based), for messages.
    pub line: usize,
}

/// The entries of one ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreList {
    /// The file read.
    pub file: PathBuf,
    /// Its entries in file order.
    pub entries: Vec<IgnoreEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlEntry {
    id: String,
    operation: String,
    reason: String,
}

const METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

impl IgnoreList {
    /// Reads an ignore file.
    pub fn load(file: &Path) -> Result<IgnoreList, DiffError> {
        let text = std::fs::read_to_string(file).map_err(|e| DiffError::Ignore {
            file: file.to_path_buf(),
            line: 0,
            message: format!("cannot read it: {e}; pass an existing file to --ignore"),
        })?;
        IgnoreList::parse(file, &text)
    }

    /// Parses ignore file text; `file` names it in errors.
    pub fn parse(file: &Path, text: &str) -> Result<IgnoreList, DiffError> {
        let error = |line: usize, message: String| DiffError::Ignore {
            file: file.to_path_buf(),
            line,
            message,
        };
        // A plain-lines file parses as one YAML string (or not at all); only a list is YAML.
        let yaml: Option<Yaml> = serde_yaml::from_str(text).ok();
        let list = match yaml {
            Some(Yaml::Sequence(list)) => Some(list),
            Some(Yaml::Mapping(map)) => match map.get("ignore") {
                Some(Yaml::Sequence(list)) => Some(list.clone()),
                _ => {
                    return Err(error(
                        1,
                        "a YAML ignore file is a list of {id, operation, reason} maps, or `ignore:` holding one".to_string(),
                    ));
                }
            },
            _ => None,
        };
        let mut entries = Vec::new();
        match list {
            Some(list) => {
                let lines = entry_lines(text);
                for (index, item) in list.into_iter().enumerate() {
                    let line = lines.get(index).copied().unwrap_or(0);
                    let entry: YamlEntry = serde_yaml::from_value(item).map_err(|e| {
                        error(
                            line,
                            format!("entry {} is not {{id, operation, reason}}: {e}", index + 1),
                        )
                    })?;
                    entries.push(IgnoreEntry {
                        id: entry.id.trim().to_string(),
                        operation: entry.operation.trim().to_string(),
                        reason: entry.reason.trim().to_string(),
                        line,
                    });
                }
            }
            None => {
                for (index, raw) in text.lines().enumerate() {
                    let line = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
                    if line.is_empty() {
                        continue;
                    }
                    entries.push(plain_line(line, index + 1).map_err(|m| error(index + 1, m))?);
                }
            }
        }
        for entry in &entries {
            if rules::find(&entry.id).is_none() {
                return Err(error(
                    entry.line,
                    format!(
                        "unknown rule id `{}`; use an id printed by `cargo xtask diff` (see crates/diff/RULES.md)",
                        entry.id
                    ),
                ));
            }
            if entry.operation.is_empty() {
                return Err(error(
                    entry.line,
                    "no operation; give an operationId, `METHOD /path`, or `*`".to_string(),
                ));
            }
            if entry.reason.is_empty() {
                return Err(error(
                    entry.line,
                    format!(
                        "`{}` has no reason; say why the change is accepted",
                        entry.id
                    ),
                ));
            }
        }
        Ok(IgnoreList {
            file: file.to_path_buf(),
            entries,
        })
    }

    /// Marks every change an entry matches as accepted (with the entry's reason), and
    /// returns the entries that matched nothing, so stale ones can be reported.
    pub fn apply(&self, changes: &mut [Change]) -> Vec<&IgnoreEntry> {
        let mut used = vec![false; self.entries.len()];
        for change in changes.iter_mut() {
            if let Some((index, entry)) = self
                .entries
                .iter()
                .enumerate()
                .find(|(_, e)| matches(e, change))
            {
                change.ignored = Some(entry.reason.clone());
                used[index] = true;
            }
        }
        self.entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(entry, _)| entry)
            .collect()
    }
}

fn matches(entry: &IgnoreEntry, change: &Change) -> bool {
    if entry.id != change.id {
        return false;
    }
    if entry.operation == "*" {
        return true;
    }
    if change.operation_id.as_deref() == Some(entry.operation.as_str()) {
        return true;
    }
    // `post /sites/{id}` matches `POST /sites/{tenantId}`: a method and a path whose
    // parameter names may differ.
    let Some((method, path)) = entry.operation.split_once(' ') else {
        return false;
    };
    change.endpoint.as_deref().is_some_and(|endpoint| {
        endpoint.split_once(' ').is_some_and(|(m, p)| {
            m.eq_ignore_ascii_case(method)
                && crate::operation::normalise(p) == crate::operation::normalise(path.trim())
        })
    })
}

/// `RULE-ID OPERATION REASON...`, OPERATION being one word or `METHOD /path`.
fn plain_line(line: &str, number: usize) -> Result<IgnoreEntry, String> {
    let mut words = line.split_whitespace();
    let id = words.next().unwrap_or_default().to_string();
    let first = words.next().ok_or_else(|| {
        format!("`{line}` has no operation; write `RULE-ID OPERATION REASON` (OPERATION: operationId, `METHOD /path` or `*`)")
    })?;
    let operation = if METHODS.contains(&first.to_ascii_uppercase().as_str()) {
        let path = words
            .next()
            .ok_or_else(|| format!("`{line}`: `{first}` needs a path after it"))?;
        format!("{} {path}", first.to_ascii_uppercase())
    } else {
        first.to_string()
    };
    let reason = words.collect::<Vec<_>>().join(" ");
    Ok(IgnoreEntry {
        id,
        operation,
        reason,
        line: number,
    })
}

/// The line numbers where top-level YAML list items start (`- ...` at the smallest indent),
/// so errors can point at an entry.
fn entry_lines(text: &str) -> Vec<usize> {
    let items: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let indent = l.len() - l.trim_start().len();
            l.trim_start().starts_with("- ").then_some((i + 1, indent))
        })
        .collect();
    let Some(min) = items.iter().map(|(_, indent)| *indent).min() else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter(|(_, indent)| *indent == min)
        .map(|(line, _)| line)
        .collect()
}
