//! The budgets the suites judge by (`sb_suites::budget`): each operation's `x-slo` read
//! through the model, and a missing key named with its operation and spec. `testing` writes
//! specs with chosen budgets for the perf report's tests.

use std::time::Duration;

use sb_spec::{SLO_KEYS, Slo};
use sb_suites::budget::{Budgets, Key};

pub mod testing {
    //! Specs written for a test, with the operations the suites measure and chosen budgets.

    use std::path::Path;

    use sb_spec::Spec;
    use sb_suites::budget::Budgets;

    /// A spec `file` holding one GET operation per `(operationId, x-slo as YAML flow map)`.
    pub fn spec(file: &str, operations: &[(&str, &str)]) -> Spec {
        let mut text = String::from(
            "openapi: 3.0.3\ninfo: {title: test, version: '1'}\nservers:\n  - url: http://127.0.0.1:8080/v1\n    description: local test provider\n  - url: https://api.example.test/v1\n    description: staging\npaths:\n",
        );
        for (id, slo) in operations {
            text.push_str(&format!(
                "  /{id}:\n    get:\n      operationId: {id}\n      x-slo: {slo}\n      responses:\n        '200': {{description: ok}}\n"
            ));
        }
        Spec::from_str(Path::new(file), &text).expect("the test spec parses")
    }

    /// Budgets for every operation the perf suite measures, as the real specs give them
    /// except where `overrides` replaces an operation's x-slo.
    pub fn budgets(overrides: &[(&str, &str)]) -> Budgets {
        let defaults = [
            (
                "listTemplates",
                "{avgMs: 10, p95Ms: 20, ratePerMinute: 100, errorPct: 5}",
            ),
            ("getGeneration", "{avgMs: 10, p95Ms: 20}"),
            (
                "generatePage",
                "{firstChunkMs: 2000, lastChunkMs: 60000, concurrentCalls: 10, concurrentSuccessPct: 80, concurrentMaxMs: 120000}",
            ),
            ("generateLogo", "{maxMs: 30000}"),
            (
                "validateSite",
                "{avgMs: 10, p95Ms: 20, ratePerMinute: 100, errorPct: 5}",
            ),
        ];
        let operations: Vec<(&str, &str)> = defaults
            .iter()
            .map(|(id, slo)| {
                let slo = overrides
                    .iter()
                    .find(|(o, _)| o == id)
                    .map_or(*slo, |(_, s)| *s);
                (*id, slo)
            })
            .collect();
        let spec = spec("openapi/test-api.yaml", &operations);
        Budgets::of([&spec]).expect("budgets of the test spec")
    }
}

#[test]
fn keys_are_named_as_the_model_lists_them() {
    let names: Vec<&str> = Key::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(names, SLO_KEYS);
    let slo = Slo {
        first_chunk_ms: Some(2000),
        error_pct: Some(5),
        ..Slo::default()
    };
    assert_eq!(Key::FirstChunkMs.of(&slo), Some(2000));
    assert_eq!(Key::ErrorPct.of(&slo), Some(5));
    assert_eq!(Key::MaxMs.of(&slo), None);
}

#[test]
fn budgets_are_read_from_the_compiled_specs() {
    let budgets = Budgets::compiled().expect("the compiled specs load");
    let get = |op: &str, key| budgets.get(op, key).expect("a budget");
    assert_eq!(get("generatePage", Key::FirstChunkMs), 2000);
    assert_eq!(get("generatePage", Key::LastChunkMs), 60_000);
    assert_eq!(get("generatePage", Key::ConcurrentCalls), 10);
    assert_eq!(get("generatePage", Key::ConcurrentSuccessPct), 80);
    assert_eq!(get("generatePage", Key::ConcurrentMaxMs), 120_000);
    assert_eq!(get("generateLogo", Key::MaxMs), 30_000);
    assert_eq!(get("listTemplates", Key::AvgMs), 10);
    assert_eq!(get("getGeneration", Key::P95Ms), 20);
    assert_eq!(get("validateSite", Key::RatePerMinute), 100);
    assert_eq!(get("validateSite", Key::ErrorPct), 5);
    assert_eq!(
        budgets.duration("generateLogo", Key::MaxMs),
        Ok(Duration::from_secs(30))
    );
    assert_eq!(
        budgets.operation("generatePage").map(|b| b.file.as_str()),
        Some("openapi/generation-api.yaml")
    );
}

#[test]
fn budgets_follow_the_spec_numbers() {
    let budgets = testing::budgets(&[("generatePage", "{firstChunkMs: 2500}")]);
    assert_eq!(budgets.get("generatePage", Key::FirstChunkMs), Ok(2500));
}

#[test]
fn a_missing_key_names_the_operation_the_spec_and_the_key() {
    let budgets = testing::budgets(&[("generatePage", "{lastChunkMs: 60000}")]);
    let error = budgets
        .get("generatePage", Key::FirstChunkMs)
        .expect_err("firstChunkMs is missing");
    assert_eq!(
        error,
        "generatePage (openapi/test-api.yaml) has no x-slo `firstChunkMs`; add it to the \
         operation's x-slo (openapi/EXTENSIONS.md)"
    );
    let unknown = budgets
        .get("deletePage", Key::AvgMs)
        .expect_err("no such operation");
    assert!(
        unknown.contains("deletePage") && unknown.contains("`avgMs`"),
        "{unknown}"
    );
}

#[test]
fn a_mix_is_held_to_its_strictest_budget_and_every_operation_must_have_one() {
    let budgets = testing::budgets(&[
        (
            "listTemplates",
            "{p95Ms: 20, errorPct: 5, ratePerMinute: 100}",
        ),
        ("validateSite", "{p95Ms: 50, ratePerMinute: 60}"),
    ]);
    let mix = ["listTemplates", "validateSite"];
    assert_eq!(budgets.strictest(&mix, Key::P95Ms), Ok(20));
    assert_eq!(budgets.strictest(&mix, Key::RatePerMinute), Ok(60));
    let error = budgets
        .strictest(&mix, Key::ErrorPct)
        .expect_err("validateSite has no errorPct");
    assert!(
        error.starts_with("validateSite (openapi/test-api.yaml) has no x-slo `errorPct`"),
        "{error}"
    );
}
