//! Budgets as the specs give them: each operation's `x-slo`, read through the model
//! (`sb_spec::Slo`). Every budget a suite check or a perf row is judged against comes from
//! here; a key the spec does not give is an error naming the operation, its spec and the
//! key, never a default.

use std::time::Duration;

use sb_runtime::Failure;
use sb_spec::{SLO_KEYS, Slo, Spec};
use sitebuilder_contract::specs;

/// One key of `x-slo` (openapi/EXTENSIONS.md), in the order of [`SLO_KEYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AvgMs,
    P95Ms,
    MaxMs,
    FirstChunkMs,
    LastChunkMs,
    ConcurrentCalls,
    ConcurrentSuccessPct,
    ConcurrentMaxMs,
    RatePerMinute,
    ErrorPct,
}

impl Key {
    /// Every key, in the order of [`SLO_KEYS`].
    pub const ALL: [Key; 10] = [
        Key::AvgMs,
        Key::P95Ms,
        Key::MaxMs,
        Key::FirstChunkMs,
        Key::LastChunkMs,
        Key::ConcurrentCalls,
        Key::ConcurrentSuccessPct,
        Key::ConcurrentMaxMs,
        Key::RatePerMinute,
        Key::ErrorPct,
    ];

    /// The key as the spec writes it (`firstChunkMs`), from the model's list.
    pub fn name(self) -> &'static str {
        SLO_KEYS[self as usize]
    }

    /// Its value in `slo`.
    pub fn of(self, slo: &Slo) -> Option<u64> {
        match self {
            Key::AvgMs => slo.avg_ms,
            Key::P95Ms => slo.p95_ms,
            Key::MaxMs => slo.max_ms,
            Key::FirstChunkMs => slo.first_chunk_ms,
            Key::LastChunkMs => slo.last_chunk_ms,
            Key::ConcurrentCalls => slo.concurrent_calls,
            Key::ConcurrentSuccessPct => slo.concurrent_success_pct,
            Key::ConcurrentMaxMs => slo.concurrent_max_ms,
            Key::RatePerMinute => slo.rate_per_minute,
            Key::ErrorPct => slo.error_pct,
        }
    }
}

/// `key` of `operation`'s `slo`, or a sentence naming the operation, its spec `file` and the
/// missing key.
pub fn require(slo: &Slo, operation: &str, file: &str, key: Key) -> Result<u64, String> {
    key.of(slo).ok_or_else(|| {
        format!(
            "{operation} ({file}) has no x-slo `{}`; add it to the operation's x-slo \
             (openapi/EXTENSIONS.md)",
            key.name()
        )
    })
}

/// One operation's budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Budgeted {
    /// The operationId.
    pub operation: String,
    /// The spec it is documented in.
    pub file: String,
    pub slo: Slo,
}

/// The `x-slo` of every operation of a set of specs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Budgets {
    operations: Vec<Budgeted>,
}

impl Budgets {
    /// The budgets of every operation of `specs`; an error when a spec's operations cannot be
    /// read (the spec's own message, naming the file and pointer).
    pub fn of<'a>(specs: impl IntoIterator<Item = &'a Spec>) -> Result<Budgets, String> {
        let mut operations = Vec::new();
        for spec in specs {
            for operation in spec.operations().map_err(|e| e.to_string())? {
                operations.push(Budgeted {
                    operation: operation.id,
                    file: spec.file.display().to_string(),
                    slo: operation.slo,
                });
            }
        }
        Ok(Budgets { operations })
    }

    /// The budgets of the specs compiled in (`sitebuilder_contract::specs::ALL`).
    pub fn compiled() -> Result<Budgets, Failure> {
        let parsed = specs::ALL
            .iter()
            .map(|spec| crate::contract::spec(*spec))
            .collect::<Result<Vec<_>, Failure>>()?;
        Budgets::of(parsed.iter().map(|spec| spec.as_ref())).map_err(Failure::new)
    }

    /// The budget of `operation`, if a spec documents it.
    pub fn operation(&self, operation: &str) -> Option<&Budgeted> {
        self.operations.iter().find(|b| b.operation == operation)
    }

    /// `key` of `operation`'s `x-slo`, or why there is none.
    pub fn get(&self, operation: &str, key: Key) -> Result<u64, String> {
        let budgeted = self.operation(operation).ok_or_else(|| {
            format!(
                "no spec documents the operation {operation}, so it has no x-slo `{}`",
                key.name()
            )
        })?;
        require(&budgeted.slo, operation, &budgeted.file, key)
    }

    /// [`Budgets::get`] of a latency key as a duration.
    pub fn duration(&self, operation: &str, key: Key) -> Result<Duration, String> {
        self.get(operation, key).map(Duration::from_millis)
    }

    /// The smallest `key` among `operations`: a measurement that mixes them (the load) is
    /// held to the strictest of their budgets. Any operation without the key is an error.
    pub fn strictest(&self, operations: &[&str], key: Key) -> Result<u64, String> {
        let mut least: Option<u64> = None;
        for operation in operations {
            let value = self.get(operation, key)?;
            least = Some(least.map_or(value, |l| l.min(value)));
        }
        least.ok_or_else(|| format!("no operation to read x-slo `{}` of", key.name()))
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Specs written for a test, with the operations the suites measure and chosen budgets.

    use std::path::Path;

    use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
