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
