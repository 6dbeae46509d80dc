//! Recording what a frontend uses, from its traffic, as a consumer file in the format of
//! `consumers/*.yaml` (`sb_diff::Consumer`), and whether one consumer file covers another.
//!
//! A proxy sees what the frontend sends, but not which response fields its code goes on to
//! read: it records the fields it delivered. A delivered field the spec does not guarantee
//! (optional, or nullable) would make `cargo xtask compat` fail although the frontend may
//! never touch it, so before writing, each use is put through compat itself and such fields
//! are left out (nullable ones are kept as `type?`). What remains is what the spec promises
//! and the frontend received.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sb_diff::{Consumer, FieldType};
use sb_spec::Spec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A consumer file, as written (the field names of `sb_diff::Consumer`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct File {
    pub consumer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub uses: Vec<UseRec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cors: Vec<CorsRec>,
}

/// One call shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UseRec {
    pub name: String,
    pub spec: String,
    pub operation: String,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub sends: SendsRec,
    pub reads: ReadsRec,
    /// Kept as written when merging into a hand-written file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<serde_yaml::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendsRec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub body: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReadsRec {
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub body: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub events: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
}

/// A preflight the frontend relies on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorsRec {
    pub spec: String,
    pub path: String,
    pub live_path: String,
    pub origin: String,
    pub expects: Vec<String>,
}

/// One exchange, as the recorder needs it.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    pub spec: String,
    pub operation: String,
    pub method: String,
    pub path: String,
    pub headers: Vec<String>,
    pub query: Vec<String>,
    pub content: Option<String>,
    pub body: Option<Value>,
    pub status: u16,
    pub response_content: Option<String>,
    pub response_body: Option<Value>,
    /// Events by type, in order.
    pub events: Vec<(String, Value)>,
}

/// Most fields recorded from one body, and how deep: a runaway body cannot grow the file.
const MAX_FIELDS: usize = 200;
const MAX_DEPTH: usize = 8;

/// The JSON type of `value`; numbers read are `number` (a client reading a number copes with
/// an integer, not the other way round), numbers sent are `integer` when whole.
fn kind(value: &Value, sent: bool) -> String {
    match value {
        Value::Null => "any?".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Number(n) if sent && (n.is_i64() || n.is_u64()) => "integer".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

/// Dotted field paths (`brandAssets.logo`, `results[].url`) of a JSON object.
pub fn fields(value: &Value, sent: bool) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(value, "", sent, 0, &mut out);
    out
}

fn walk(value: &Value, prefix: &str, sent: bool, depth: usize, out: &mut BTreeMap<String, String>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if out.len() >= MAX_FIELDS {
                    return;
                }
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                // Objects are recorded by their leaves only when they have any.
                let empty_object = child.as_object().is_some_and(|m| m.is_empty());
                if !child.is_object() || empty_object {
                    out.entry(path.clone()).or_insert_with(|| kind(child, sent));
                }
                walk(child, &path, sent, depth + 1, out);
            }
        }
        Value::Array(items) if !prefix.is_empty() => {
            for item in items.iter().filter(|i| i.is_object()) {
                walk(item, &format!("{prefix}[]"), sent, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// What makes two calls the same shape.
fn shape(u: &UseRec) -> String {
    let headers: BTreeSet<String> = u
        .sends
        .headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let body: Vec<&String> = u.sends.body.keys().collect();
    let events: Vec<&String> = u.reads.events.keys().collect();
    format!(
        "{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}",
        u.spec, u.operation, u.method, u.path, u.reads.status, headers, u.sends.query, body, events
    )
}

/// The recorder: uses and preflights seen, merged into an existing file when there is one.
#[derive(Debug, Default)]
pub struct Recorder {
    file: File,
    target: Option<PathBuf>,
}

impl Recorder {
    /// Starts from `target` when it exists (so runs accumulate), else empty.
    pub fn open(target: Option<&Path>, consumer: &str) -> Result<Recorder, String> {
        let file = match target {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_yaml::from_str(&text)
                    .map_err(|e| format!("{} is not a consumer file: {e}", path.display()))?
            }
            _ => File {
                consumer: consumer.to_string(),
                source: Some("recorded by `cargo xtask proxy --record` from live traffic".into()),
                ..File::default()
            },
        };
        Ok(Recorder {
            file,
            target: target.map(Path::to_path_buf),
        })
    }

    /// Adds one exchange.
    pub fn observe(&mut self, o: Observation) {
        let mut sends = SendsRec {
            headers: o.headers,
            query: o.query,
            content: o
                .content
                .filter(|c| c != "application/json" && o.body.is_some()),
            body: BTreeMap::new(),
        };
        if let Some(body) = &o.body {
            sends.body = fields(body, true);
            sends.body.retain(|_, t| t != "any?");
        }
        let mut reads = ReadsRec {
            status: o.status,
            content: o.response_content.clone(),
            ..ReadsRec::default()
        };
        if let Some(body) = &o.response_body {
            reads.body = fields(body, false);
        }
        for (event, value) in &o.events {
            let entry = reads.events.entry(event.clone()).or_default();
            for (field, ty) in fields(value, false) {
                entry.entry(field).or_insert(ty);
            }
        }
        let new = UseRec {
            name: format!("{} {}", o.operation, o.status),
            spec: o.spec,
            operation: o.operation,
            method: o.method.to_ascii_uppercase(),
            path: o.path,
            sends,
            reads,
            live: None,
        };
        let key = shape(&new);
        if let Some(existing) = self.file.uses.iter_mut().find(|u| shape(u) == key) {
            for (field, ty) in new.reads.body {
                existing.reads.body.entry(field).or_insert(ty);
            }
            for (event, fields) in new.reads.events {
                let entry = existing.reads.events.entry(event).or_default();
                for (field, ty) in fields {
                    entry.entry(field).or_insert(ty);
                }
            }
            return;
        }
        let same_name = self
            .file
            .uses
            .iter()
            .filter(|u| u.name == new.name || u.name.starts_with(&format!("{} (", new.name)))
            .count();
        let mut new = new;
        if same_name > 0 {
            new.name = format!("{} ({})", new.name, same_name + 1);
        }
        self.file.uses.push(new);
    }

    /// Adds one preflight.
    pub fn preflight(&mut self, cors: CorsRec) {
        let exists = self
            .file
            .cors
            .iter()
            .any(|c| c.spec == cors.spec && c.path == cors.path && c.origin == cors.origin);
        if !exists {
            self.file.cors.push(cors);
        }
    }

    /// The recorded file with every read field compat holds against the spec taken out
    /// (see the module comment).
    pub fn finished(&self, specs: &BTreeMap<String, Spec>) -> File {
        let mut file = self.file.clone();
        let header = File {
            uses: Vec::new(),
            cors: Vec::new(),
            ..file.clone()
        };
        for u in &mut file.uses {
            // Two rounds: a field made nullable may still be optional.
            for _ in 0..2 {
                let Some(consumer) = as_consumer(&File {
                    uses: vec![u.clone()],
                    ..header.clone()
                }) else {
                    break;
                };
                let Ok(findings) = sb_diff::check_compat(&consumer, specs) else {
                    break;
                };
                for f in findings {
                    let Some((event, field)) = read_item(&f.item) else {
                        continue;
                    };
                    let map = match &event {
                        Some(event) => match u.reads.events.get_mut(event) {
                            Some(map) => map,
                            None => continue,
                        },
                        None => &mut u.reads.body,
                    };
                    if f.message.starts_with("may be null") {
                        if let Some(ty) = map.get_mut(&field)
                            && !ty.ends_with('?')
                        {
                            ty.push('?');
                        }
                    } else {
                        map.remove(&field);
                    }
                }
            }
        }
        file
    }

    /// Writes the file (if a target was given); returns its path.
    pub fn write(&self, specs: &BTreeMap<String, Spec>) -> Result<Option<PathBuf>, String> {
        let Some(target) = &self.target else {
            return Ok(None);
        };
        let file = self.finished(specs);
        let text = serde_yaml::to_string(&file).map_err(|e| e.to_string())?;
        let header = "# Recorded by `cargo xtask proxy --record` from the traffic the proxy saw: the calls\n\
                      # made, headers and body fields sent, statuses, and the response fields and events\n\
                      # delivered that the spec guarantees. Checked by `cargo xtask compat --consumer FILE`.\n";
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(target, format!("{header}{text}"))
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        Ok(Some(target.clone()))
    }

    /// The uses recorded so far.
    pub fn file(&self) -> &File {
        &self.file
    }
}

/// `reads 200 body field `x`` -> (None, x); `reads event `e` field `x`` -> (Some(e), x).
fn read_item(item: &str) -> Option<(Option<String>, String)> {
    let ticks: Vec<&str> = item.split('`').collect();
    if item.starts_with("reads event `") && ticks.len() >= 4 {
        return Some((Some(ticks[1].to_string()), ticks[3].to_string()));
    }
    if item.starts_with("reads ") && item.contains(" body field `") && ticks.len() >= 2 {
        return Some((None, ticks[1].to_string()));
    }
    None
}

/// The file as `sb_diff` reads it (through its own parser, so the format cannot drift).
pub fn as_consumer(file: &File) -> Option<Consumer> {
    let text = serde_yaml::to_string(file).ok()?;
    Consumer::parse(Path::new("(recorded)"), &text).ok()
}

fn compatible(recorded: FieldType, committed: FieldType) -> bool {
    committed.kind == "any"
        || recorded.kind == committed.kind
        || matches!(
            (recorded.kind, committed.kind),
            ("number", "integer") | ("integer", "number")
        )
}

fn covers_fields(
    recorded: &BTreeMap<String, FieldType>,
    committed: &BTreeMap<String, FieldType>,
    what: &str,
    missing: &mut Vec<String>,
) {
    for (field, ty) in committed {
        match recorded.get(field) {
            Some(seen) if compatible(*seen, *ty) => {}
            Some(seen) => missing.push(format!("{what} `{field}` is {seen}, not {ty}")),
            None => missing.push(format!("{what} `{field}`")),
        }
    }
}

/// What of `committed` the `recorded` file does not cover, one line per use: a use is
/// covered by a recorded one of the same operation, path and status that sends at least its
/// headers, query and body fields and delivered at least its fields and events.
pub fn uncovered(recorded: &Consumer, committed: &Consumer) -> Vec<String> {
    let mut out = Vec::new();
    for u in &committed.uses {
        let candidates = recorded.uses.iter().filter(|r| {
            r.spec == u.spec
                && r.operation == u.operation
                && r.method.eq_ignore_ascii_case(&u.method)
                && r.path == u.path
                && r.reads.status == u.reads.status
        });
        let mut best: Option<Vec<String>> = None;
        for r in candidates {
            let mut missing = Vec::new();
            let sent: BTreeSet<String> = r
                .sends
                .headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect();
            for h in &u.sends.headers {
                if !sent.contains(&h.to_ascii_lowercase()) {
                    missing.push(format!("sends header `{h}`"));
                }
            }
            for q in &u.sends.query {
                if !r.sends.query.contains(q) {
                    missing.push(format!("sends query `{q}`"));
                }
            }
            covers_fields(
                &r.sends.body,
                &u.sends.body,
                "sends body field",
                &mut missing,
            );
            if let Some(content) = &u.reads.content
                && r.reads.content.as_deref().unwrap_or("application/json") != content
            {
                missing.push(format!("reads `{content}`"));
            }
            covers_fields(
                &r.reads.body,
                &u.reads.body,
                "reads body field",
                &mut missing,
            );
            for (event, fields) in &u.reads.events {
                match r.reads.events.get(event) {
                    Some(seen) => covers_fields(
                        seen,
                        fields,
                        &format!("event `{event}` field"),
                        &mut missing,
                    ),
                    None => missing.push(format!("reads event `{event}`")),
                }
            }
            if best.as_ref().is_none_or(|b| missing.len() < b.len()) {
                best = Some(missing);
            }
        }
        match best {
            None => out.push(format!(
                "`{}`: no recorded {} {} answered {}",
                u.name, u.method, u.path, u.reads.status
            )),
            Some(missing) if !missing.is_empty() => {
                out.push(format!("`{}`: {}", u.name, missing.join("; ")))
            }
            Some(_) => {}
        }
    }
    for c in &committed.cors {
        if !recorded
            .cors
            .iter()
            .any(|r| r.spec == c.spec && r.path == c.path)
        {
            out.push(format!("cors {}: no preflight recorded", c.path));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_dotted_paths() {
        let body = json!({"prompt": "x", "count": 4, "brandAssets": {"logo": "u"},
                          "results": [{"id": "a", "url": "b"}], "colors": ["#fff"]});
        let sent = fields(&body, true);
        assert_eq!(sent["count"], "integer");
        assert_eq!(sent["brandAssets.logo"], "string");
        assert_eq!(sent["results[].url"], "string");
        assert_eq!(sent["colors"], "array");
        assert!(!sent.contains_key("brandAssets"));
        assert_eq!(fields(&body, false)["count"], "number");
    }

    #[test]
    fn read_items_name_their_field() {
        assert_eq!(
            read_item("reads 200 body field `a.b`"),
            Some((None, "a.b".to_string()))
        );
        assert_eq!(
            read_item("reads event `complete` field `siteId`"),
            Some((Some("complete".to_string()), "siteId".to_string()))
        );
    }
}
