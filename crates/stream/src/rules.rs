//! The one rule set on an event stream as a whole: its end, progress, the terminal event,
//! the error event and the time budgets, as pure functions of a recorded stream and the
//! stream's contract ([`sb_spec::EventStream`], with its `x-stream` semantics) and budget
//! ([`sb_spec::Slo`]). The generated checks, the typed check, the suites, `compat --live`,
//! the proxy and the perf report all judge streams with these functions, so they cannot
//! disagree. Each event on its own (JSON, documented type, schema) is judged by `sb-rules`.

use std::time::Duration;

use sb_spec::{EventStream, Slo};
use serde_json::Value;

use crate::reader::{SseEvent, SseLimits, SseRecording, StreamEnd};

/// A rule's verdict: `Err` says what is wrong, in a sentence fragment.
pub type Rule<T = ()> = Result<T, String>;

/// How long a stream is read when its operation gives no `lastChunkMs`.
pub const DEFAULT_TOTAL: Duration = Duration::from_secs(60);
/// The longest read any budget can ask for (a spec's number is bounded before it drives a wait).
pub const MAX_TOTAL: Duration = Duration::from_secs(3600);

/// The limits for reading a stream of an operation with budget `slo`: to its `lastChunkMs`
/// (bounded by [`MAX_TOTAL`]), else [`DEFAULT_TOTAL`], silent for at most `idle`.
pub fn limits(slo: &Slo, idle: Duration) -> SseLimits {
    let total = slo
        .last_chunk_ms
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_TOTAL)
        .min(MAX_TOTAL);
    SseLimits::new(idle, total)
}

/// Whether `event` ends the stream under `contract` (its type is a terminal one).
pub fn is_terminal(contract: &EventStream, event: &SseEvent) -> bool {
    serde_json::from_str::<Value>(&event.data)
        .ok()
        .and_then(|v| contract.type_of(&v).map(|t| contract.is_terminal(t)))
        .unwrap_or(false)
}

/// One event of a recording, read as the contract's event.
#[derive(Debug, Clone)]
pub struct Event {
    /// When it was complete, from the send time.
    pub at: Duration,
    /// Its `event:` field, if any.
    pub name: Option<String>,
    /// Its `data:`.
    pub data: String,
    /// The data as JSON, or why it is not JSON.
    pub json: Result<Value, String>,
    /// Its type (the contract's type property), when the data is JSON and names one.
    pub kind: Option<String>,
}

/// A recorded stream judged against its contract.
#[derive(Debug, Clone)]
pub struct Judged<'c> {
    pub contract: &'c EventStream,
    pub events: Vec<Event>,
    pub end: StreamEnd,
    pub stray_lines: Vec<String>,
}

/// Time to the first content event and to the end, from the send time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// The first content event (`x-stream` `content`), or the first event without one.
    pub first_content: Option<Duration>,
    /// The terminal event, or the last event without semantics.
    pub last: Option<Duration>,
}

impl Timings {
    /// `time to first chunk 153 ms, to last event 882 ms`, for reports.
    pub fn describe(&self, events: usize) -> String {
        let ms = |d: Option<Duration>| {
            d.map(|d| format!("{} ms", d.as_millis()))
                .unwrap_or_else(|| "none".into())
        };
        format!(
            "time to first chunk {}, to last event {} ({events} events)",
            ms(self.first_content),
            ms(self.last)
        )
    }
}

impl<'c> Judged<'c> {
    /// Reads `recording`'s events as `contract`'s.
    pub fn new(contract: &'c EventStream, recording: SseRecording) -> Judged<'c> {
        let events = recording
            .events
            .into_iter()
            .map(|e| {
                let json = serde_json::from_str::<Value>(&e.data).map_err(|err| err.to_string());
                let kind = json
                    .as_ref()
                    .ok()
                    .and_then(|v| contract.type_of(v))
                    .map(str::to_string);
                Event {
                    at: e.at,
                    name: e.event,
                    data: e.data,
                    json,
                    kind,
                }
            })
            .collect();
        Judged {
            contract,
            events,
            end: recording.end,
            stray_lines: recording.stray_lines,
        }
    }

    fn semantics_names(&self) -> String {
        self.contract
            .semantics
            .as_ref()
            .map(|s| s.terminal.join(" or "))
            .unwrap_or_default()
    }

    /// The stream ended cleanly: not stalled, not past its deadline, not broken, and, when
    /// the contract names terminal events, not closed before one.
    pub fn ended(&self) -> Rule {
        if let Some(problem) = self.end.problem(self.events.len()) {
            return Err(problem);
        }
        let has_terminals = self
            .contract
            .semantics
            .as_ref()
            .is_some_and(|s| !s.terminal.is_empty());
        if has_terminals && !self.events.iter().any(|e| self.is_terminal(e)) {
            return Err(format!(
                "the stream closed after {} events without a terminal event ({})",
                self.events.len(),
                self.semantics_names()
            ));
        }
        Ok(())
    }

    fn is_terminal(&self, event: &Event) -> bool {
        event
            .kind
            .as_deref()
            .is_some_and(|k| self.contract.is_terminal(k))
    }

    /// Exactly one terminal event, and it is the last: its index.
    pub fn terminal(&self) -> Rule<usize> {
        let terminals: Vec<usize> = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| self.is_terminal(e))
            .map(|(i, _)| i)
            .collect();
        match terminals.as_slice() {
            [] => Err(format!(
                "no terminal event ({}) in {} events",
                self.semantics_names(),
                self.events.len()
            )),
            [one] if one + 1 == self.events.len() => Ok(*one),
            [one] => Err(format!(
                "the terminal event is event {} of {}, not the last",
                one + 1,
                self.events.len()
            )),
            many => Err(format!(
                "{} terminal events (expected exactly one)",
                many.len()
            )),
        }
    }

    /// A valid request's stream: one terminal event, last, the contract's success event,
    /// after at least one content event; that event's JSON.
    pub fn succeeded(&self) -> Rule<&Value> {
        let semantics = self
            .contract
            .semantics
            .as_ref()
            .ok_or("the stream has no x-stream semantics")?;
        let index = self.terminal()?;
        let last = &self.events[index];
        if let Some(success) = &semantics.success
            && last.kind.as_deref() != Some(success.as_str())
        {
            return Err(format!(
                "a valid request ended with `{}`, not `{success}`: {}",
                last.kind.as_deref().unwrap_or("?"),
                last.data
            ));
        }
        if let Some(content) = &semantics.content
            && !self.events[..index]
                .iter()
                .any(|e| e.kind.as_deref() == Some(content.event.as_str()))
        {
            return Err(format!("no `{}` event before the end", content.event));
        }
        last.json.as_ref().map_err(Clone::clone)
    }

    /// Progress: at least one progress event, the first at the contract's `start`, never
    /// decreasing; the values.
    pub fn progress(&self) -> Rule<Vec<f64>> {
        let progress = self
            .contract
            .semantics
            .as_ref()
            .and_then(|s| s.progress.as_ref())
            .ok_or("the stream declares no progress in x-stream")?;
        let mut values = Vec::new();
        for (index, event) in self.events.iter().enumerate() {
            if event.kind.as_deref() != Some(progress.event.as_str()) {
                continue;
            }
            let value = event
                .json
                .as_ref()
                .ok()
                .and_then(|v| v.get(&progress.field))
                .and_then(Value::as_f64)
                .ok_or_else(|| {
                    format!(
                        "event {index}: `{}` has no numeric `{}`: {}",
                        progress.event, progress.field, event.data
                    )
                })?;
            values.push(value);
        }
        let first = *values
            .first()
            .ok_or_else(|| format!("no `{}` event", progress.event))?;
        if let Some(start) = progress.start
            && first != start
        {
            return Err(format!(
                "the first {} is {first}, not {start}",
                progress.field
            ));
        }
        if let Some(pair) = values.windows(2).find(|pair| pair[1] < pair[0]) {
            return Err(format!(
                "{} decreased from {} to {}",
                progress.field, pair[0], pair[1]
            ));
        }
        Ok(values)
    }

    /// Invalid input's stream: a single event, the contract's error event; its JSON.
    pub fn single_error(&self) -> Rule<&Value> {
        let error = self
            .contract
            .semantics
            .as_ref()
            .and_then(|s| s.error.as_ref())
            .ok_or("the stream declares no error event in x-stream")?;
        let kinds: Vec<&str> = self
            .events
            .iter()
            .map(|e| e.kind.as_deref().unwrap_or("?"))
            .collect();
        if kinds != [error.as_str()] {
            return Err(format!("expected a single `{error}` event, got {kinds:?}"));
        }
        self.events[0].json.as_ref().map_err(Clone::clone)
    }

    /// The content pieces, in order (`x-stream` `content`).
    pub fn content(&self) -> Vec<&str> {
        let Some(content) = self
            .contract
            .semantics
            .as_ref()
            .and_then(|s| s.content.as_ref())
        else {
            return Vec::new();
        };
        self.events
            .iter()
            .filter(|e| e.kind.as_deref() == Some(content.event.as_str()))
            .filter_map(|e| e.json.as_ref().ok()?.get(&content.field)?.as_str())
            .collect()
    }

    /// The events of type `kind`.
    pub fn of_kind<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Event> + 's {
        self.events
            .iter()
            .filter(move |e| e.kind.as_deref() == Some(kind))
    }

    /// Time to the first content event and to the end.
    pub fn timings(&self) -> Timings {
        let content = self
            .contract
            .semantics
            .as_ref()
            .and_then(|s| s.content.as_ref())
            .map(|c| c.event.as_str());
        let first_content = match content {
            Some(kind) => self.of_kind(kind).next().map(|e| e.at),
            None => self.events.first().map(|e| e.at),
        };
        let last = self
            .events
            .iter()
            .find(|e| self.is_terminal(e))
            .or(self.events.last())
            .map(|e| e.at);
        Timings {
            first_content,
            last,
        }
    }

    /// The stream's timings within `slo`'s `firstChunkMs` and `lastChunkMs`; the timings.
    pub fn within_budget(&self, slo: &Slo) -> Rule<Timings> {
        let timings = self.timings();
        if let Some(budget) = slo.first_chunk_ms {
            let first = timings.first_content.ok_or("no content event arrived")?;
            if first.as_millis() > u128::from(budget) {
                return Err(format!(
                    "time to first chunk {} ms exceeds {budget} ms",
                    first.as_millis()
                ));
            }
        }
        if let Some(budget) = slo.last_chunk_ms {
            let last = timings.last.ok_or("no event arrived")?;
            if last.as_millis() > u128::from(budget) {
                return Err(format!(
                    "time to last event {} ms exceeds {budget} ms",
                    last.as_millis()
                ));
            }
        }
        Ok(timings)
    }
}
