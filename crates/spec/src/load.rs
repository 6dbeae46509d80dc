//! Loading a spec: YAML or JSON text into a JSON document, plus `$ref` resolution.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};

use crate::SpecError;
use crate::schema::SchemaCache;

/// One loaded spec: its file, its raw document, and its short name.
///
/// The document is read once; the caches behind [`Spec::json_schema`] and
/// [`Spec::validator`] assume `doc` is not changed afterwards (a clone starts with empty caches).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file as given.
    pub file: PathBuf,
    /// `generation` for `openapi/generation-api.yaml`.
    pub name: String,
    /// The whole document as JSON.
    pub doc: Value,
    /// Key order of every mapping as written in the file, by JSON pointer: `doc` sorts keys,
    /// but responses are reported in the order the spec lists them.
    pub(crate) key_order: BTreeMap<String, Vec<String>>,
    pub(crate) cache: SchemaCache,
}

impl Spec {
    /// Reads a YAML or JSON spec.
    pub fn load(file: &Path) -> Result<Spec, SpecError> {
        let text = read_text(file)?;
        Spec::from_str(file, &text)
    }

    /// Parses a spec from text; `file` is used for messages and the name. A leading UTF-8
    /// byte order mark is skipped (YAML and JSON allow it).
    pub fn from_str(file: &Path, text: &str) -> Result<Spec, SpecError> {
        let parse_error = |message: String| SpecError::Parse {
            file: file.to_path_buf(),
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(SpecError::Invalid {
                file: file.to_path_buf(),
                pointer: "/".to_string(),
                message: "the file is empty; write an OpenAPI 3.0 document (`openapi: 3.0.3`, `info`, `paths`)".to_string(),
            });
        }
        let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
            let message = e.to_string();
            parse_error(if message.contains("repetition limit exceeded") {
                format!("{message}: its aliases (`*name`) expand to too many nodes (an alias chain such as a billion-laughs document); write the values out or use fewer nested aliases")
            } else if message.contains("recursion limit exceeded") {
                format!("{message}: it nests deeper than the parser allows; flatten it with $refs")
            } else {
                message
            })
        })?;
        yaml.apply_merge().map_err(|e| parse_error(e.to_string()))?;
        let mut key_order = BTreeMap::new();
        let doc = yaml_to_json(yaml, String::new(), &mut key_order).map_err(parse_error)?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = stem.strip_suffix("-api").unwrap_or(&stem).to_string();
        Ok(Spec {
            file: file.to_path_buf(),
            name,
            doc,
            key_order,
            cache: SchemaCache::default(),
        })
    }

    /// `info.title`, or "" when absent.
    pub fn title(&self) -> &str {
        self.doc
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The `servers` of the document: `(url, description)` in spec order.
    pub fn servers(&self) -> Vec<(String, String)> {
        self.doc
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some((
                    s.get("url")?.as_str()?.to_string(),
                    s.get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                ))
            })
            .collect()
    }

    /// `info.version`, or "" when absent.
    pub fn version(&self) -> &str {
        self.doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Follows a chain of local `$ref`s (`#/components/...`) from `value`; `at` is the JSON
    /// pointer of `value`, used in the error. [`crate::resolve::deref`] also says where the
    /// value lives.
    pub fn resolve<'a>(&'a self, value: &'a Value, at: &str) -> Result<&'a Value, SpecError> {
        crate::resolve::deref(self, value, at).map(|node| node.value)
    }

    /// The value a local `$ref` (`#/...`, percent-escapes allowed) points at; `None` for an
    /// external or dangling reference.
    pub fn lookup_ref(&self, reference: &str) -> Option<&Value> {
        let fragment = reference.strip_prefix('#')?;
        self.doc.pointer(&percent_decode(fragment)?)
    }

    /// The keys of the mapping at `pointer` in the order the file writes them.
    pub(crate) fn keys_in_order<'a>(
        &self,
        pointer: &str,
        map: &'a Map<String, Value>,
    ) -> Vec<&'a str> {
        let mut keys: Vec<&str> = Vec::with_capacity(map.len());
        if let Some(order) = self.key_order.get(pointer) {
            keys.extend(
                order
                    .iter()
                    .filter_map(|k| map.get_key_value(k.as_str()).map(|(k, _)| k.as_str())),
            );
        }
        // Keys added to `doc` after loading come last, sorted.
        for key in map.keys() {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys
    }

    pub(crate) fn invalid(&self, pointer: &str, message: impl Into<String>) -> SpecError {
        SpecError::Invalid {
            file: self.file.clone(),
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }
}

/// A file's text, with a located message when it is not UTF-8.
pub fn read_text(file: &Path) -> Result<String, SpecError> {
    let bytes = std::fs::read(file).map_err(|reason| SpecError::Read {
        file: file.to_path_buf(),
        reason,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        SpecError::Parse {
            file: file.to_path_buf(),
            message: format!(
                "the text is not UTF-8: invalid byte 0x{:02X} at line {line}, column {column} (byte {offset}); save the file as UTF-8",
                e.as_bytes()[offset]
            ),
        }
    })
}

/// Escapes one JSON pointer segment (`/` -> `~1`, `~` -> `~0`).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Decodes `%XX` escapes of a URI fragment; `None` when an escape is malformed.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Converts a YAML value to JSON, turning scalar keys (`200:`) into strings and recording the
/// key order of every mapping under its JSON pointer.
fn yaml_to_json(
    value: serde_yaml::Value,
    at: String,
    key_order: &mut BTreeMap<String, Vec<String>>,
) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(Number::from_f64(f).ok_or_else(|| {
                    format!(
                        "number {n} at {} cannot be represented in JSON",
                        pointer_or_root(&at)
                    )
                })?)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, format!("{at}/{i}"), key_order))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            let mut order = Vec::with_capacity(mapping.len());
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    other => {
                        return Err(format!(
                            "mapping at {} has a key that is not a scalar ({other:?}); use a string key",
                            pointer_or_root(&at)
                        ));
                    }
                };
                let item = yaml_to_json(item, format!("{at}/{}", escape_pointer(&key)), key_order)?;
                order.push(key.clone());
                map.insert(key, item);
            }
            key_order.insert(at, order);
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, at, key_order)?,
    })
}

fn pointer_or_root(at: &str) -> &str {
    if at.is_empty() { "/" } else { at }
}
