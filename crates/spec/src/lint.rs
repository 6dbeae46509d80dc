//! The spec check (`cargo xtask lint`): everything the toolchain (serde/openapiv3, progenitor,
//! the JSON Schema validator) would reject or trip over, reported with its place and its fix
//! instead of a panic in a build script.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::model::{METHODS, SLO_KEYS, media_essence};
use crate::{Spec, SpecError, escape_pointer};

/// One problem found in a spec. Displays as
/// `openapi/agents-api.yaml: /paths/~1agents~1logo/post: operationId is missing; add a unique operationId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The spec file.
    pub file: PathBuf,
    /// JSON pointer or operationId.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub fix: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}: {}; {}",
            self.file.display(),
            self.location,
            self.message,
            self.fix
        )
    }
}

/// Checks one spec file.
pub fn lint(file: &Path) -> Vec<Problem> {
    match std::fs::read_to_string(file) {
        Ok(text) => lint_str(file, &text),
        Err(e) => vec![Problem {
            file: file.to_path_buf(),
            location: "/".to_string(),
            message: format!("cannot be read: {e}"),
            fix: "check the path".to_string(),
        }],
    }
}

/// Checks a spec given as text; `file` names it in the problems.
pub fn lint_str(file: &Path, text: &str) -> Vec<Problem> {
    let mut lint = Lint {
        file,
        problems: Vec::new(),
    };
    let spec = match Spec::from_str(file, text) {
        Ok(spec) => spec,
        Err(SpecError::Parse { message, .. }) => {
            lint.push(
                "/",
                format!("is not valid YAML or JSON: {message}"),
                "fix the syntax",
            );
            return lint.problems;
        }
        Err(e) => {
            lint.push("/", e.to_string(), "fix the file");
            return lint.problems;
        }
    };
    if !lint.version(&spec) {
        return lint.problems;
    }
    if let Err(e) = serde_yaml::from_str::<openapiv3::OpenAPI>(text) {
        lint.push(
            "/",
            format!("does not deserialise as an OpenAPI 3.0 document: {e}"),
            "fix the field named in the message",
        );
    }
    lint.refs(&spec, &spec.doc, "", None);
    let dangling = !lint.problems.is_empty();
    lint.operations(&spec);
    if !dangling {
        lint.examples(&spec);
    }
    if lint.problems.is_empty()
        && let Err(e) = spec.operations()
    {
        lint.push(
            "/paths",
            e.to_string(),
            "fix the operation named in the message",
        );
    }
    lint.problems
}

struct Lint<'f> {
    file: &'f Path,
    problems: Vec<Problem>,
}

impl Lint<'_> {
    fn push(&mut self, location: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_path_buf(),
            location: if location.is_empty() {
                "/".to_string()
            } else {
                location.to_string()
            },
            message: message.into(),
            fix: fix.into(),
        });
    }

    /// `openapi` must be 3.0.x; returns false (stop checking) otherwise.
    fn version(&mut self, spec: &Spec) -> bool {
        match spec.doc.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.0.") => true,
            Some(Value::String(v)) => {
                self.push(
                    "/openapi",
                    format!("openapi {v} is not supported: progenitor reads 3.0.x only"),
                    "write the spec as `openapi: 3.0.3`",
                );
                false
            }
            Some(other) => {
                self.push(
                    "/openapi",
                    format!("openapi version {other} is not a string"),
                    "quote it: `openapi: 3.0.3`",
                );
                false
            }
            None => {
                self.push(
                    "/openapi",
                    "openapi version is missing",
                    "add `openapi: 3.0.3`",
                );
                false
            }
        }
    }

    /// Every `$ref` must be local and resolve. `parent` is the key holding `value`: example
    /// values, defaults, enums and extensions are data, not spec, and are not walked.
    fn refs(&mut self, spec: &Spec, value: &Value, at: &str, parent: Option<&str>) {
        match value {
            Value::Object(map) => {
                let names_things = parent.is_some_and(names_things);
                for (key, item) in map {
                    let here = format!("{at}/{}", escape_pointer(key));
                    if key == "$ref" && !names_things {
                        match item.as_str() {
                            Some(r) if !r.starts_with('#') => self.push(
                                &here,
                                format!("$ref `{r}` is not local"),
                                "inline the target under components and refer to it with `#/components/...`",
                            ),
                            Some(r) => {
                                if spec.resolve(value, at).is_err() {
                                    self.push(
                                        &here,
                                        format!("$ref `{r}` does not resolve"),
                                        "fix the reference or add the target",
                                    );
                                }
                            }
                            None => self.push(&here, "$ref is not a string", "write `$ref: '#/components/...'`"),
                        }
                        continue;
                    }
                    let data = !names_things
                        && (matches!(key.as_str(), "example" | "default" | "enum")
                            || key.starts_with("x-")
                            || (key == "value" && parent_is_examples(at)));
                    if !data {
                        self.refs(spec, item, &here, Some(key));
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    // List items are things, not names: `parameters: [{$ref}]`.
                    self.refs(spec, item, &format!("{at}/{i}"), None);
                }
            }
            _ => {}
        }
    }

    /// Checks per operation: ids, methods, cookies, request and response bodies, `x-slo`.
    fn operations(&mut self, spec: &Spec) {
        let Some(paths) = spec.doc.get("paths").and_then(Value::as_object) else {
            return;
        };
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in paths {
            let item_pointer = format!("/paths/{}", escape_pointer(path));
            let Ok(Value::Object(item)) = spec.resolve(item, &item_pointer) else {
                continue;
            };
            self.parameters(
                spec,
                item.get("parameters"),
                &format!("{item_pointer}/parameters"),
            );
            for method in METHODS {
                let Some(Value::Object(operation)) = item.get(method) else {
                    continue;
                };
                let pointer = format!("{item_pointer}/{method}");
                match operation.get("operationId").and_then(Value::as_str) {
                    Some(id) if !id.is_empty() => match ids.get(id) {
                        Some(first) => self.push(
                            &pointer,
                            format!("operationId `{id}` is also used by {first}"),
                            "make every operationId unique",
                        ),
                        None => {
                            ids.insert(id.to_string(), pointer.clone());
                        }
                    },
                    _ => self.push(
                        &pointer,
                        "operationId is missing",
                        "add a unique operationId",
                    ),
                }
                if matches!(method, "options" | "trace") {
                    self.push(
                        &pointer,
                        format!("{} operations are not supported: progenitor's generated client does not compile with them", method.to_uppercase()),
                        "remove the operation and test it outside the spec",
                    );
                }
                self.parameters(
                    spec,
                    operation.get("parameters"),
                    &format!("{pointer}/parameters"),
                );
                if let Some(body) = operation.get("requestBody") {
                    self.request_body(spec, body, &format!("{pointer}/requestBody"));
                }
                self.body_types(spec, operation, &pointer);
                self.slo(operation.get("x-slo"), &format!("{pointer}/x-slo"));
            }
        }
    }

    fn parameters(&mut self, spec: &Spec, list: Option<&Value>, pointer: &str) {
        let Some(list) = list.and_then(Value::as_array) else {
            return;
        };
        for (i, parameter) in list.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            let Ok(parameter) = spec.resolve(parameter, &at) else {
                continue;
            };
            if parameter.get("in").and_then(Value::as_str) == Some("cookie") {
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.push(
                    &at,
                    format!("cookie parameter `{name}` is not supported by progenitor"),
                    "pass it as a header or query parameter",
                );
            }
        }
    }

    fn request_body(&mut self, spec: &Spec, body: &Value, pointer: &str) {
        let Ok(body) = spec.resolve(body, pointer) else {
            return;
        };
        if let Some(content) = body.get("content").and_then(Value::as_object)
            && content.len() > 1
        {
            let names = content
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            self.push(
                pointer,
                format!(
                    "request body has {} media types ({names}): progenitor accepts one",
                    content.len()
                ),
                "keep a single media type",
            );
        }
    }

    /// At most one success and one error body type, as progenitor asserts
    /// (`default` belongs to both groups, as it does in progenitor).
    fn body_types(&mut self, spec: &Spec, operation: &Map<String, Value>, pointer: &str) {
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            return;
        };
        let responses_pointer = format!("{pointer}/responses");
        let mut success: Vec<(String, String)> = Vec::new();
        let mut error: Vec<(String, String)> = Vec::new();
        for status in spec.keys_in_order(&responses_pointer, responses) {
            let at = format!("{responses_pointer}/{}", escape_pointer(status));
            let Ok(response) = spec.resolve(&responses[status], &at) else {
                continue;
            };
            let is_success = status.starts_with('2') || status == "default";
            let is_error =
                status.starts_with('4') || status.starts_with('5') || status == "default";
            for body in body_types(spec, response) {
                for (group, member) in [(&mut success, is_success), (&mut error, is_error)] {
                    if member && !group.iter().any(|(_, b)| *b == body) {
                        group.push((status.to_string(), body.clone()));
                    }
                }
            }
        }
        for (kind, group, fix) in [
            (
                "success",
                success,
                "give every 2xx response the same schema (one $ref, or a oneOf wrapper)",
            ),
            (
                "error",
                error,
                "give every 4xx/5xx/default response the same schema (one $ref, e.g. Error)",
            ),
        ] {
            if group.len() > 1 {
                let list = group
                    .iter()
                    .map(|(status, body)| format!("{status} {body}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.push(
                    pointer,
                    format!(
                        "{} {kind} body types ({list}): progenitor panics on more than one",
                        group.len()
                    ),
                    fix,
                );
            }
        }
    }

    fn slo(&mut self, slo: Option<&Value>, pointer: &str) {
        let Some(slo) = slo else {
            return;
        };
        let Some(slo) = slo.as_object() else {
            self.push(
                pointer,
                "x-slo is not a mapping",
                format!(
                    "map {} to numbers (openapi/EXTENSIONS.md)",
                    SLO_KEYS.join(", ")
                ),
            );
            return;
        };
        for (key, value) in slo {
            let at = format!("{pointer}/{}", escape_pointer(key));
            if !SLO_KEYS.contains(&key.as_str()) {
                self.push(
                    &at,
                    format!("x-slo key `{key}` is unknown"),
                    format!("use one of {}", SLO_KEYS.join(", ")),
                );
            } else if value.as_u64().is_none_or(|ms| ms == 0) {
                self.push(
                    &at,
                    format!("x-slo {key} is {value}, not a positive integer"),
                    "give milliseconds such as 20 (openapi/EXTENSIONS.md)",
                );
            } else if key.ends_with("Pct") && value.as_u64().is_some_and(|pct| pct > 100) {
                self.push(
                    &at,
                    format!("x-slo {key} is {value}, more than 100 percent"),
                    "give a percentage from 1 to 100",
                );
            }
        }
    }

    /// Every example must validate against its schema.
    fn examples(&mut self, spec: &Spec) {
        let doc = &spec.doc;
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let item_pointer = format!("/paths/{}", escape_pointer(path));
                let Some(item) = item.as_object() else {
                    continue;
                };
                self.parameter_examples(
                    spec,
                    item.get("parameters"),
                    &format!("{item_pointer}/parameters"),
                );
                for method in METHODS {
                    let Some(operation) = item.get(method) else {
                        continue;
                    };
                    let pointer = format!("{item_pointer}/{method}");
                    self.parameter_examples(
                        spec,
                        operation.get("parameters"),
                        &format!("{pointer}/parameters"),
                    );
                    if let Some(body) = operation.get("requestBody") {
                        self.content_examples(spec, body, &format!("{pointer}/requestBody"));
                    }
                    if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
                        for (status, response) in responses {
                            self.response_examples(
                                spec,
                                response,
                                &format!("{pointer}/responses/{}", escape_pointer(status)),
                            );
                        }
                    }
                }
            }
        }
        let Some(components) = doc.get("components").and_then(Value::as_object) else {
            return;
        };
        let each = |key: &'static str| {
            components
                .get(key)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(move |(name, v)| (format!("/components/{key}/{}", escape_pointer(name)), v))
        };
        for (at, parameter) in each("parameters") {
            self.holder_examples(spec, parameter, &at);
        }
        for (at, header) in each("headers") {
            self.holder_examples(spec, header, &at);
        }
        for (at, body) in each("requestBodies") {
            self.content_examples(spec, body, &at);
        }
        for (at, response) in each("responses") {
            self.response_examples(spec, response, &at);
        }
        for (at, schema) in each("schemas") {
            self.schema_examples(spec, schema, &at);
        }
    }

    /// Inline parameters only: `$ref`ed ones are checked once, under components.
    fn parameter_examples(&mut self, spec: &Spec, list: Option<&Value>, pointer: &str) {
        for (i, parameter) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if parameter.get("$ref").is_none() {
                self.holder_examples(spec, parameter, &format!("{pointer}/{i}"));
            }
        }
    }

    fn response_examples(&mut self, spec: &Spec, response: &Value, pointer: &str) {
        if response.get("$ref").is_some() {
            return;
        }
        self.content_examples(spec, response, pointer);
        for (name, header) in response
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if header.get("$ref").is_none() {
                self.holder_examples(
                    spec,
                    header,
                    &format!("{pointer}/headers/{}", escape_pointer(name)),
                );
            }
        }
    }

    /// The media types of a request body or response.
    fn content_examples(&mut self, spec: &Spec, holder: &Value, pointer: &str) {
        if holder.get("$ref").is_some() {
            return;
        }
        for (name, media) in holder
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            self.holder_examples(
                spec,
                media,
                &format!("{pointer}/content/{}", escape_pointer(name)),
            );
        }
    }

    /// A parameter, header or media type: its `example`/`examples` against its `schema`
    /// (or its `content`'s), and the inline schema's own examples.
    fn holder_examples(&mut self, spec: &Spec, holder: &Value, pointer: &str) {
        if holder.get("content").is_some() && holder.get("schema").is_none() {
            self.content_examples(spec, holder, pointer);
            return;
        }
        let Some(schema) = holder.get("schema") else {
            return;
        };
        let schema_pointer = format!("{pointer}/schema");
        self.schema_examples(spec, schema, &schema_pointer);
        if let Some(example) = holder.get("example") {
            self.check_example(spec, schema, example, &format!("{pointer}/example"));
        }
        for (name, example) in holder
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let at = format!("{pointer}/examples/{}", escape_pointer(name));
            let Ok(example) = spec.resolve(example, &at) else {
                continue;
            };
            if let Some(value) = example.get("value") {
                self.check_example(spec, schema, value, &format!("{at}/value"));
            }
        }
    }

    /// Schema-level `example`s, in this schema and every inline sub-schema.
    fn schema_examples(&mut self, spec: &Spec, schema: &Value, pointer: &str) {
        let Some(map) = schema.as_object() else {
            return;
        };
        if map.contains_key("$ref") {
            return;
        }
        if let Some(example) = map.get("example") {
            self.check_example(spec, schema, example, &format!("{pointer}/example"));
        }
        for (key, value) in map {
            let here = format!("{pointer}/{}", escape_pointer(key));
            match key.as_str() {
                "properties" => {
                    for (name, sub) in value.as_object().into_iter().flatten() {
                        self.schema_examples(
                            spec,
                            sub,
                            &format!("{here}/{}", escape_pointer(name)),
                        );
                    }
                }
                "items" | "not" | "additionalProperties" => {
                    self.schema_examples(spec, value, &here)
                }
                "allOf" | "anyOf" | "oneOf" => {
                    for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                        self.schema_examples(spec, sub, &format!("{here}/{i}"));
                    }
                }
                _ => {}
            }
        }
    }

    fn check_example(&mut self, spec: &Spec, schema: &Value, example: &Value, pointer: &str) {
        match spec.violations(schema, example) {
            Ok(violations) if violations.is_empty() => {}
            Ok(violations) => {
                let more = match violations.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                };
                self.push(
                    pointer,
                    format!("example does not match its schema: {}{more}", violations[0]),
                    "fix the example or the schema",
                );
            }
            Err(e) => self.push(
                pointer,
                format!("the schema of this example is unusable: {e}"),
                "fix the schema",
            ),
        }
    }
}

/// The body types of one response, as progenitor tells them apart: a JSON body is its schema
/// (a `$ref` chain followed to its last target, else the inline schema); any other media type
/// is a raw byte stream; no content is "no body".
fn body_types(spec: &Spec, response: &Value) -> Vec<String> {
    let Some(content) = response
        .get("content")
        .and_then(Value::as_object)
        .filter(|c| !c.is_empty())
    else {
        return vec!["no body".to_string()];
    };
    let mut types = Vec::new();
    for (name, media) in content {
        let essence = media_essence(name);
        let body = if essence == "application/json" {
            match media.get("schema") {
                None => "JSON of any shape".to_string(),
                Some(schema) => match last_ref(spec, schema) {
                    Some(reference) => format!("`{reference}`"),
                    None => format!("inline schema {schema}"),
                },
            }
        } else {
            "raw (non-JSON) body".to_string()
        };
        if !types.contains(&body) {
            types.push(body);
        }
    }
    types
}

/// The last `$ref` of a chain starting at `schema`.
fn last_ref<'a>(spec: &'a Spec, mut schema: &'a Value) -> Option<&'a str> {
    let mut last = None;
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        last = Some(reference);
        match spec.lookup_ref(reference) {
            Some(target) => schema = target,
            None => break,
        }
    }
    last
}

/// Keys whose mappings are keyed by user-chosen names, where `$ref`, `example` and the like
/// are names rather than keywords.
fn names_things(parent: &str) -> bool {
    matches!(
        parent,
        "properties"
            | "patternProperties"
            | "schemas"
            | "parameters"
            | "responses"
            | "headers"
            | "examples"
            | "requestBodies"
            | "securitySchemes"
            | "links"
            | "callbacks"
            | "paths"
            | "content"
            | "encoding"
            | "mapping"
            | "variables"
    )
}

/// True when `at` is an Example object inside an `examples` mapping (`.../examples/<name>`).
fn parent_is_examples(at: &str) -> bool {
    let mut segments = at.rsplit('/');
    segments.next();
    segments.next() == Some("examples")
}
