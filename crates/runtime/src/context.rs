//! What a check runs with: the target, the parsed spec and the operation, plus helpers that
//! judge responses by the contract rules of `sb-rules` (the ones the validating proxy logs
//! traffic with): a failing check's reason is the rules' message.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use sb_rules::{Finding, Kind};
use sb_spec::{Operation, Response, Spec};
use serde_json::Value;

use crate::outcome::{Failure, Outcome, fail};
use crate::request::{RawResponse, preview};
use crate::target::Target;
use crate::tokens::{TokenKind, Tokens};

/// How many findings a failure names (the rest are counted).
pub const FINDINGS_SHOWN: usize = 3;

/// A failure whose reason is `findings`' message (`sb_rules::message`); `Ok` when none.
pub fn judged(findings: &[Finding]) -> Outcome {
    match sb_rules::message(findings, FINDINGS_SHOWN) {
        Some(message) => Err(fail(message)),
        None => Ok(()),
    }
}

/// A spec compiled into a test binary (`include_str!`), so tests need no files at run time.
#[derive(Debug, Clone, Copy)]
pub struct SpecSource {
    /// The file it came from, as written in reports (`openapi/agents-api.yaml`).
    pub file: &'static str,
    /// Its text.
    pub text: &'static str,
}

impl SpecSource {
    /// The parsed spec, parsed once per process.
    pub fn spec(&self) -> Result<Arc<Spec>, Failure> {
        static CACHE: OnceLock<Mutex<BTreeMap<&'static str, Arc<Spec>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(spec) = cache.get(self.file) {
            return Ok(spec.clone());
        }
        let spec = Arc::new(
            Spec::from_str(Path::new(self.file), self.text)
                .map_err(|e| fail(format!("cannot load {}: {e}", self.file)))?,
        );
        cache.insert(self.file, spec.clone());
        Ok(spec)
    }
}

/// One operation of one spec, as the generated tests name it.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub spec: SpecSource,
    pub id: &'static str,
}

/// Everything a check needs.
pub struct Ctx<'a> {
    pub target: &'a Target,
    pub spec: Arc<Spec>,
    pub op: Operation,
    /// The target's tokens, with the tenant under the spec's claim (`x-tenant.claim`).
    pub tokens: Arc<Tokens>,
}

impl<'a> Ctx<'a> {
    /// Resolves `op` in its spec.
    pub fn new(target: &'a Target, op: &Op) -> Result<Ctx<'a>, Failure> {
        let spec = op.spec.spec()?;
        let operation = spec
            .operation(op.id)
            .map_err(|e| fail(format!("{}: {e}", op.spec.file)))?;
        let claim = operation.tenancy.as_ref().and_then(|t| t.claim.as_deref());
        let tokens = target.tokens(claim).map_err(|e| fail(e.to_string()))?;
        Ok(Ctx {
            target,
            spec,
            op: operation,
            tokens,
        })
    }

    /// A token of `kind`, or `None` when the target cannot make one.
    pub fn token_of(&self, kind: TokenKind) -> Option<String> {
        self.tokens.get(kind)
    }

    /// The main tenant's valid token.
    pub fn token(&self) -> &str {
        self.tokens.valid()
    }

    /// The tenant header of the spec (`x-tenant.header`), if it declares one.
    pub fn tenant_header(&self) -> Option<&str> {
        self.op.tenancy.as_ref()?.header.as_deref()
    }

    /// The origin the CORS checks call from: `--allowed-origin`, else the first of the spec's
    /// `x-cors.allowedOrigins`.
    pub fn allowed_origin(&self) -> Option<String> {
        self.target.options().allowed_origin.clone().or_else(|| {
            self.op
                .cors
                .as_ref()
                .and_then(|c| c.allowed_origins.first().cloned())
        })
    }

    /// The operation's path parameters other than the tenant's.
    pub fn resource_params(&self) -> impl Iterator<Item = &sb_spec::Parameter> {
        self.op
            .path_params()
            .filter(|p| !self.op.is_tenant_param(p))
    }

    /// A plain HTTP client (with a total timeout).
    pub fn http(&self) -> Result<reqwest::Client, Failure> {
        self.target.http().map_err(|e| fail(e.to_string()))
    }

    /// The documented response for `status`, or a failure naming the undocumented status
    /// (any 5xx fails too: a provider error is never a pass), by the rule `sb_rules::status`.
    pub fn documented(&self, response: &RawResponse) -> Result<&Response, Failure> {
        let (documented, findings) = sb_rules::status(&self.op, response.status, &response.body);
        judged(&findings)?;
        documented.ok_or_else(|| fail(format!("status {} is not documented", response.status)))
    }

    /// Checks `response` against the documented response for its status (`sb_rules`'
    /// `response_head`: status, required headers, Content-Type; then `response_body`: a JSON
    /// body valid against its schema). Returns the JSON body.
    pub fn conforms(&self, response: &RawResponse) -> Result<Option<Value>, Failure> {
        let (documented, findings) =
            sb_rules::response_head(&self.op, response.status, &response.headers, &response.body);
        judged(&findings)?;
        let Some(documented) = documented else {
            return Err(fail(format!(
                "status {} is not documented",
                response.status
            )));
        };
        let Some(content_type) = response.header("content-type") else {
            return Ok(None);
        };
        let (body, findings) =
            sb_rules::response_body(&self.spec, documented, content_type, &response.body);
        judged(&findings)?;
        Ok(body)
    }

    /// Validates `value` against `schema` (an OpenAPI schema object or `$ref`, found at
    /// `pointer` in the spec) by the rule `sb_rules::schema`; `kind` says what the value is.
    pub fn validate(&self, kind: Kind, schema: &Value, value: &Value, pointer: &str) -> Outcome {
        judged(&sb_rules::schema(&self.spec, schema, value, kind, pointer))
    }

    /// Checks an error response: documented status in `expected` (empty: any documented
    /// 4xx), `application/json`, and a body valid against the documented error schema.
    pub fn error_response(
        &self,
        response: &RawResponse,
        expected: &[u16],
    ) -> Result<Value, Failure> {
        let status_ok = if expected.is_empty() {
            (400..500).contains(&response.status)
        } else {
            expected.contains(&response.status)
        };
        if !status_ok {
            return Err(fail(format!(
                "expected status {}, got {}: {}",
                if expected.is_empty() {
                    "4xx".to_string()
                } else {
                    expected
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(" or ")
                },
                response.status,
                preview(&response.body)
            )));
        }
        let documented = self.documented(response)?;
        if documented.content.is_empty() {
            return Err(fail(format!(
                "status {} documents no error body",
                response.status
            )));
        }
        match self.conforms(response)? {
            Some(body) => {
                // An error body that names its request must name this one (the id a user
                // quotes to find the log line).
                if let (Some(in_body), Some(in_header)) = (
                    body.get("requestId").and_then(Value::as_str),
                    response.header("x-request-id"),
                ) && in_body != in_header
                {
                    return Err(fail(format!(
                        "status {}: the body's requestId `{in_body}` differs from the X-Request-Id header `{in_header}`",
                        response.status
                    )));
                }
                Ok(body)
            }
            None => Err(fail(format!(
                "status {}: error body is `{}`, not JSON",
                response.status,
                response.media_type().unwrap_or_default()
            ))),
        }
    }

    /// The statuses among `candidates` that the operation documents explicitly.
    pub fn documented_among(&self, candidates: &[u16]) -> Vec<u16> {
        candidates
            .iter()
            .copied()
            .filter(|s| self.op.responses.iter().any(|r| r.status == s.to_string()))
            .collect()
    }
}
