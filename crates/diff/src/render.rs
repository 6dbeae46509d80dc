//! The three output formats of a diff: text grouped by operation (optionally coloured),
//! JSON, and a Markdown PR comment.

use serde::Serialize;

use crate::change::{Change, Severity, Summary};

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
    /// A PR comment: summary counts, then a table per operation.
    Markdown,
}

/// Renders `changes` (already sorted) in `format`; the output ends with a newline.
pub fn render(changes: &[Change], format: Format) -> String {
    match format {
        Format::Text { color } => text(changes, color),
        Format::Json => json(changes),
        Format::Markdown => markdown(changes),
    }
}

/// Consecutive changes of one operation (or of one spec as a whole).
fn groups(changes: &[Change]) -> Vec<&[Change]> {
    changes
        .chunk_by(|a, b| {
            a.spec == b.spec && a.operation_id == b.operation_id && a.endpoint == b.endpoint
        })
        .collect()
}

fn heading(change: &Change) -> (String, String) {
    match (&change.operation_id, &change.endpoint) {
        (Some(id), Some(endpoint)) => (id.clone(), endpoint.clone()),
        (Some(id), None) => (id.clone(), String::new()),
        _ => ("(whole spec)".to_string(), String::new()),
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

    fn severity(&self, severity: Severity) -> String {
        let padded = format!("{:<20}", severity.as_str());
        let code = match severity {
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
    for group in groups(changes) {
        let (id, endpoint) = heading(&group[0]);
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
                "  {} {:<16} {}\n",
                paint.severity(change.severity),
                change.area.as_str(),
                change.message
            ));
            if !change.pointer.is_empty() {
                out.push_str(&format!(
                    "  {:<20} {:<16} {}\n",
                    "",
                    "",
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
    out.push_str("\n\n| Severity | Count |\n|---|---:|\n");
    out.push_str(&format!("| breaking | {} |\n", summary.breaking));
    out.push_str(&format!(
        "| potentially breaking | {} |\n",
        summary.potentially_breaking
    ));
    out.push_str(&format!("| non-breaking | {} |\n", summary.non_breaking));
    for group in groups(changes) {
        let (id, endpoint) = heading(&group[0]);
        let endpoint = if endpoint.is_empty() {
            String::new()
        } else {
            format!(" · `{endpoint}`")
        };
        out.push_str(&format!(
            "\n### `{id}`{endpoint} ({})\n\n| Severity | Area | Change | Pointer |\n|---|---|---|---|\n",
            group[0].spec
        ));
        for change in group {
            let severity = match change.severity {
                Severity::Breaking => "**breaking**",
                Severity::PotentiallyBreaking => "potentially breaking",
                Severity::NonBreaking => "non-breaking",
            };
            let pointer = if change.pointer.is_empty() {
                String::new()
            } else {
                format!("`{}`", cell(&change.pointer))
            };
            out.push_str(&format!(
                "| {severity} | {} | {} | {pointer} |\n",
                change.area.as_str(),
                cell(&change.message)
            ));
        }
    }
    out
}
