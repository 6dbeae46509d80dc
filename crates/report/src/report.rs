//! Reports of a verify run: the operation × family table for the terminal, JUnit XML for
//! CI, and a markdown report, all from the recorded check results.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::Family;
use crate::outcome::Status;
use crate::record::CheckRecord;

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub pass: usize,
    pub fail: usize,
    pub skip: usize,
}

/// Counts the records by status.
pub fn totals(records: &[CheckRecord]) -> Totals {
    let mut totals = Totals::default();
    for record in records {
        match record.status {
            Status::Pass => totals.pass += 1,
            Status::Fail => totals.fail += 1,
            Status::Skip => totals.skip += 1,
        }
    }
    totals
}

/// `(operation, family) -> records`, operations sorted by spec then id.
fn grid(
    records: &[CheckRecord],
) -> BTreeMap<(String, String), BTreeMap<String, Vec<&CheckRecord>>> {
    let mut grid: BTreeMap<_, BTreeMap<String, Vec<&CheckRecord>>> = BTreeMap::new();
    for record in records {
        grid.entry((record.spec.clone(), record.operation.clone()))
            .or_default()
            .entry(record.family.clone())
            .or_default()
            .push(record);
    }
    grid
}

fn cell(records: Option<&Vec<&CheckRecord>>) -> String {
    let Some(records) = records else {
        return "-".to_string();
    };
    let failed = records.iter().filter(|r| r.status == Status::Fail).count();
    let passed = records.iter().filter(|r| r.status == Status::Pass).count();
    if failed > 0 {
        format!("FAIL {failed}/{}", records.len())
    } else if passed == 0 {
        "skip".to_string()
    } else {
        format!("ok {passed}")
    }
}

/// The terminal table: one row per operation, one column per family, then the failures.
pub fn table(records: &[CheckRecord]) -> String {
    let grid = grid(records);
    let op_width = grid
        .keys()
        .map(|(_, op)| op.len())
        .max()
        .unwrap_or(9)
        .max(9);
    let mut out = String::new();
    let _ = write!(out, "{:<op_width$}", "operation");
    for family in Family::ALL {
        let _ = write!(out, " | {:<11}", family.name());
    }
    out.push('\n');
    out.push_str(&"-".repeat(op_width + Family::ALL.len() * 14));
    out.push('\n');
    for ((_, op), families) in &grid {
        let _ = write!(out, "{op:<op_width$}");
        for family in Family::ALL {
            let _ = write!(out, " | {:<11}", cell(families.get(family.name())));
        }
        out.push('\n');
    }
    let failures: Vec<_> = records
        .iter()
        .filter(|r| r.status == Status::Fail)
        .collect();
    // Once the target stopped accepting connections, every remaining check fails with the
    // same message: said once, with how many checks it cost, not once per check.
    let (unreachable, failures): (Vec<_>, Vec<_>) = failures
        .into_iter()
        .partition(|r| r.reason.starts_with(crate::outcome::UNREACHABLE));
    if let Some(first) = unreachable.first() {
        let _ = writeln!(
            out,
            "\n{} checks not run: {}",
            unreachable.len(),
            first.reason
        );
    }
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        for record in failures {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                record.operation, record.check, record.reason
            );
        }
    }
    let measured: Vec<_> = records.iter().filter(|r| !r.detail.is_empty()).collect();
    if !measured.is_empty() {
        out.push_str("\nmeasured:\n");
        for record in measured {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                record.operation, record.check, record.detail
            );
        }
    }
    let skips: Vec<_> = records
        .iter()
        .filter(|r| r.status == Status::Skip)
        .collect();
    if !skips.is_empty() {
        out.push_str("\nskipped:\n");
        for record in skips {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                record.operation, record.check, record.reason
            );
        }
    }
    let t = totals(records);
    let _ = writeln!(
        out,
        "\n{} checks: {} passed, {} failed, {} skipped",
        records.len(),
        t.pass,
        t.fail,
        t.skip
    );
    out
}

/// JUnit XML for CI viewers (GitLab, Jenkins): one test suite per spec, one test case per
/// check named after it, with the class `operation.family` so that viewers group the cases by
/// operation, then by family. The target is a `<property>` of each suite, not part of a class
/// name: a URL's dots would split it into bogus packages.
pub fn junit(records: &[CheckRecord], target: &str) -> Result<String, String> {
    use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("sitebuilder-contract");
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for record in records {
        let suite = suites.entry(record.spec.as_str()).or_insert_with(|| {
            let mut suite = TestSuite::new(record.spec.clone());
            suite.add_property(Property::new("target", target));
            suite.add_property(Property::new("spec", record.spec.clone()));
            suite
        });
        let status = match record.status {
            Status::Pass => TestCaseStatus::success(),
            Status::Fail => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(record.reason.clone());
                status
            }
            Status::Skip => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(record.reason.clone());
                status
            }
        };
        let mut case = TestCase::new(record.check.clone(), status);
        case.set_classname(format!("{}.{}", record.operation, record.family));
        case.set_time(std::time::Duration::from_millis(record.duration_ms));
        suite.add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
    report
        .to_string()
        .map_err(|e| format!("cannot write JUnit XML: {e}"))
}

/// The markdown report.
pub fn markdown(records: &[CheckRecord], target: &str, date: &str) -> String {
    let t = totals(records);
    let mut out = String::new();
    let _ = writeln!(out, "# Contract verification report\n");
    let _ = writeln!(out, "- Target: {target}");
    let _ = writeln!(out, "- Date: {date}");
    let _ = writeln!(
        out,
        "- Result: **{}** ({} checks: {} passed, {} failed, {} skipped)\n",
        if t.fail == 0 { "PASS" } else { "FAIL" },
        records.len(),
        t.pass,
        t.fail,
        t.skip
    );
    let _ = write!(out, "| operation |");
    for family in Family::ALL {
        let _ = write!(out, " {} |", family.name());
    }
    let _ = write!(out, "\n|---|");
    for _ in Family::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for ((spec, op), families) in grid(records) {
        let _ = write!(out, "| `{op}` ({spec}) |");
        for family in Family::ALL {
            let _ = write!(out, " {} |", cell(families.get(family.name())));
        }
        out.push('\n');
    }
    let measured: Vec<_> = records.iter().filter(|r| !r.detail.is_empty()).collect();
    if !measured.is_empty() {
        let _ = writeln!(out, "\n## Measurements\n");
        let _ = writeln!(out, "| operation | check | measured |\n|---|---|---|");
        for r in measured {
            let _ = writeln!(out, "| `{}` | {} | {} |", r.operation, r.check, r.detail);
        }
    }
    let failures: Vec<_> = records
        .iter()
        .filter(|r| r.status != Status::Pass)
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\n## Failures and skips\n");
        let _ = writeln!(
            out,
            "| operation | check | status | reason |\n|---|---|---|---|"
        );
        for r in failures {
            let status = if r.status == Status::Fail {
                "FAIL"
            } else {
                "skip"
            };
            let reason = r.reason.replace('|', "\\|").replace('\n', " ");
            let _ = writeln!(
                out,
                "| `{}` | {} | {status} | {reason} |",
                r.operation, r.check
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(op: &str, check: &str, family: &str, status: Status, reason: &str) -> CheckRecord {
        CheckRecord {
            spec: "openapi/x.yaml".into(),
            operation: op.into(),
            check: check.into(),
            family: family.into(),
            status,
            reason: reason.into(),
            detail: String::new(),
            measurements: Vec::new(),
            duration_ms: 3,
        }
    }

    #[test]
    fn table_shows_failures_with_reasons() {
        let records = vec![
            record(
                "listTemplates",
                "conformance",
                "conformance",
                Status::Pass,
                "",
            ),
            record(
                "listTemplates",
                "auth_alg_none",
                "auth",
                Status::Fail,
                "expected status 401, got 200",
            ),
        ];
        let table = table(&records);
        assert!(table.contains("FAIL 1/1"), "{table}");
        assert!(table.contains("listTemplates auth_alg_none: expected status 401, got 200"));
        assert!(table.contains("2 checks: 1 passed, 1 failed, 0 skipped"));
    }

    #[test]
    fn an_unreachable_target_is_reported_once() {
        let down = "target unreachable since 10:00:00 UTC (connection refused)";
        let records: Vec<_> = (0..200)
            .map(|i| record(&format!("op{i}"), "c", "auth", Status::Fail, down))
            .chain([record(
                "first",
                "c",
                "auth",
                Status::Fail,
                "connection refused",
            )])
            .collect();
        let table = table(&records);
        assert_eq!(table.matches(down).count(), 1, "{table}");
        assert!(
            table.contains(&format!("200 checks not run: {down}")),
            "{table}"
        );
        assert!(table.contains("first c: connection refused"), "{table}");
    }

    #[test]
    fn junit_has_a_failure_element() {
        let records = vec![record("op", "c", "auth", Status::Fail, "boom")];
        let xml = junit(&records, "embedded").unwrap();
        assert!(xml.contains("<failure"), "{xml}");
        assert!(xml.contains("boom"));
    }

    #[test]
    fn junit_classes_are_operation_and_family_and_the_target_is_a_property() {
        let records = vec![
            record("listTemplates", "auth_alg_none", "auth", Status::Pass, ""),
            record(
                "listTemplates",
                "status_ok",
                "conformance",
                Status::Pass,
                "",
            ),
        ];
        let target = "https://api.dev.kimmyai.io/v1";
        let xml = junit(&records, target).unwrap();
        assert_eq!(xml.matches("<testsuite ").count(), 1, "{xml}");
        assert!(
            xml.contains(r#"<testcase name="auth_alg_none" classname="listTemplates.auth""#),
            "{xml}"
        );
        assert!(xml.contains(r#"classname="listTemplates.conformance""#));
        assert!(xml.contains(&format!(r#"<property name="target" value="{target}"/>"#)));
        assert_eq!(
            xml.matches(target).count(),
            1,
            "the URL only in the property: {xml}"
        );
    }
}
