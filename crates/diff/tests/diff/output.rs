//! Snapshots of the three output formats for one realistic change: `brandScore` renamed
//! to `score` in the generation stream's CompleteEvent.

use sb_diff::{Format, render};

use crate::real::{edited, rename_brand_score};

fn changes() -> Vec<sb_diff::Change> {
    edited("generation", rename_brand_score).0
}

#[test]
fn text_report() {
    insta::assert_snapshot!("text", render(&changes(), Format::Text { color: false }));
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!("markdown", render(&changes(), Format::Markdown));
}

#[test]
fn json_report() {
    insta::assert_snapshot!("json", render(&changes(), Format::Json));
}

#[test]
fn colour_only_when_asked() {
    let coloured = render(&changes(), Format::Text { color: true });
    assert!(coloured.contains("\x1b[1;31mbreaking"), "{coloured}");
    let plain = render(&changes(), Format::Text { color: false });
    assert!(!plain.contains('\x1b'));
}

#[test]
fn no_changes_reads_as_such() {
    assert_eq!(
        render(&[], Format::Text { color: false }),
        "no API changes\n"
    );
    assert!(render(&[], Format::Markdown).contains("No API changes."));
    let json: serde_json::Value = serde_json::from_str(&render(&[], Format::Json)).unwrap();
    assert_eq!(json["summary"]["breaking"], 0);
}
