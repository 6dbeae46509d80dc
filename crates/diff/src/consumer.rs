//! The consumer file (`consumers/<name>.yaml`): what one client of the APIs sends and reads,
//! operation by operation, so `cargo xtask compat` can check a spec still provides it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::DiffError;

/// A client of the APIs and everything it relies on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    /// The client's name (`site-builder-frontend`).
    pub consumer: String,
    /// Where the recorded use comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// One entry per distinct call shape.
    pub uses: Vec<Use>,
    /// CORS preflights the client depends on.
    #[serde(default)]
    pub cors: Vec<Cors>,
}

/// One way the client calls one operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Use {
    /// A label for reports (`generate a page with brand colours`).
    pub name: String,
    /// The spec's short name (`generation` for `generation-api.yaml`).
    pub spec: String,
    /// The operationId called.
    pub operation: String,
    /// The HTTP method the client uses.
    pub method: String,
    /// The path template the client calls (`/sites/{tenantId}/generation`).
    pub path: String,
    /// What the client sends.
    #[serde(default)]
    pub sends: Sends,
    /// What the client reads from the response.
    pub reads: Reads,
    /// How to make this call against a running provider for `--live`.
    #[serde(default)]
    pub live: Option<Live>,
}

/// What a call sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sends {
    /// Request headers by name; `Authorization` is provided by the security scheme,
    /// `Content-Type` and `Accept` are protocol headers.
    #[serde(default)]
    pub headers: Vec<String>,
    /// Query parameters by name.
    #[serde(default)]
    pub query: Vec<String>,
    /// The request media type (default `application/json` when a body is sent).
    #[serde(default)]
    pub content: Option<String>,
    /// Body fields as dotted paths (`brandAssets.logo`, `items[].id`) with their JSON type.
    #[serde(default)]
    pub body: BTreeMap<String, FieldType>,
}

/// What a call reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reads {
    /// The response status the client handles.
    pub status: u16,
    /// The media type the client expects (default `application/json` when it reads a body).
    #[serde(default)]
    pub content: Option<String>,
    /// JSON body fields read, as dotted paths with their expected type.
    #[serde(default)]
    pub body: BTreeMap<String, FieldType>,
    /// Server-Sent Events read: event type -> fields read from it.
    #[serde(default)]
    pub events: BTreeMap<String, BTreeMap<String, FieldType>>,
    /// Response headers read.
    #[serde(default)]
    pub headers: Vec<String>,
}

/// How to perform a use against a running provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Live {
    /// The concrete path; `{tenant}` and names captured by earlier uses are substituted.
    pub path: String,
    /// The JSON body to send; string values are substituted like the path.
    #[serde(default)]
    pub body: Option<Value>,
    /// Whether to send the token (default true); false to observe a 401.
    #[serde(default = "yes")]
    pub auth: bool,
    /// Values to keep for later uses: name -> `body.a.b` or `events.complete.generationId`.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

/// A CORS preflight the client relies on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cors {
    /// The spec holding the path.
    pub spec: String,
    /// The path template (must exist in the spec).
    pub path: String,
    /// The concrete path to preflight live; `{tenant}` is substituted.
    pub live_path: String,
    /// The `Origin` header sent.
    pub origin: String,
    /// Response headers that must be present.
    pub expects: Vec<String>,
}

/// The JSON type a client sends or expects for a field; `?` accepts null as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldType {
    /// `string`, `number`, `integer`, `boolean`, `object`, `array`, or `any`.
    pub kind: &'static str,
    /// Whether the client copes with null.
    pub nullable: bool,
}

const KINDS: [&str; 7] = [
    "string", "number", "integer", "boolean", "object", "array", "any",
];

impl FieldType {
    /// Parses `string`, `number?`, ....
    pub fn parse(text: &str) -> Result<FieldType, String> {
        let (name, nullable) = match text.strip_suffix('?') {
            Some(name) => (name, true),
            None => (text, false),
        };
        let kind = KINDS
            .iter()
            .find(|k| **k == name)
            .ok_or_else(|| format!("unknown type `{text}`; use one of {}", KINDS.join(", ")))?;
        Ok(FieldType { kind, nullable })
    }

    /// Whether a value of schema type `schema` (None = any) may be sent as this type.
    pub fn accepted_by(&self, schema: Option<&str>) -> bool {
        match schema {
            None => true,
            Some(s) => self.kind == s || (self.kind == "integer" && s == "number"),
        }
    }

    /// Whether a value of schema type `schema` (None = any) is what the client expects.
    pub fn expects(&self, schema: Option<&str>) -> bool {
        match schema {
            _ if self.kind == "any" => true,
            None => false,
            Some(s) => self.kind == s || (self.kind == "number" && s == "integer"),
        }
    }

    /// Whether a JSON value has this type.
    pub fn matches(&self, value: &Value) -> bool {
        match value {
            Value::Null => self.nullable,
            Value::String(_) => matches!(self.kind, "string" | "any"),
            Value::Bool(_) => matches!(self.kind, "boolean" | "any"),
            Value::Number(n) => match self.kind {
                "number" | "any" => true,
                "integer" => n.is_i64() || n.is_u64(),
                _ => false,
            },
            Value::Array(_) => matches!(self.kind, "array" | "any"),
            Value::Object(_) => matches!(self.kind, "object" | "any"),
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.kind, if self.nullable { "?" } else { "" })
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        FieldType::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Consumer {
    /// Reads and validates a consumer file.
    pub fn load(file: &Path) -> Result<Consumer, DiffError> {
        let text = std::fs::read_to_string(file).map_err(|source| DiffError::ConsumerRead {
            file: file.to_path_buf(),
            source,
        })?;
        Consumer::parse(file, &text)
    }

    /// Parses a consumer file's text; `file` names it in errors.
    pub fn parse(file: &Path, text: &str) -> Result<Consumer, DiffError> {
        let invalid = |message: String| DiffError::ConsumerParse {
            file: file.to_path_buf(),
            message,
        };
        let consumer: Consumer = serde_yaml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        for (index, u) in consumer.uses.iter().enumerate() {
            let method = u.method.to_ascii_uppercase();
            if !["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"]
                .contains(&method.as_str())
            {
                return Err(invalid(format!(
                    "uses[{index}] ({}): unknown method `{}`",
                    u.name, u.method
                )));
            }
            if !u.path.starts_with('/') {
                return Err(invalid(format!(
                    "uses[{index}] ({}): path `{}` must start with `/`",
                    u.name, u.path
                )));
            }
            for field in u.sends.body.keys().chain(u.reads.body.keys()) {
                if field.is_empty() || field.split('.').any(str::is_empty) {
                    return Err(invalid(format!(
                        "uses[{index}] ({}): field `{field}` has an empty segment",
                        u.name
                    )));
                }
            }
        }
        Ok(consumer)
    }
}
