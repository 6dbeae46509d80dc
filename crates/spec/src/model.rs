//! The operation model: what the runtime, the code generator and the diff tool read from a spec.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::stream::{EventStream, is_event_stream};
use crate::{Spec, SpecError, Tenancy, escape_pointer};

/// The HTTP methods OpenAPI 3.0 allows as keys of a path item, lowercase.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The `x-slo` keys this project understands (`openapi/EXTENSIONS.md`): latencies in
/// milliseconds, counts, and percentages.
pub const SLO_KEYS: [&str; 10] = [
    "avgMs",
    "p95Ms",
    "maxMs",
    "firstChunkMs",
    "lastChunkMs",
    "concurrentCalls",
    "concurrentSuccessPct",
    "concurrentMaxMs",
    "ratePerMinute",
    "errorPct",
];

/// One operation of a spec, with its `$ref`s to parameters, responses and headers resolved.
/// Schemas keep their `$ref`s; convert them with [`Spec::json_schema`] or [`Spec::validator`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// Lowercase method: "get", "post", ...
    pub method: String,
    /// The path template: "/sites/{tenantId}/generation".
    pub path: String,
    /// JSON pointer of the operation: "/paths/~1sites~1{tenantId}~1generation/post".
    pub pointer: String,
    /// The `summary`.
    pub summary: Option<String>,
    /// Path-item and operation parameters merged (the operation's win), sorted path, query,
    /// header, cookie, each group in spec order.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub request_body: Option<RequestBody>,
    /// Responses in the spec's order; `status` as written: "200", "4XX", "default".
    pub responses: Vec<Response>,
    /// Names of the security schemes a caller must satisfy (operation-level `security`
    /// overrides the global one); empty for a public operation (`security: []`, or an
    /// alternative `{}`).
    pub security: Vec<String>,
    /// The budget from `x-slo`.
    pub slo: Slo,
    /// The success response's event stream, when it is `text/event-stream`.
    pub stream: Option<EventStream>,
    /// The spec's `x-tenant`, when it declares tenants.
    pub tenancy: Option<Tenancy>,
    /// The spec's `x-cors`, when it declares the origins it serves.
    pub cors: Option<crate::Cors>,
    /// The success response's `links` (with `x-expect`, `x-poll`) and `x-invariants`.
    pub relations: crate::Relations,
}

/// An operation the model cannot read, and why (from [`Spec::operations_lenient`]).
#[derive(Debug)]
pub struct Rejected {
    /// Its `operationId`, when it has one.
    pub operation_id: Option<String>,
    /// Lowercase method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// What is wrong, with its pointer and the fix.
    pub error: SpecError,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// A query-string pair.
    Query,
    /// A request header.
    Header,
    /// A cookie (progenitor rejects these; the spec check reports them).
    Cookie,
}

impl Location {
    /// The `in` value: "path", "query", "header", "cookie".
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }

    fn parse(text: &str) -> Option<Location> {
        Some(match text {
            "path" => Location::Path,
            "query" => Location::Query,
            "header" => Location::Header,
            "cookie" => Location::Cookie,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// The name as written (header names keep their case).
    pub name: String,
    /// `in`.
    pub location: Location,
    /// `required` (false when absent).
    pub required: bool,
    /// The schema with a top-level `$ref` resolved (nested `$ref`s kept); from `content`'s
    /// first media type when the parameter has no `schema`; `{}` when it has neither.
    pub schema: Value,
    /// `example`, else the first of `examples` (by name), else the schema's `example`.
    pub example: Option<Value>,
    /// JSON pointer of the parameter as written (inside the operation, the path item, or the
    /// component a `$ref` names).
    pub pointer: String,
}

/// The request body of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestBody {
    /// `required` (false when absent).
    pub required: bool,
    /// The media type requests use, as written: the most JSON-like one offered
    /// (`application/json`, then `+json`/`json` types such as merge-patch, then `*/*`),
    /// else form-urlencoded, multipart, text, and the first one listed (see
    /// [`BodyEncoding`]).
    pub media_type: String,
    /// The media type's schema, raw; `{}` when it has none.
    pub schema: Value,
    /// `example`, else the first of `examples`, else the schema's `example`.
    pub example: Option<Value>,
    /// JSON pointer of the request body.
    pub pointer: String,
    /// Every media type offered, as written.
    pub media_types: Vec<String>,
}

/// How a request body is put on the wire, by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum BodyEncoding {
    /// `application/json`, `+json` and other `json` types, `*/*` and `application/*`
    /// (sent as `application/json`).
    Json,
    /// `application/x-www-form-urlencoded`: the object's properties as `key=value` pairs.
    Form,
    /// `multipart/form-data`: one part per property.
    Multipart,
    /// `text/*` and `application/octet-stream`: the example's text as it is.
    Raw,
    /// Anything else (XML, images, ...): no body can be made from the schema.
    Other,
}

impl BodyEncoding {
    /// The encoding of a media type (parameters ignored).
    pub fn of(media_type: &str) -> BodyEncoding {
        let essence = media_essence(media_type);
        match essence.as_str() {
            "*/*" | "application/*" => BodyEncoding::Json,
            "application/x-www-form-urlencoded" => BodyEncoding::Form,
            "multipart/form-data" | "multipart/mixed" => BodyEncoding::Multipart,
            "application/octet-stream" => BodyEncoding::Raw,
            e if e.ends_with("+json")
                || e.split('/').nth(1).is_some_and(|s| s.contains("json")) =>
            {
                BodyEncoding::Json
            }
            e if e.starts_with("text/") && e != "text/event-stream" => BodyEncoding::Raw,
            _ => BodyEncoding::Other,
        }
    }

    /// Preference among offered media types: lower is better (exact `application/json`
    /// first, then other JSON types, wildcards, form, multipart, raw, other).
    fn rank(media_type: &str) -> u8 {
        let essence = media_essence(media_type);
        match (essence.as_str(), BodyEncoding::of(media_type)) {
            ("application/json", _) => 0,
            ("*/*" | "application/*", _) => 2,
            (_, BodyEncoding::Json) => 1,
            (_, BodyEncoding::Form) => 3,
            (_, BodyEncoding::Multipart) => 4,
            (_, BodyEncoding::Raw) => 5,
            (_, BodyEncoding::Other) => 6,
        }
    }
}

impl RequestBody {
    /// How this body is encoded (from [`RequestBody::media_type`]).
    pub fn encoding(&self) -> BodyEncoding {
        BodyEncoding::of(&self.media_type)
    }

    /// The `Content-Type` a JSON body is sent with: the media type, or `application/json`
    /// for a wildcard (`*/*`).
    pub fn json_content_type(&self) -> &str {
        if self.media_type.contains('*') {
            "application/json"
        } else {
            &self.media_type
        }
    }
}

/// One documented response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// The key as written: "200", "4XX", "default".
    pub status: String,
    /// `description`.
    pub description: String,
    /// Media types, sorted by name.
    pub content: Vec<MediaType>,
    /// Headers, sorted by name.
    pub headers: Vec<Header>,
    /// JSON pointer of the response in the operation's `responses`.
    pub pointer: String,
}

/// One media type of a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaType {
    /// "application/json", "text/event-stream", ...
    pub name: String,
    /// The schema, raw.
    pub schema: Option<Value>,
    /// `example`, else the first of `examples`, else the schema's `example`.
    pub example: Option<Value>,
    /// JSON pointer of the media type object.
    pub pointer: String,
}

/// One response header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    /// The name as written.
    pub name: String,
    /// `required` (false when absent).
    pub required: bool,
    /// The schema, raw.
    pub schema: Option<Value>,
    /// JSON pointer of the header in the response's `headers`.
    pub pointer: String,
}

/// An operation's performance budget from `x-slo`, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Slo {
    /// Mean latency over a sample.
    pub avg_ms: Option<u64>,
    /// 95th percentile latency over a sample.
    pub p95_ms: Option<u64>,
    /// Latency of any single call.
    pub max_ms: Option<u64>,
    /// Time to the first event of a stream.
    pub first_chunk_ms: Option<u64>,
    /// Time to the last event of a stream.
    pub last_chunk_ms: Option<u64>,
    /// How many calls the budget holds for at once.
    pub concurrent_calls: Option<u64>,
    /// Share of those calls, in percent, that must succeed.
    pub concurrent_success_pct: Option<u64>,
    /// Longest any one of those calls may take.
    pub concurrent_max_ms: Option<u64>,
    /// A sustained rate of calls the budget holds for.
    pub rate_per_minute: Option<u64>,
    /// Largest share of failed calls at that rate, in percent.
    pub error_pct: Option<u64>,
}

impl Slo {
    /// True when no budget is set.
    pub fn is_empty(&self) -> bool {
        *self == Slo::default()
    }
}

impl Operation {
    /// The first 2xx (or "2XX") response in spec order; for an operation that documents no
    /// 2xx response, its first 3xx (a redirect: the tests do not follow redirects), else its
    /// `default` response (OpenAPI: the response of every status not listed).
    pub fn success(&self) -> Option<&Response> {
        success_of(&self.responses)
    }

    /// True when the success response streams `text/event-stream`.
    pub fn is_sse(&self) -> bool {
        self.stream.is_some()
    }

    /// The schema of one event of the success stream.
    pub fn sse_event_schema(&self) -> Option<&Value> {
        self.stream.as_ref().map(|s| &s.schema)
    }

    /// Whether `param` carries the tenant (per the spec's `x-tenant`).
    pub fn is_tenant_param(&self, param: &Parameter) -> bool {
        self.tenancy
            .as_ref()
            .is_some_and(|t| t.is_tenant_param(param))
    }

    /// The response documenting `status`: the exact key, then its range ("4XX"), then
    /// "default".
    pub fn documents_status(&self, status: u16) -> Option<&Response> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        self.responses
            .iter()
            .find(|r| r.status == exact)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| r.status.eq_ignore_ascii_case(&range))
            })
            .or_else(|| self.responses.iter().find(|r| r.status == "default"))
    }

    /// The response with this exact key ("200", "4XX", "default").
    pub fn response(&self, status: &str) -> Option<&Response> {
        self.responses.iter().find(|r| r.status == status)
    }

    /// True when no credentials are required.
    pub fn is_public(&self) -> bool {
        self.security.is_empty()
    }

    /// Parameters in the path.
    pub fn path_params(&self) -> impl Iterator<Item = &Parameter> {
        self.params_in(Location::Path)
    }

    /// Parameters in the query string.
    pub fn query_params(&self) -> impl Iterator<Item = &Parameter> {
        self.params_in(Location::Query)
    }

    /// Header parameters.
    pub fn header_params(&self) -> impl Iterator<Item = &Parameter> {
        self.params_in(Location::Header)
    }

    /// Parameters at `location`, in order.
    pub fn params_in(&self, location: Location) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(move |p| p.location == location)
    }

    /// The parameter `name` at `location` (header names compare case-insensitively).
    pub fn parameter(&self, location: Location, name: &str) -> Option<&Parameter> {
        self.params_in(location).find(|p| {
            if location == Location::Header {
                p.name.eq_ignore_ascii_case(name)
            } else {
                p.name == name
            }
        })
    }
}

impl Response {
    /// The media type `name` (parameters such as `; charset=utf-8` ignored).
    pub fn media(&self, name: &str) -> Option<&MediaType> {
        let name = media_essence(name);
        self.content.iter().find(|m| media_essence(&m.name) == name)
    }

    /// The `application/json` media type.
    pub fn json(&self) -> Option<&MediaType> {
        self.media("application/json")
    }

    /// The header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

/// The success response among `responses` (see [`Operation::success`]).
fn success_of(responses: &[Response]) -> Option<&Response> {
    let first = |class: char| responses.iter().find(|r| r.status.starts_with(class));
    first('2')
        .or_else(|| first('3'))
        .or_else(|| responses.iter().find(|r| r.status == "default"))
}

/// The media type without parameters, lowercase: "text/event-stream; x=y" -> "text/event-stream".
pub fn media_essence(name: &str) -> String {
    name.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

impl Spec {
    /// Every operation, sorted by (path, method); the first operation the model cannot read
    /// fails the whole spec (what the project's own specs want). Tools that must go on past
    /// one bad operation use [`Spec::operations_lenient`].
    pub fn operations(&self) -> Result<Vec<Operation>, SpecError> {
        let (operations, mut rejected) = self.operations_lenient()?;
        match rejected.is_empty() {
            true => Ok(operations),
            false => Err(rejected.swap_remove(0).error),
        }
    }

    /// Every operation the model can read, sorted by (path, method), and each one it cannot
    /// with the error naming its pointer and the fix. Errors of the document itself
    /// (`paths` not a mapping, a malformed `x-tenant`) still fail the whole call.
    pub fn operations_lenient(&self) -> Result<(Vec<Operation>, Vec<Rejected>), SpecError> {
        let mut operations = Vec::new();
        let mut rejected = Vec::new();
        if self.doc.get("paths").is_none() {
            return Ok((operations, rejected));
        }
        let endpoints = self.endpoints_checked()?;
        let tenancy = self.tenancy()?;
        let cors = self.cors()?;
        for endpoint in endpoints {
            match self.endpoint_operation(&endpoint) {
                Ok(mut operation) => {
                    operation.tenancy = tenancy.clone();
                    operation.cors = cors.clone();
                    operations.push(operation);
                }
                Err(error) => rejected.push(Rejected {
                    operation_id: endpoint
                        .operation
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    method: endpoint.method.to_string(),
                    path: endpoint.path.to_string(),
                    pointer: endpoint.pointer.clone(),
                    error,
                }),
            }
        }
        operations.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
        Ok((operations, rejected))
    }

    fn endpoint_operation(&self, endpoint: &crate::Endpoint<'_>) -> Result<Operation, SpecError> {
        // `endpoints_checked` has already rejected path items that are not mappings.
        let item = endpoint
            .path_item
            .as_object()
            .ok_or_else(|| self.invalid(&endpoint.path_pointer, "path item is not a mapping"))?;
        self.build_operation(
            endpoint.path,
            endpoint.method,
            &endpoint.path_pointer,
            item,
            endpoint.operation,
        )
    }

    /// The operation with this operationId; only that operation is read, so another one the
    /// model cannot read does not matter.
    pub fn operation(&self, operation_id: &str) -> Result<Operation, SpecError> {
        let endpoints = if self.doc.get("paths").is_none() {
            Vec::new()
        } else {
            self.endpoints_checked()?
        };
        fn id_of<'a>(e: &crate::Endpoint<'a>) -> Option<&'a str> {
            e.operation.get("operationId").and_then(Value::as_str)
        }
        if let Some(endpoint) = endpoints.iter().find(|e| id_of(e) == Some(operation_id)) {
            let mut operation = self.endpoint_operation(endpoint)?;
            operation.tenancy = self.tenancy()?;
            operation.cors = self.cors()?;
            return Ok(operation);
        }
        let mut known: Vec<&str> = endpoints.iter().filter_map(id_of).collect();
        known.sort_unstable();
        Err(SpecError::UnknownOperation {
            file: self.file.clone(),
            operation_id: operation_id.to_string(),
            known: known.join(", "),
        })
    }

    fn build_operation(
        &self,
        path: &str,
        method: &str,
        item_pointer: &str,
        item: &Map<String, Value>,
        operation: &Value,
    ) -> Result<Operation, SpecError> {
        let pointer = format!("{item_pointer}/{method}");
        let operation = operation
            .as_object()
            .ok_or_else(|| self.invalid(&pointer, "operation is not a mapping"))?;
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                self.invalid(&pointer, "operationId is missing; add a unique operationId")
            })?
            .to_string();
        let mut parameters = self.parameters(
            item.get("parameters"),
            &format!("{item_pointer}/parameters"),
        )?;
        for own in self.parameters(
            operation.get("parameters"),
            &format!("{pointer}/parameters"),
        )? {
            parameters.retain(|p| !(p.name == own.name && p.location == own.location));
            parameters.push(own);
        }
        // Stable: each location keeps the spec's order.
        parameters.sort_by_key(|p| p.location);
        let request_body = match operation.get("requestBody") {
            Some(body) => Some(self.request_body(body, &format!("{pointer}/requestBody"))?),
            None => None,
        };
        let responses =
            self.responses(operation.get("responses"), &format!("{pointer}/responses"))?;
        let security = self.security(
            operation
                .get("security")
                .or_else(|| self.doc.get("security")),
            &pointer,
        )?;
        let slo = self.slo(operation.get("x-slo"), &format!("{pointer}/x-slo"))?;
        let stream = self.success_stream(&responses)?;
        let relations = self.success_relations(&responses)?;
        Ok(Operation {
            id,
            method: method.to_string(),
            path: path.to_string(),
            pointer,
            summary: operation
                .get("summary")
                .and_then(Value::as_str)
                .map(str::to_string),
            parameters,
            request_body,
            responses,
            security,
            slo,
            stream,
            tenancy: None,
            cors: None,
            relations,
        })
    }

    /// The relations declared on the success response ([`Operation::success`]).
    fn success_relations(&self, responses: &[Response]) -> Result<crate::Relations, SpecError> {
        let Some(success) = success_of(responses) else {
            return Ok(crate::Relations::default());
        };
        match self.doc.pointer(&success.pointer) {
            Some(raw) => self.relations(raw, &success.pointer),
            None => Ok(crate::Relations::default()),
        }
    }

    /// The event stream of the first 2xx response, if it is `text/event-stream`.
    fn success_stream(&self, responses: &[Response]) -> Result<Option<EventStream>, SpecError> {
        let Some(media) = responses
            .iter()
            .find(|r| r.status.starts_with('2'))
            .and_then(|r| r.content.iter().find(|m| is_event_stream(&m.name)))
        else {
            return Ok(None);
        };
        let raw = self
            .doc
            .pointer(&media.pointer)
            .ok_or_else(|| self.invalid(&media.pointer, "media type vanished while loading"))?;
        self.event_stream(&media.name, raw, &media.pointer)
    }

    fn parameters(&self, list: Option<&Value>, pointer: &str) -> Result<Vec<Parameter>, SpecError> {
        let Some(list) = list else {
            return Ok(Vec::new());
        };
        let list = list
            .as_array()
            .ok_or_else(|| self.invalid(pointer, "parameters is not a list"))?;
        let mut parameters = Vec::with_capacity(list.len());
        for (i, parameter) in list.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            let node = crate::resolve::deref(self, parameter, &at)?;
            let (parameter, at) = (node.value, node.pointer);
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| self.invalid(&at, "parameter has no name; add `name`"))?;
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .and_then(Location::parse)
                .ok_or_else(|| {
                    self.invalid(&at, format!("parameter `{name}` has no valid `in`; use path, query, header or cookie"))
                })?;
            let (schema, media) = match parameter.get("schema") {
                Some(schema) => (self.resolve(schema, &format!("{at}/schema"))?.clone(), None),
                None => match parameter
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                {
                    Some(media) => (
                        match media.get("schema") {
                            Some(s) => self.resolve(s, &format!("{at}/content"))?.clone(),
                            None => Value::Object(Map::new()),
                        },
                        Some(media),
                    ),
                    None => (Value::Object(Map::new()), None),
                },
            };
            let example = match self.example_of(parameter, &at)? {
                Some(example) => Some(example),
                None => match media {
                    Some(media) => self.example_of(media, &at)?,
                    None => None,
                },
            }
            .or_else(|| schema.get("example").cloned());
            parameters.push(Parameter {
                name: name.to_string(),
                location,
                required: parameter
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                schema,
                example,
                pointer: at.clone(),
            });
        }
        Ok(parameters)
    }

    /// `example`, else the first of `examples` (resolved), of a parameter or media type.
    fn example_of(&self, holder: &Value, at: &str) -> Result<Option<Value>, SpecError> {
        if let Some(example) = holder.get("example") {
            return Ok(Some(example.clone()));
        }
        if let Some((name, example)) = holder
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.iter().next())
        {
            let example =
                self.resolve(example, &format!("{at}/examples/{}", escape_pointer(name)))?;
            return Ok(example.get("value").cloned());
        }
        Ok(None)
    }

    /// Like [`Spec::example_of`], falling back to the (top-level resolved) schema's `example`.
    fn media_example(&self, media: &Value, at: &str) -> Result<Option<Value>, SpecError> {
        if let Some(example) = self.example_of(media, at)? {
            return Ok(Some(example));
        }
        match media.get("schema") {
            Some(schema) => Ok(self
                .resolve(schema, &format!("{at}/schema"))?
                .get("example")
                .cloned()),
            None => Ok(None),
        }
    }

    fn request_body(&self, body: &Value, pointer: &str) -> Result<RequestBody, SpecError> {
        let node = crate::resolve::deref(self, body, pointer)?;
        let (body, pointer) = (node.value, node.pointer.as_str());
        let content_pointer = format!("{pointer}/content");
        let Some((media_type, media)) =
            body.get("content")
                .and_then(Value::as_object)
                .and_then(|c| {
                    // Stable: among equally good media types the spec's order decides.
                    let mut keys = self.keys_in_order(&content_pointer, c);
                    keys.sort_by_key(|k| BodyEncoding::rank(k));
                    let key = keys.into_iter().next()?;
                    c.get_key_value(key)
                })
        else {
            return Err(self.invalid(
                pointer,
                "request body has no content; add a media type with a schema",
            ));
        };
        let at = format!("{pointer}/content/{}", escape_pointer(media_type));
        Ok(RequestBody {
            required: body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            media_type: media_type.clone(),
            schema: media
                .get("schema")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
            example: self.media_example(media, &at)?,
            pointer: pointer.to_string(),
            media_types: body
                .get("content")
                .and_then(Value::as_object)
                .map(|c| c.keys().cloned().collect())
                .unwrap_or_default(),
        })
    }

    fn responses(
        &self,
        responses: Option<&Value>,
        pointer: &str,
    ) -> Result<Vec<Response>, SpecError> {
        let responses = responses.and_then(Value::as_object).ok_or_else(|| {
            self.invalid(
                pointer,
                "operation has no responses; document at least its success response",
            )
        })?;
        let mut out = Vec::with_capacity(responses.len());
        for status in self.keys_in_order(pointer, responses) {
            let at = format!("{pointer}/{}", escape_pointer(status));
            let node = crate::resolve::deref(self, &responses[status], &at)?;
            let (response, at) = (node.value, node.pointer);
            let mut content = Vec::new();
            if let Some(media_types) = response.get("content").and_then(Value::as_object) {
                for (name, media) in media_types {
                    let media_at = format!("{at}/content/{}", escape_pointer(name));
                    content.push(MediaType {
                        name: name.clone(),
                        schema: media.get("schema").cloned(),
                        example: self.media_example(media, &media_at)?,
                        pointer: media_at,
                    });
                }
            }
            let mut headers = Vec::new();
            if let Some(map) = response.get("headers").and_then(Value::as_object) {
                for (name, header) in map {
                    let node = crate::resolve::deref(
                        self,
                        header,
                        &format!("{at}/headers/{}", escape_pointer(name)),
                    )?;
                    let header = node.value;
                    headers.push(Header {
                        name: name.clone(),
                        required: header
                            .get("required")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                        schema: header.get("schema").cloned(),
                        pointer: node.pointer,
                    });
                }
            }
            out.push(Response {
                status: status.to_string(),
                description: response
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                content,
                headers,
                pointer: at.clone(),
            });
        }
        Ok(out)
    }

    fn security(&self, security: Option<&Value>, pointer: &str) -> Result<Vec<String>, SpecError> {
        let Some(security) = security else {
            return Ok(Vec::new());
        };
        let requirements = security
            .as_array()
            .ok_or_else(|| self.invalid(pointer, "security is not a list of requirements"))?;
        let mut names: Vec<String> = Vec::new();
        for requirement in requirements {
            let requirement = requirement
                .as_object()
                .ok_or_else(|| self.invalid(pointer, "security requirement is not a mapping"))?;
            if requirement.is_empty() {
                // `{}` is an anonymous alternative: no credentials are required.
                return Ok(Vec::new());
            }
            for name in requirement.keys() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        Ok(names)
    }

    fn slo(&self, slo: Option<&Value>, pointer: &str) -> Result<Slo, SpecError> {
        let mut out = Slo::default();
        let Some(slo) = slo else {
            return Ok(out);
        };
        let slo = slo.as_object().ok_or_else(|| {
            self.invalid(
                pointer,
                format!(
                    "x-slo is not a mapping; map {} to numbers (openapi/EXTENSIONS.md)",
                    SLO_KEYS.join(", ")
                ),
            )
        })?;
        for (key, value) in slo {
            let slot = match key.as_str() {
                "avgMs" => &mut out.avg_ms,
                "p95Ms" => &mut out.p95_ms,
                "maxMs" => &mut out.max_ms,
                "firstChunkMs" => &mut out.first_chunk_ms,
                "lastChunkMs" => &mut out.last_chunk_ms,
                "concurrentCalls" => &mut out.concurrent_calls,
                "concurrentSuccessPct" => &mut out.concurrent_success_pct,
                "concurrentMaxMs" => &mut out.concurrent_max_ms,
                "ratePerMinute" => &mut out.rate_per_minute,
                "errorPct" => &mut out.error_pct,
                // Unknown keys are the spec check's business; the model ignores them.
                _ => continue,
            };
            let bounded = |n: &u64| *n > 0 && (!key.ends_with("Pct") || *n <= 100);
            let ms = value.as_u64().filter(bounded).ok_or_else(|| {
                self.invalid(
                    &format!("{pointer}/{key}"),
                    if key.ends_with("Pct") {
                        format!("x-slo {key} is {value}, not a percentage from 1 to 100; give one such as 80")
                    } else {
                        format!("x-slo {key} is {value}, not a positive integer; give milliseconds such as 20")
                    },
                )
            })?;
            *slot = Some(ms);
        }
        Ok(out)
    }
}
