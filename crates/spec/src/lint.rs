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
    /// What the problem stops.
    pub scope: Scope,
}

/// What a problem stops: `gen` refuses a spec with a [`Scope::Document`] problem, skips the
/// operation of a [`Scope::Operation`] problem (with the problem as the reason), and
/// generates past a [`Scope::Advice`] one (progenitor's and the typed clients' limits,
/// examples that break their schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The document cannot be read as OpenAPI 3.0 at all.
    Document,
    /// One operation (or path) cannot be tested; its location is inside it.
    Operation,
    /// The spec check's advice: typed clients or progenitor would fail, a tool would not.
    Advice,
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
    match crate::load::read_text(file) {
        Ok(text) => lint_str(file, &text),
        Err(SpecError::Parse { message, .. }) => vec![Problem {
            file: file.to_path_buf(),
            location: "/".to_string(),
            message,
            fix: "fix the encoding".to_string(),
            scope: Scope::Document,
        }],
        Err(e) => vec![Problem {
            file: file.to_path_buf(),
            location: "/".to_string(),
            message: format!("cannot be read: {e}"),
            fix: "check the path".to_string(),
            scope: Scope::Document,
        }],
    }
}

/// The problems of `spec` that stop single operations ([`Scope::Operation`]): path
/// templates, security requirements, status codes, operationIds. What `gen` skips
/// operations for, without the costlier checks of [`lint_str`].
pub fn operation_problems(spec: &Spec) -> Vec<Problem> {
    let mut lint = Lint {
        file: &spec.file,
        problems: Vec::new(),
        scope: Scope::Advice,
    };
    lint.operations(spec);
    lint.templates(spec);
    lint.problems.retain(|p| p.scope == Scope::Operation);
    lint.problems
}

/// Checks a spec given as text; `file` names it in the problems.
pub fn lint_str(file: &Path, text: &str) -> Vec<Problem> {
    // YAML and JSON allow a byte order mark; the loader skips it, and so does the
    // OpenAPI deserialisation below.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lint = Lint {
        file,
        problems: Vec::new(),
        scope: Scope::Document,
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
        Err(SpecError::Invalid {
            pointer, message, ..
        }) => {
            lint.push(&pointer, message, "fix the file");
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
    lint.scope = Scope::Advice;
    if let Err(e) = serde_yaml::from_str::<openapiv3::OpenAPI>(text) {
        lint.push(
            "/",
            format!("does not deserialise as an OpenAPI 3.0 document: {e}"),
            "fix the field named in the message",
        );
    }
    lint.scope = Scope::Document;
    let before = lint.problems.len();
    lint.refs(&spec, &spec.doc, "", None);
    let dangling = lint.problems.len() > before;
    lint.scope = Scope::Advice;
    lint.operations(&spec);
    lint.templates(&spec);
    if !dangling {
        lint.examples(&spec);
        lint.relations(&spec);
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
    /// The scope of what `push` records.
    scope: Scope,
}

impl Lint<'_> {
    /// Records a problem of one operation (or path), whatever the current scope.
    fn push_op(&mut self, location: &str, message: impl Into<String>, fix: impl Into<String>) {
        let scope = std::mem::replace(&mut self.scope, Scope::Operation);
        self.push(location, message, fix);
        self.scope = scope;
    }

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
            scope: self.scope,
        });
    }

    /// `links`, `x-expect`, `x-poll` and `x-invariants` (`crate::relations`): malformed
    /// entries, links to an operation the spec lacks or a parameter it does not take.
    fn relations(&mut self, spec: &Spec) {
        let Ok((_, rejected)) = spec.operations_lenient() else {
            return;
        };
        for rejected in rejected {
            if let SpecError::Invalid {
                pointer, message, ..
            } = rejected.error
                && ["/links", "/x-invariants", "/x-expect", "/x-poll"]
                    .iter()
                    .any(|k| pointer.contains(k))
            {
                self.push_op(&pointer, message, "fix the relation");
            }
        }
        for (pointer, message, fix) in spec.relation_problems() {
            self.push(&pointer, message, fix);
        }
    }

    /// `openapi` must be 3.0.x; returns false (stop checking) otherwise.
    fn version(&mut self, spec: &Spec) -> bool {
        if !spec.doc.is_object() {
            let what = match &spec.doc {
                Value::Null => "null".to_string(),
                Value::Array(_) => "a list".to_string(),
                other => format!("the scalar {other}"),
            };
            self.push(
                "/",
                format!("the document is {what}, not an OpenAPI mapping"),
                "write an OpenAPI 3.0 document (`openapi: 3.0.3`, `info`, `paths`)",
            );
            return false;
        }
        if let Some(swagger) = spec.doc.get("swagger") {
            self.push(
                "/swagger",
                format!("Swagger (OpenAPI 2.0) documents are not supported (swagger: {swagger})"),
                "convert it to OpenAPI 3.0 (e.g. with swagger2openapi) and write `openapi: 3.0.3`",
            );
            return false;
        }
        match spec.doc.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.0.") => true,
            Some(Value::String(v)) => {
                self.push(
                    "/openapi",
                    format!("openapi {v} is not supported: the model, the validators and progenitor read 3.0.x only"),
                    if v.starts_with("3.1") {
                        "write the spec as OpenAPI 3.0 (`openapi: 3.0.3`; `type: [x, null]` becomes `nullable: true`, `examples` in schemas becomes `example`)"
                    } else {
                        "write the spec as `openapi: 3.0.3`"
                    },
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
                        Some(first) => self.push_op(
                            &pointer,
                            format!("operationId `{id}` is also used by {first}"),
                            "make every operationId unique",
                        ),
                        None => {
                            ids.insert(id.to_string(), pointer.clone());
                        }
                    },
                    _ => self.push_op(
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
                self.statuses(operation.get("responses"), &format!("{pointer}/responses"));
                match operation.get("security") {
                    Some(security) => self.security(spec, security, &format!("{pointer}/security")),
                    None => {
                        if let Some(global) = spec.doc.get("security") {
                            self.security(spec, global, &pointer);
                        }
                    }
                }
            }
        }
    }

    /// Response keys: `default`, a status code from 100 to 599, or a range `1XX`..`5XX`.
    fn statuses(&mut self, responses: Option<&Value>, pointer: &str) {
        for status in responses
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            let valid = status == "default"
                || status
                    .parse::<u16>()
                    .is_ok_and(|s| (100..=599).contains(&s) && status.len() == 3)
                || (status.len() == 3
                    && matches!(status.as_bytes()[0], b'1'..=b'5')
                    && status[1..].eq_ignore_ascii_case("XX"));
            if !valid {
                self.push_op(
                    &format!("{pointer}/{}", escape_pointer(status)),
                    format!("`{status}` is not a status code"),
                    "use a code from 100 to 599, a range such as 4XX, or default",
                );
            }
        }
    }

    /// Every scheme a security requirement names must be in `components.securitySchemes`.
    /// `pointer` is the operation's `security`, or the operation itself when the global one
    /// applies to it.
    fn security(&mut self, spec: &Spec, security: &Value, pointer: &str) {
        let schemes = spec
            .doc
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        for requirement in security.as_array().into_iter().flatten() {
            for name in requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                if !schemes.is_some_and(|s| s.contains_key(name)) {
                    self.push_op(
                        pointer,
                        format!(
                            "security requirement names `{name}`, which is not a security scheme"
                        ),
                        "declare it under components.securitySchemes or fix the name",
                    );
                }
            }
        }
    }

    /// Path templates: every `{name}` declared as a path parameter (of the path item or of
    /// each operation) and every path parameter in the template; no two templates equal
    /// but for their parameter names (`/a/{id}` and `/a/{name}`).
    fn templates(&mut self, spec: &Spec) {
        let Some(paths) = spec.doc.get("paths").and_then(Value::as_object) else {
            return;
        };
        let mut shapes: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in paths {
            let item_pointer = format!("/paths/{}", escape_pointer(path));
            let Some(names) = template_names(path) else {
                self.push_op(
                    &item_pointer,
                    format!("path template `{path}` has an unbalanced or empty `{{}}`"),
                    "write parameters as `{name}`",
                );
                continue;
            };
            let shape = shape_of(path);
            match shapes.get(&shape) {
                Some(first) => self.push_op(
                    &item_pointer,
                    format!("path template `{path}` is equivalent to `{first}`: they differ only in parameter names, so a request matches both"),
                    "merge the two paths or make their fixed segments differ",
                ),
                None => {
                    shapes.insert(shape, path.clone());
                }
            }
            let Ok(Value::Object(item)) = spec.resolve(item, &item_pointer) else {
                continue;
            };
            let shared = path_params(spec, item.get("parameters"));
            for method in METHODS {
                let Some(Value::Object(operation)) = item.get(method) else {
                    continue;
                };
                let pointer = format!("{item_pointer}/{method}");
                let mut declared = shared.clone();
                declared.extend(path_params(spec, operation.get("parameters")));
                for name in &names {
                    if !declared.contains(name) {
                        self.push_op(
                            &pointer,
                            format!("path template parameter `{{{name}}}` is not declared"),
                            format!(
                                "add a parameter `{name}` with `in: path` and `required: true`"
                            ),
                        );
                    }
                }
                for name in &declared {
                    if !names.contains(name) {
                        self.push_op(
                            &pointer,
                            format!("path parameter `{name}` is not in the template `{path}`"),
                            "add `{name}` to the path or remove the parameter",
                        );
                    }
                }
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

/// The `{name}`s of a path template, in order; `None` when a brace is unbalanced or empty.
fn template_names(path: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return None;
        }
        let close = rest[open..].find('}')? + open;
        let name = &rest[open + 1..close];
        if name.is_empty() || name.contains('{') {
            return None;
        }
        names.push(name.to_string());
        rest = &rest[close + 1..];
    }
    Some(names)
}

/// A template with its parameter names blanked: `/a/{id}` -> `/a/{}`.
fn shape_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            c => out.push(c),
        }
    }
    out
}

/// The names of the `in: path` parameters of a parameter list (`$ref`s followed).
fn path_params(spec: &Spec, list: Option<&Value>) -> std::collections::BTreeSet<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| spec.resolve(p, "").ok())
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
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
