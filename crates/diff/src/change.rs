//! The result of a diff: one `Change` per difference, with its rule id, severity (and the
//! matching oasdiff-style level), area and location.

use std::collections::BTreeMap;

use serde::Serialize;

/// How a change affects existing clients. Ordered from harmless to breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Existing clients keep working.
    NonBreaking,
    /// Some clients break, depending on how strictly they were written.
    PotentiallyBreaking,
    /// Existing clients break.
    Breaking,
}

impl Severity {
    /// The kebab-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::NonBreaking => "non-breaking",
            Severity::PotentiallyBreaking => "potentially-breaking",
            Severity::Breaking => "breaking",
        }
    }
}

/// The oasdiff-style level of a change, mapped one to one from `Severity`: breaking is
/// `error`, potentially breaking is `warning`, non-breaking is `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Non-breaking.
    Info,
    /// Potentially breaking.
    Warning,
    /// Breaking.
    Error,
}

impl Level {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl From<Severity> for Level {
    fn from(severity: Severity) -> Level {
        match severity {
            Severity::Breaking => Level::Error,
            Severity::PotentiallyBreaking => Level::Warning,
            Severity::NonBreaking => Level::Info,
        }
    }
}

/// What part of the contract a change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// A whole spec file added or removed.
    Spec,
    /// A path added or removed.
    Path,
    /// An operation added, removed or renamed.
    Operation,
    /// A path, query, header or cookie parameter.
    Parameter,
    /// The request body as a whole (presence, `required`).
    RequestBody,
    /// A response status.
    Response,
    /// A response header.
    ResponseHeader,
    /// A request or response media type.
    MediaType,
    /// Security requirements or schemes.
    Security,
    /// A property of an object schema (added, removed, required or not).
    SchemaProperty,
    /// A schema's `type` or `nullable`.
    Type,
    /// A schema's `format`.
    Format,
    /// A schema's `enum` values.
    Enum,
    /// A validation keyword (`minimum`, `maxLength`, `pattern`, ...).
    Constraint,
    /// A schema's `default`.
    Default,
    /// `oneOf`/`anyOf` branches and composition kind.
    Composition,
    /// A Server-Sent Event type or one of its fields.
    SseEvent,
}

impl Area {
    /// The kebab-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Spec => "spec",
            Area::Path => "path",
            Area::Operation => "operation",
            Area::Parameter => "parameter",
            Area::RequestBody => "request-body",
            Area::Response => "response",
            Area::ResponseHeader => "response-header",
            Area::MediaType => "media-type",
            Area::Security => "security",
            Area::SchemaProperty => "schema-property",
            Area::Type => "type",
            Area::Format => "format",
            Area::Enum => "enum",
            Area::Constraint => "constraint",
            Area::Default => "default",
            Area::Composition => "composition",
            Area::SseEvent => "sse-event",
        }
    }
}

/// One difference between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The stable rule id (`response-property-max-length-unset`); see `RULES.md`.
    pub id: String,
    /// How it affects existing clients; decided by the rule id.
    pub severity: Severity,
    /// `severity` as an oasdiff-style level.
    pub level: Level,
    /// What part of the contract it is in.
    pub area: Area,
    /// The spec's short name (`generation` for `generation-api.yaml`).
    pub spec: String,
    /// The operation affected, if the change is within one.
    pub operation_id: Option<String>,
    /// `POST /sites/{tenantId}/generation`, if the change is within an operation.
    pub endpoint: Option<String>,
    /// JSON pointer in the new spec, or in the old one when the thing was removed.
    pub pointer: String,
    /// One line saying what changed and where in the operation.
    pub message: String,
    /// Why this change was accepted, when an ignore file lists it; ignored changes are still
    /// reported, but do not count towards `--fail-on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

/// A change before duplicates are merged: the same schema edit reached from several
/// responses of one operation is one change listing every place it was reached from.
#[derive(Debug, Clone)]
pub(crate) struct RawChange {
    pub id: String,
    pub severity: Severity,
    pub area: Area,
    pub operation_id: Option<String>,
    pub endpoint: Option<String>,
    pub pointer: String,
    pub what: String,
    pub context: Option<String>,
}

/// Merges duplicates, formats messages and sorts into the stable output order: by endpoint
/// (path, then method), then most severe first, then pointer and message.
pub(crate) fn finish(spec: &str, raw: Vec<RawChange>) -> Vec<Change> {
    type Key = (
        Option<String>,
        Option<String>,
        Severity,
        Area,
        String,
        String,
        String,
    );
    let mut merged: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    for change in raw {
        let key = (
            change.endpoint,
            change.operation_id,
            change.severity,
            change.area,
            change.pointer,
            change.id,
            change.what,
        );
        let contexts = merged.entry(key).or_default();
        if let Some(context) = change.context
            && !contexts.contains(&context)
        {
            contexts.push(context);
        }
    }
    let mut changes: Vec<Change> = merged
        .into_iter()
        .map(
            |((endpoint, operation_id, severity, area, pointer, id, what), contexts)| {
                let message = if contexts.is_empty() {
                    what
                } else {
                    format!("{what} ({})", join_contexts(&contexts))
                };
                Change {
                    id,
                    severity,
                    level: severity.into(),
                    area,
                    spec: spec.to_string(),
                    operation_id,
                    endpoint,
                    pointer,
                    message,
                    ignored: None,
                }
            },
        )
        .collect();
    sort(&mut changes);
    changes
}

/// `response 200 application/json` and `response 401 application/json` read as
/// `responses 200, 401 application/json`; other contexts are listed with `; `.
fn join_contexts(contexts: &[String]) -> String {
    let split: Vec<Option<(&str, &str)>> = contexts
        .iter()
        .map(|c| {
            let rest = c.strip_prefix("response ")?;
            Some(rest.split_once(' ').unwrap_or((rest, "")))
        })
        .collect();
    if contexts.len() > 1
        && let Some(Some((_, tail))) = split.first()
        && split.iter().all(|s| matches!(s, Some((_, t)) if t == tail))
    {
        let statuses: Vec<&str> = split.iter().flatten().map(|(status, _)| *status).collect();
        let tail = if tail.is_empty() {
            String::new()
        } else {
            format!(" {tail}")
        };
        return format!("responses {}{tail}", statuses.join(", "));
    }
    contexts.join("; ")
}

/// The stable output order; also used after changes of several specs are concatenated.
pub fn sort(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        (
            &a.spec,
            endpoint_key(a),
            std::cmp::Reverse(a.severity),
            &a.pointer,
            &a.id,
            &a.message,
        )
            .cmp(&(
                &b.spec,
                endpoint_key(b),
                std::cmp::Reverse(b.severity),
                &b.pointer,
                &b.id,
                &b.message,
            ))
    });
}

/// Orders by path, then by HTTP method in the usual reading order, spec-wide changes first.
fn endpoint_key(change: &Change) -> (String, u8, String) {
    let Some(endpoint) = &change.endpoint else {
        return (String::new(), 0, String::new());
    };
    let (method, path) = endpoint.split_once(' ').unwrap_or(("", endpoint));
    let rank = match method {
        "GET" => 1,
        "PUT" => 2,
        "POST" => 3,
        "DELETE" => 4,
        "OPTIONS" => 5,
        "HEAD" => 6,
        "PATCH" => 7,
        "TRACE" => 8,
        _ => 9,
    };
    (
        path.to_string(),
        rank,
        change.operation_id.clone().unwrap_or_default(),
    )
}

/// Counts of changes by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of breaking changes.
    pub breaking: usize,
    /// Number of potentially breaking changes.
    pub potentially_breaking: usize,
    /// Number of non-breaking changes.
    pub non_breaking: usize,
    /// Number of changes an ignore file accepted (not counted above).
    pub ignored: usize,
}

impl Summary {
    /// Counts `changes`.
    pub fn of(changes: &[Change]) -> Summary {
        let mut summary = Summary::default();
        for change in changes {
            if change.ignored.is_some() {
                summary.ignored += 1;
                continue;
            }
            match change.severity {
                Severity::Breaking => summary.breaking += 1,
                Severity::PotentiallyBreaking => summary.potentially_breaking += 1,
                Severity::NonBreaking => summary.non_breaking += 1,
            }
        }
        summary
    }

    /// `1 breaking, 0 potentially breaking, 2 non-breaking` (and `, 1 ignored` when some
    /// were accepted by an ignore file).
    pub fn line(&self) -> String {
        let mut line = format!(
            "{} breaking, {} potentially breaking, {} non-breaking",
            self.breaking, self.potentially_breaking, self.non_breaking
        );
        if self.ignored > 0 {
            line.push_str(&format!(", {} ignored", self.ignored));
        }
        line
    }
}

/// The threshold of `--fail-on`: the least severe change that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Fail on breaking changes only (the default).
    Breaking,
    /// Fail on potentially breaking or breaking changes.
    PotentiallyBreaking,
    /// Fail on any change.
    NonBreaking,
    /// Never fail.
    None,
}

impl FailOn {
    /// Whether any of `changes` not accepted by an ignore file reaches the threshold.
    pub fn fails(self, changes: &[Change]) -> bool {
        let threshold = match self {
            FailOn::Breaking => Severity::Breaking,
            FailOn::PotentiallyBreaking => Severity::PotentiallyBreaking,
            FailOn::NonBreaking => Severity::NonBreaking,
            FailOn::None => return false,
        };
        changes
            .iter()
            .any(|c| c.ignored.is_none() && c.severity >= threshold)
    }
}
