//! Relations between operations and inside one exchange, as the spec declares them: OpenAPI
//! `links` on a response (which operation its values lead to), with the vendor extensions
//! `x-expect` (equalities the linked response must meet) and `x-poll` (read the linked
//! operation until a field reaches one of a set of values, within a bounded time), and
//! `x-invariants` on a response (a field or an array's length equals a value of the
//! exchange, such as a request field whose omitted value is its documented `default`).
//! See `openapi/EXTENSIONS.md`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Spec, SpecError, escape_pointer};

/// The shortest interval between two reads of an `x-poll` (milliseconds).
pub const POLL_MIN_INTERVAL_MS: u64 = 10;
/// The longest interval between two reads of an `x-poll` (milliseconds).
pub const POLL_MAX_INTERVAL_MS: u64 = 60_000;
/// The longest total time an `x-poll` may wait (milliseconds): a check never waits longer.
pub const POLL_MAX_TIMEOUT_MS: u64 = 120_000;
/// The most entries an `x-expect` or `x-invariants` list, or an `until` set, may hold.
pub const MAX_ENTRIES: usize = 32;

/// A value of an exchange, named by an OpenAPI runtime expression (plus the `$stream.`
/// expressions of this project), or a constant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "at", rename_all = "camelCase")]
pub enum Expr {
    /// `$response.header.NAME` (compared case-insensitively).
    ResponseHeader(String),
    /// `$response.body#/pointer` (`$response.body` alone: the whole body).
    ResponseBody(String),
    /// `$request.path.NAME`.
    RequestPath(String),
    /// `$request.query.NAME`.
    RequestQuery(String),
    /// `$request.header.NAME`.
    RequestHeader(String),
    /// `$request.body#/pointer`; a field the request left out stands for its schema's
    /// documented `default`.
    RequestBody(String),
    /// `$stream.content`: the `x-stream` content events' field, concatenated in order.
    StreamContent,
    /// `$stream.EVENT#/pointer`: a field of the (last) event of that type.
    StreamEvent { event: String, pointer: String },
    /// Anything not starting with `$`: the value itself.
    Constant(Value),
}

impl Expr {
    /// Parses a link parameter value, an `equals`, or an `x-expect` value.
    pub fn parse(value: &Value) -> Result<Expr, String> {
        let Some(text) = value.as_str().filter(|t| t.starts_with('$')) else {
            return Ok(Expr::Constant(value.clone()));
        };
        let pointer = |rest: &str| -> Result<String, String> {
            match rest {
                "" => Ok(String::new()),
                _ => rest
                    .strip_prefix('#')
                    .filter(|p| p.is_empty() || p.starts_with('/'))
                    .map(str::to_string)
                    .ok_or_else(|| {
                        format!("`{text}`: a body is followed by `#/json/pointer`, not `{rest}`")
                    }),
            }
        };
        let name = |rest: &str| -> Result<String, String> {
            rest.strip_prefix('.')
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .ok_or_else(|| format!("`{text}` names no parameter or header"))
        };
        if let Some(rest) = text.strip_prefix("$response.header") {
            return Ok(Expr::ResponseHeader(name(rest)?));
        }
        if let Some(rest) = text.strip_prefix("$response.body") {
            return Ok(Expr::ResponseBody(pointer(rest)?));
        }
        if let Some(rest) = text.strip_prefix("$request.path") {
            return Ok(Expr::RequestPath(name(rest)?));
        }
        if let Some(rest) = text.strip_prefix("$request.query") {
            return Ok(Expr::RequestQuery(name(rest)?));
        }
        if let Some(rest) = text.strip_prefix("$request.header") {
            return Ok(Expr::RequestHeader(name(rest)?));
        }
        if let Some(rest) = text.strip_prefix("$request.body") {
            return Ok(Expr::RequestBody(pointer(rest)?));
        }
        if text == "$stream.content" {
            return Ok(Expr::StreamContent);
        }
        if let Some(rest) = text.strip_prefix("$stream.") {
            let (event, at) = rest.split_once('#').unwrap_or((rest, ""));
            if !event.is_empty() {
                return Ok(Expr::StreamEvent {
                    event: event.to_string(),
                    pointer: pointer(&format!("#{at}"))?,
                });
            }
        }
        Err(format!(
            "`{text}` is not a runtime expression this project reads; use $response.header.NAME, $response.body#/ptr, $request.path|query|header.NAME, $request.body#/ptr, $stream.content or $stream.EVENT#/ptr"
        ))
    }

    /// Whether the value comes from a stream (the origin must stream events).
    pub fn needs_stream(&self) -> bool {
        matches!(self, Expr::StreamContent | Expr::StreamEvent { .. })
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::ResponseHeader(n) => write!(f, "$response.header.{n}"),
            Expr::ResponseBody(p) if p.is_empty() => write!(f, "$response.body"),
            Expr::ResponseBody(p) => write!(f, "$response.body#{p}"),
            Expr::RequestPath(n) => write!(f, "$request.path.{n}"),
            Expr::RequestQuery(n) => write!(f, "$request.query.{n}"),
            Expr::RequestHeader(n) => write!(f, "$request.header.{n}"),
            Expr::RequestBody(p) => write!(f, "$request.body#{p}"),
            Expr::StreamContent => write!(f, "$stream.content"),
            Expr::StreamEvent { event, pointer } => write!(f, "$stream.{event}#{pointer}"),
            Expr::Constant(v) => write!(f, "{v}"),
        }
    }
}

/// One equality a response must meet: its field (or an array's length) equals a value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expectation {
    /// JSON pointer into the response body (`/html`).
    pub pointer: String,
    /// True for `count:`: the length of the array at `pointer` is compared.
    pub count: bool,
    /// What it must equal.
    pub equals: Expr,
    /// Where the entry is declared.
    pub at: String,
}

impl std::fmt::Display for Expectation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.count {
            true => write!(f, "the length of {} equals {}", self.pointer, self.equals),
            false => write!(f, "{} equals {}", self.pointer, self.equals),
        }
    }
}

/// `x-poll` on a link: read the linked operation until its field reaches a value of `until`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Poll {
    /// JSON pointer into the linked response body (`/status`).
    pub pointer: String,
    /// The values that end the polling (terminal states).
    pub until: Vec<Value>,
    /// Among them, the ones a healthy run ends in (empty: any of `until`).
    pub success: Vec<Value>,
    /// Time between reads, in milliseconds.
    pub interval_ms: u64,
    /// Longest total wait, in milliseconds.
    pub timeout_ms: u64,
}

/// One OpenAPI link of a success response, with its extensions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// The link's name (its key under `links`).
    pub name: String,
    /// JSON pointer of the link.
    pub pointer: String,
    /// The operation it leads to.
    pub operation_id: String,
    /// The linked operation's parameters: name (as written, `path.` etc. stripped) and value.
    pub parameters: Vec<(String, Expr)>,
    /// `x-expect`: equalities between the linked response and the origin exchange.
    pub expect: Vec<Expectation>,
    /// `x-poll`, when the linked operation is read until a state is reached.
    pub poll: Option<Poll>,
}

/// The relations declared on an operation's success response.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Relations {
    /// `links` of the success response.
    pub links: Vec<Link>,
    /// `x-invariants` of the success response.
    pub invariants: Vec<Expectation>,
}

impl Relations {
    /// True when nothing is declared.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty() && self.invariants.is_empty()
    }
}

impl Spec {
    /// The relations declared on the success response at `response_pointer` (the response
    /// object, `$ref` resolved by the caller).
    pub(crate) fn relations(
        &self,
        response: &Value,
        response_pointer: &str,
    ) -> Result<Relations, SpecError> {
        let mut out = Relations::default();
        if let Some(links) = response.get("links") {
            let at = format!("{response_pointer}/links");
            let links = links.as_object().ok_or_else(|| {
                self.invalid(&at, "links is not a mapping of link names to links")
            })?;
            for name in self.keys_in_order(&at, links) {
                let link_at = format!("{at}/{}", escape_pointer(name));
                let node = crate::resolve::deref(self, &links[name], &link_at)?;
                out.links.push(self.link(name, node.value, &node.pointer)?);
            }
        }
        if let Some(list) = response.get("x-invariants") {
            let at = format!("{response_pointer}/x-invariants");
            out.invariants = self.expectations(list, &at, "x-invariants")?;
        }
        Ok(out)
    }

    fn link(&self, name: &str, link: &Value, at: &str) -> Result<Link, SpecError> {
        let link = link
            .as_object()
            .ok_or_else(|| self.invalid(at, "a link is not a mapping"))?;
        if link.contains_key("operationRef") {
            return Err(self.invalid(
                &format!("{at}/operationRef"),
                "operationRef is not supported; name the operation with operationId",
            ));
        }
        let operation_id = link
            .get("operationId")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| self.invalid(at, "the link names no operationId; add one"))?
            .to_string();
        let mut parameters = Vec::new();
        if let Some(params) = link.get("parameters") {
            let params_at = format!("{at}/parameters");
            let params = params.as_object().ok_or_else(|| {
                self.invalid(
                    &params_at,
                    "link parameters is not a mapping of names to values",
                )
            })?;
            for (key, value) in params {
                let name = ["path.", "query.", "header."]
                    .iter()
                    .find_map(|p| key.strip_prefix(p))
                    .unwrap_or(key);
                let expr = Expr::parse(value).map_err(|e| {
                    self.invalid(&format!("{params_at}/{}", escape_pointer(key)), e)
                })?;
                parameters.push((name.to_string(), expr));
            }
        }
        let expect = match link.get("x-expect") {
            Some(list) => self.expectations(list, &format!("{at}/x-expect"), "x-expect")?,
            None => Vec::new(),
        };
        let poll = match link.get("x-poll") {
            Some(poll) => Some(self.poll(poll, &format!("{at}/x-poll"))?),
            None => None,
        };
        Ok(Link {
            name: name.to_string(),
            pointer: at.to_string(),
            operation_id,
            parameters,
            expect,
            poll,
        })
    }

    fn expectations(
        &self,
        list: &Value,
        at: &str,
        what: &str,
    ) -> Result<Vec<Expectation>, SpecError> {
        let fix = "give a list of `{pointer: /field, equals: VALUE}` or `{count: /array, equals: VALUE}` (openapi/EXTENSIONS.md)";
        let list = list
            .as_array()
            .filter(|l| !l.is_empty() && l.len() <= MAX_ENTRIES)
            .ok_or_else(|| {
                self.invalid(
                    at,
                    format!("{what} is not a list of 1 to {MAX_ENTRIES} entries; {fix}"),
                )
            })?;
        let mut out = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let entry_at = format!("{at}/{i}");
            let entry: &Map<String, Value> = entry
                .as_object()
                .ok_or_else(|| self.invalid(&entry_at, format!("not a mapping; {fix}")))?;
            if let Some(key) = entry
                .keys()
                .find(|k| !["pointer", "count", "equals"].contains(&k.as_str()))
            {
                return Err(self.invalid(
                    &format!("{entry_at}/{}", escape_pointer(key)),
                    format!("{what} key `{key}` is unknown; use pointer or count, and equals"),
                ));
            }
            let (pointer, count) = match (entry.get("pointer"), entry.get("count")) {
                (Some(p), None) => (p, false),
                (None, Some(c)) => (c, true),
                _ => {
                    return Err(self.invalid(
                        &entry_at,
                        format!("give exactly one of `pointer` and `count`; {fix}"),
                    ));
                }
            };
            let pointer = pointer
                .as_str()
                .filter(|p| p.starts_with('/'))
                .ok_or_else(|| {
                    self.invalid(
                        &entry_at,
                        format!("{pointer} is not a JSON pointer into the response body such as /results"),
                    )
                })?;
            let equals = entry.get("equals").ok_or_else(|| {
                self.invalid(&entry_at, format!("the entry has no `equals`; {fix}"))
            })?;
            let equals =
                Expr::parse(equals).map_err(|e| self.invalid(&format!("{entry_at}/equals"), e))?;
            out.push(Expectation {
                pointer: pointer.to_string(),
                count,
                equals,
                at: entry_at,
            });
        }
        Ok(out)
    }

    fn poll(&self, poll: &Value, at: &str) -> Result<Poll, SpecError> {
        let fix = "give `{pointer: /status, until: [DONE, FAILED], success: [DONE], intervalMs: 500, timeoutMs: 30000}` (openapi/EXTENSIONS.md)";
        let poll = poll
            .as_object()
            .ok_or_else(|| self.invalid(at, format!("x-poll is not a mapping; {fix}")))?;
        if let Some(key) = poll.keys().find(|k| {
            !["pointer", "until", "success", "intervalMs", "timeoutMs"].contains(&k.as_str())
        }) {
            return Err(self.invalid(
                &format!("{at}/{}", escape_pointer(key)),
                format!("x-poll key `{key}` is unknown; {fix}"),
            ));
        }
        let pointer = poll
            .get("pointer")
            .and_then(Value::as_str)
            .filter(|p| p.starts_with('/'))
            .ok_or_else(|| {
                self.invalid(
                    &format!("{at}/pointer"),
                    format!("x-poll needs a JSON pointer into the linked response; {fix}"),
                )
            })?
            .to_string();
        let set = |key: &str, required: bool| -> Result<Vec<Value>, SpecError> {
            match poll.get(key) {
                None if !required => Ok(Vec::new()),
                Some(Value::Array(list)) if !list.is_empty() && list.len() <= MAX_ENTRIES => {
                    Ok(list.clone())
                }
                _ => Err(self.invalid(
                    &format!("{at}/{key}"),
                    format!("x-poll {key} is not a list of 1 to {MAX_ENTRIES} values; {fix}"),
                )),
            }
        };
        let until = set("until", true)?;
        let success = set("success", false)?;
        if let Some(stray) = success.iter().find(|s| !until.contains(s)) {
            return Err(self.invalid(
                &format!("{at}/success"),
                format!(
                    "x-poll success value {stray} is not in `until`; a success must end the polling"
                ),
            ));
        }
        let number = |key: &str, min: u64, max: u64| -> Result<u64, SpecError> {
            poll.get(key)
                .and_then(Value::as_u64)
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    self.invalid(
                        &format!("{at}/{key}"),
                        format!("x-poll {key} must be milliseconds from {min} to {max}; {fix}"),
                    )
                })
        };
        let interval_ms = number("intervalMs", POLL_MIN_INTERVAL_MS, POLL_MAX_INTERVAL_MS)?;
        let timeout_ms = number("timeoutMs", interval_ms, POLL_MAX_TIMEOUT_MS)?;
        Ok(Poll {
            pointer,
            until,
            success,
            interval_ms,
            timeout_ms,
        })
    }

    /// The documented `default` of the request body field at `pointer` (`/count`), walking
    /// `properties` (and `allOf` members) from the body's schema.
    pub fn body_default(&self, schema: &Value, pointer: &str) -> Option<Value> {
        let mut node = crate::resolve::deref(self, schema, "/requestBody").ok()?;
        for segment in pointer.split('/').skip(1) {
            let segment = crate::resolve::unescape_pointer(segment);
            let view = crate::resolve::object_view(self, &node).ok()?;
            let property = view.properties.get(&segment)?;
            node = crate::resolve::deref(self, property.schema, &property.pointer).ok()?;
        }
        node.value.get("default").cloned()
    }

    /// Problems of the relations that need the whole spec: links naming an unknown
    /// operation, or a parameter the linked operation does not take, and stream values
    /// read from an operation that does not stream. `(pointer, message, fix)`.
    pub fn relation_problems(&self) -> Vec<(String, String, &'static str)> {
        let Ok((operations, rejected)) = self.operations_lenient() else {
            return Vec::new();
        };
        // An operation the model cannot read is reported on its own; a link to it is fine.
        let unreadable: Vec<&str> = rejected
            .iter()
            .filter_map(|r| r.operation_id.as_deref())
            .collect();
        let name_them = "name an operationId and parameters the spec has";
        let mut problems = Vec::new();
        for op in &operations {
            for link in &op.relations.links {
                if unreadable.contains(&link.operation_id.as_str()) {
                    continue;
                }
                let Some(linked) = operations.iter().find(|o| o.id == link.operation_id) else {
                    let mut known: Vec<&str> = operations.iter().map(|o| o.id.as_str()).collect();
                    known.extend(&unreadable);
                    known.sort_unstable();
                    problems.push((
                        format!("{}/operationId", link.pointer),
                        format!(
                            "link `{}` names operation `{}`, which the spec does not have (known: {})",
                            link.name,
                            link.operation_id,
                            known.join(", ")
                        ),
                        name_them,
                    ));
                    continue;
                };
                for (name, _) in &link.parameters {
                    if !linked.parameters.iter().any(|p| &p.name == name) {
                        problems.push((
                            format!("{}/parameters/{}", link.pointer, escape_pointer(name)),
                            format!(
                                "link `{}` sets parameter `{name}`, which {} does not take (it takes: {})",
                                link.name,
                                linked.id,
                                linked
                                    .parameters
                                    .iter()
                                    .map(|p| p.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            name_them,
                        ));
                    }
                }
            }
            let link_values = op.relations.links.iter().flat_map(|l| {
                l.parameters
                    .iter()
                    .map(move |(name, expr)| {
                        (
                            format!("{}/parameters/{}", l.pointer, escape_pointer(name)),
                            expr,
                        )
                    })
                    .chain(l.expect.iter().map(|e| (e.at.clone(), &e.equals)))
            });
            let invariants = op
                .relations
                .invariants
                .iter()
                .map(|e| (e.at.clone(), &e.equals));
            for (at, expr) in link_values.chain(invariants) {
                if let Some(message) = origin_problem(op, expr) {
                    problems.push((at, message, "name a value the operation's exchange has"));
                }
            }
        }
        problems
    }
}

/// Why `expr` names nothing in an exchange of `op`, if it does not.
fn origin_problem(op: &crate::Operation, expr: &Expr) -> Option<String> {
    use crate::Location;
    let param = |location: Location, name: &str| {
        op.parameter(location, name)
            .is_none()
            .then(|| format!("`{expr}`: {} takes no {location} parameter `{name}`", op.id))
    };
    match expr {
        Expr::StreamContent | Expr::StreamEvent { .. } if !op.is_sse() => Some(format!(
            "`{expr}` needs a stream, but {} does not stream events",
            op.id
        )),
        Expr::RequestPath(name) => param(Location::Path, name),
        Expr::RequestQuery(name) => param(Location::Query, name),
        Expr::RequestHeader(name) => param(Location::Header, name),
        Expr::RequestBody(_) if op.request_body.is_none() => {
            Some(format!("`{expr}`: {} takes no request body", op.id))
        }
        _ => None,
    }
}
