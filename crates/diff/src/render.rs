//! The output formats of a diff: text grouped by operation (optionally coloured), JSON, a
//! Markdown PR comment grouped by level, operation and rule id, and a changelog for release
//! notes. Every format shows each change's rule id and level; changes accepted by an ignore
//! file are listed as accepted, never dropped.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::change::{Change, Level, Severity, Summary};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text; `color` adds ANSI colours.
    Text {
        /// Whether to colour the output.
        color: bool,
    },
    /// `{"summary": {...}, "changes": [...]}`.
    Json,
    /// A PR comment: summary counts, then a section per level, a table per operation.
    Markdown,
    /// Release notes: one bullet per change under a heading per level, no pointers.
    Changelog,
}

/// Renders `changes` (already sorted) in `format`; the output ends with a newline.
pub fn render(changes: &[Change], format: Format) -> String {
    match format {
        Format::Text { color } => text(changes, color),
        Format::Json => json(changes),
        Format::Markdown => markdown(changes),
        Format::Changelog => changelog(changes),
    }
}

/// Consecutive changes of one operation (or of one spec as a whole).
fn groups<'a>(changes: &[&'a Change]) -> Vec<Vec<&'a Change>> {
    changes
        .chunk_by(|a, b| {
            a.spec == b.spec && a.operation_id == b.operation_id && a.endpoint == b.endpoint
        })
        .map(<[&Change]>::to_vec)
        .collect()
}

fn heading(change: &Change) -> (String, String) {
    match (&change.operation_id, &change.endpoint) {
        (Some(id), Some(endpoint)) => (id.clone(), endpoint.clone()),
        (Some(id), None) => (id.clone(), String::new()),
        _ => ("(whole spec)".to_string(), String::new()),
    }
}

/// How a level reads in headings: `Breaking (error)`.
fn level_title(severity: Severity) -> &'static str {
    match severity {
        Severity::Breaking => "Breaking (error)",
        Severity::PotentiallyBreaking => "Potentially breaking (warning)",
        Severity::NonBreaking => "Non-breaking (info)",
    }
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, change: &Change) -> String {
        if change.ignored.is_some() {
            return self.wrap("2", &format!("{:<20}", "ignored"));
        }
        let padded = format!("{:<20}", change.severity.as_str());
        let code = match change.severity {
            Severity::Breaking => "1;31",
            Severity::PotentiallyBreaking => "33",
            Severity::NonBreaking => "32",
        };
        self.wrap(code, &padded)
    }
}

fn text(changes: &[Change], color: bool) -> String {
    let paint = Paint(color);
    let summary = Summary::of(changes);
    if changes.is_empty() {
        return "no API changes\n".to_string();
    }
    let mut out = format!("API changes: {}\n", summary.line());
    let all: Vec<&Change> = changes.iter().collect();
    let indent = " ".repeat(29);
    for group in groups(&all) {
        let (id, endpoint) = heading(group[0]);
        let title = if endpoint.is_empty() {
            format!("{} · {id}", group[0].spec)
        } else {
            format!("{} · {id} · {endpoint}", group[0].spec)
        };
        out.push('\n');
        out.push_str(&paint.wrap("1", &title));
        out.push('\n');
        for change in group {
            out.push_str(&format!(
                "  {} {:<7} {}\n",
                paint.severity(change),
                change.level.as_str(),
                change.id
            ));
            out.push_str(&format!("  {indent}{}\n", change.message));
            if let Some(reason) = &change.ignored {
                out.push_str(&format!("  {indent}accepted: {reason}\n"));
            }
            if !change.pointer.is_empty() {
                out.push_str(&format!(
                    "  {indent}{}\n",
                    paint.wrap("2", &format!("at {}", change.pointer))
                ));
            }
        }
    }
    out
}

fn json(changes: &[Change]) -> String {
    #[derive(Serialize)]
    struct Output<'a> {
        summary: Summary,
        changes: &'a [Change],
    }
    let output = Output {
        summary: Summary::of(changes),
        changes,
    };
    // Serialising plain strings, enums and integers cannot fail.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn code(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("`{}`", cell(text))
    }
}

/// The operation heading of a group: `` `generatePage` · `POST /sites` (generation) ``.
fn operation_heading(change: &Change) -> String {
    let (id, endpoint) = heading(change);
    let endpoint = if endpoint.is_empty() {
        String::new()
    } else {
        format!(" · `{endpoint}`")
    };
    format!("`{id}`{endpoint} ({})", change.spec)
}

/// Changes of one level regrouped by operation, each operation's rows sorted by rule id.
fn by_operation<'a>(changes: &[&'a Change]) -> Vec<Vec<&'a Change>> {
    let mut out = groups(changes);
    for group in &mut out {
        group.sort_by(|a, b| (&a.id, &a.pointer, &a.message).cmp(&(&b.id, &b.pointer, &b.message)));
    }
    out
}

fn markdown(changes: &[Change]) -> String {
    let summary = Summary::of(changes);
    let mut out = String::from("## API changes\n\n");
    if changes.is_empty() {
        out.push_str("No API changes.\n");
        return out;
    }
    let verdict = if summary.breaking > 0 {
        "**This change breaks existing clients.**"
    } else if summary.potentially_breaking > 0 {
        "**This change may break some clients.**"
    } else {
        "Existing clients keep working."
    };
    out.push_str(verdict);
    out.push_str("\n\n| Level | Count |\n|---|---:|\n");
    out.push_str(&format!("| breaking (error) | {} |\n", summary.breaking));
    out.push_str(&format!(
        "| potentially breaking (warning) | {} |\n",
        summary.potentially_breaking
    ));
    out.push_str(&format!(
        "| non-breaking (info) | {} |\n",
        summary.non_breaking
    ));
    if summary.ignored > 0 {
        out.push_str(&format!(
            "| accepted (ignore file) | {} |\n",
            summary.ignored
        ));
    }
    for severity in [
        Severity::Breaking,
        Severity::PotentiallyBreaking,
        Severity::NonBreaking,
    ] {
        let level: Vec<&Change> = changes
            .iter()
            .filter(|c| c.ignored.is_none() && c.severity == severity)
            .collect();
        if level.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {}\n", level_title(severity)));
        // Long lists of harmless changes would bury the ones that matter.
        let fold = severity == Severity::NonBreaking && level.len() > 10;
        if fold {
            out.push_str(&format!(
                "\n<details><summary>{} non-breaking changes</summary>\n",
                level.len()
            ));
        }
        for group in by_operation(&level) {
            out.push_str(&format!(
                "\n#### {}\n\n| Rule | Change | Pointer |\n|---|---|---|\n",
                operation_heading(group[0])
            ));
            for change in group {
                out.push_str(&format!(
                    "| `{}` | {} | {} |\n",
                    change.id,
                    cell(&change.message),
                    code(&change.pointer)
                ));
            }
        }
        if fold {
            out.push_str("\n</details>\n");
        }
    }
    let accepted: Vec<&Change> = changes.iter().filter(|c| c.ignored.is_some()).collect();
    if !accepted.is_empty() {
        out.push_str(
            "\n### Accepted (ignore file)\n\n| Level | Rule | Operation | Change | Reason |\n|---|---|---|---|---|\n",
        );
        for change in accepted {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                change.level.as_str(),
                change.id,
                operation_heading(change),
                cell(&change.message),
                cell(change.ignored.as_deref().unwrap_or_default())
            ));
        }
    }
    out
}

fn changelog(changes: &[Change]) -> String {
    let mut out = String::from("# API changelog\n");
    if changes.is_empty() {
        out.push_str("\nNo API changes.\n");
        return out;
    }
    // A section per level, then the accepted changes (`None`).
    let sections = [
        ("Breaking changes", Some(Level::Error)),
        ("Changes that may break some clients", Some(Level::Warning)),
        ("Other changes", Some(Level::Info)),
        ("Accepted changes", None),
    ];
    for (title, level) in sections {
        let keep = |c: &Change| match level {
            Some(level) => c.ignored.is_none() && c.level == level,
            None => c.ignored.is_some(),
        };
        // One bullet per operation and message, in the operations' order.
        let mut items: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        let mut order: Vec<(String, String)> = Vec::new();
        for change in changes.iter().filter(|c| keep(c)) {
            let who = match (&change.endpoint, &change.operation_id) {
                (Some(endpoint), Some(id)) => format!("`{endpoint}` ({id})"),
                _ => format!("{} spec", change.spec),
            };
            let mut line = format!("{} [{}]", change.message, change.id);
            if let Some(reason) = &change.ignored {
                line.push_str(&format!(": accepted, {reason}"));
            }
            let key = (change.spec.clone(), who);
            if !items.contains_key(&key) {
                order.push(key.clone());
            }
            let lines = items.entry(key).or_default();
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        if order.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {title}\n\n"));
        for key in order {
            let lines = items.remove(&key).unwrap_or_default();
            for line in lines {
                out.push_str(&format!("- {}: {line}\n", key.1));
            }
        }
    }
    out
}
