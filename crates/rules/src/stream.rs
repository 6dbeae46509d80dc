//! The event-stream rules: each event JSON, of a documented type, valid against its type's
//! schema and the event union ([`event`]); the stream made of SSE fields and holding an event ([`stream_shape`]);
//! and its end by `x-stream` ([`stream_end`], from `sb-stream`'s `Judged`).

use sb_spec::{EventStream, Spec, escape_pointer};
use sb_stream::Judged;
use serde_json::Value;

use crate::finding::{Finding, Kind};
use crate::response::schema;

/// One event of a stream (the `index`th, from 0): JSON, of a documented type, valid against
/// its type's schema and the union. Returns the event's type and JSON when it has them.
pub fn event(
    spec: &Spec,
    stream: &EventStream,
    index: usize,
    data: &str,
) -> (Option<(String, Value)>, Vec<Finding>) {
    let value = match serde_json::from_str::<Value>(data) {
        Ok(value) => value,
        Err(e) => {
            return (
                None,
                vec![
                    Finding::new(
                        Kind::Event,
                        &stream.pointer,
                        "JSON data",
                        &format!("not JSON ({e}): {data}"),
                    )
                    .at(format!("event {index}")),
                ],
            );
        }
    };
    let kind = stream.type_of(&value).map(str::to_string);
    let documented = kind.as_deref().and_then(|k| stream.events.get(k));
    if stream.names_types() && documented.is_none() {
        // An undocumented type breaks the union too; the type is the cause worth naming.
        let finding = Finding::new(
            Kind::Event,
            &stream.pointer,
            format!(
                "a documented `{}` ({})",
                stream.property,
                stream.events.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            &match &kind {
                Some(kind) => format!("{} `{kind}`", stream.property),
                None => format!("no `{}`", stream.property),
            },
        )
        .at(format!(
            "event {index} /{}",
            escape_pointer(&stream.property)
        ));
        return (kind.map(|k| (k, value)), vec![finding]);
    }
    // A documented type is held to its own schema (whose complaints name the field) as
    // well as to the union (which a value may still break, say by matching two branches).
    let own = documented
        .map(|own| schema(spec, &own.schema, &value, Kind::Event, &own.schema_pointer))
        .unwrap_or_default();
    let findings = if own.is_empty() {
        schema(
            spec,
            &stream.schema,
            &value,
            Kind::Event,
            &format!("{}/schema", stream.pointer),
        )
    } else {
        own
    };
    let findings = findings
        .into_iter()
        .map(|f| {
            let at = format!("event {index} {}", f.at);
            f.at(at)
        })
        .collect();
    (kind.map(|k| (k, value)), findings)
}

/// The stream's shape: every line an SSE field, and at least one event.
pub fn stream_shape(judged: &Judged<'_>) -> Vec<Finding> {
    let stream = judged.contract;
    let mut out = Vec::new();
    if let Some(line) = judged.stray_lines.first() {
        out.push(Finding::new(
            Kind::Stream,
            &stream.pointer,
            "only SSE fields (`data:`, `event:`, `id:`, `retry:`, comments)",
            &format!("the line `{line}`"),
        ));
    }
    if judged.events.is_empty() {
        out.push(Finding::new(
            Kind::Stream,
            &stream.pointer,
            "at least one event",
            "no event",
        ));
    }
    out
}

/// The stream's format: its shape and every event ([`stream_shape`], [`event`]).
pub fn format(spec: &Spec, judged: &Judged<'_>) -> Vec<Finding> {
    let mut out = stream_shape(judged);
    for (index, e) in judged.events.iter().enumerate() {
        out.extend(event(spec, judged.contract, index, &e.data).1);
    }
    out
}

/// The rules of `sb-stream` a stream's end is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamRule {
    /// `Judged::ended`.
    Ended,
    /// `Judged::terminal`.
    Terminal,
    /// `Judged::succeeded`.
    Succeeded,
    /// `Judged::progress`.
    Progress,
    /// `Judged::single_error`.
    SingleError,
}

impl StreamRule {
    /// What the rule expects, in a sentence fragment.
    pub fn expected(self, stream: &EventStream) -> String {
        let semantics = stream.semantics.as_ref();
        let terminal = semantics
            .map(|s| s.terminal.join(" or "))
            .unwrap_or_default();
        match self {
            StreamRule::Ended => "a stream that ends cleanly, with its terminal event".into(),
            StreamRule::Terminal => format!("exactly one terminal event ({terminal}), last"),
            StreamRule::Succeeded => format!(
                "a valid request's stream to end in `{}` after its content",
                semantics
                    .and_then(|s| s.success.as_deref())
                    .unwrap_or("the success event")
            ),
            StreamRule::Progress => "progress from its start, never decreasing".into(),
            StreamRule::SingleError => format!(
                "invalid input's stream to hold only `{}`",
                semantics
                    .and_then(|s| s.error.as_deref())
                    .unwrap_or("the error event")
            ),
        }
    }

    /// The finding for `problem`, what `sb-stream` said broke this rule (kept whole: it is
    /// the runtime's own sentence, bounded, and names the cause of a broken read).
    pub fn finding(self, stream: &EventStream, problem: &str) -> Finding {
        let pointer = match (self, stream.semantics.as_ref()) {
            (StreamRule::Progress, Some(s)) if s.progress.is_some() => {
                format!("{}/progress", s.pointer)
            }
            (_, Some(s)) => s.pointer.clone(),
            (_, None) => stream.pointer.clone(),
        };
        Finding {
            kind: Kind::Stream,
            pointer,
            at: String::new(),
            expected: self.expected(stream),
            preview: problem
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect(),
        }
    }
}

/// The whole stream, by `sb-stream`'s rules: ended cleanly, exactly one terminal event and
/// last; a stream that ends in the success event has its content and its progress in order.
pub fn stream_end(judged: &Judged<'_>) -> Vec<Finding> {
    let stream = judged.contract;
    let semantics = stream.semantics.as_ref();
    let mut out = Vec::new();
    if let Err(e) = judged.ended() {
        out.push(StreamRule::Ended.finding(stream, &e));
        return out;
    }
    if semantics.is_none_or(|s| s.terminal.is_empty()) {
        return out;
    }
    match judged.terminal() {
        Err(e) => out.push(StreamRule::Terminal.finding(stream, &e)),
        Ok(index) => {
            let success = semantics.and_then(|s| s.success.as_deref());
            if success.is_some() && judged.events[index].kind.as_deref() == success {
                if let Err(e) = judged.succeeded() {
                    out.push(StreamRule::Succeeded.finding(stream, &e));
                }
                if semantics.is_some_and(|s| s.progress.is_some())
                    && let Err(e) = judged.progress()
                {
                    out.push(StreamRule::Progress.finding(stream, &e));
                }
            }
        }
    }
    out
}
