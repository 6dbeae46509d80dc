//! The contract as the suites read it: the specs compiled into `sitebuilder_contract::specs`
//! (the one list of them), parsed once per process into the model (`sb_spec`). Budgets,
//! event kinds, the stream's media type, paths, tenant headers and servers come from here,
//! so no suite names a Site Builder fact the spec already states.

use std::sync::{Arc, OnceLock};

use sb_runtime::{Failure, Op};
use sb_spec::{EventStream, Operation, Spec, StreamSemantics};
use sitebuilder_contract::specs;

use crate::budget::{self, Key};

/// The operation every page generation goes through (openapi/generation-api.yaml).
pub const GENERATE_PAGE: &str = "generatePage";

pub use sb_harness::source;

/// Operation `id` of `spec`, as the runtime names it for a `Ctx`.
pub fn op(spec: specs::Spec, id: &'static str) -> Op {
    Op {
        spec: source(spec),
        id,
    }
}

/// The parsed spec.
pub fn spec(spec: specs::Spec) -> Result<Arc<Spec>, Failure> {
    source(spec).spec()
}

/// Operation `id` of `spec`, or a failure naming the spec and the operations it has.
pub fn operation(spec: specs::Spec, id: &str) -> Result<Operation, Failure> {
    self::spec(spec)?
        .operation(id)
        .map_err(|e| Failure::new(format!("{}: {e}", spec.file)))
}

/// The servers of the Generation API's spec, `(url, description)` in spec order (the three
/// specs list the same ones).
pub fn servers() -> Result<Vec<(String, String)>, Failure> {
    Ok(spec(specs::GENERATION)?.servers())
}

/// generatePage as the model reads it: the operation (its budget, success response, tenancy)
/// and the event stream of its success response.
#[derive(Debug)]
pub struct Page {
    pub operation: Operation,
    /// The success response's `text/event-stream`, its event types and `x-stream` semantics.
    pub stream: EventStream,
}

/// generatePage, read once per process: every generation of the suites is judged against it,
/// and the recordings borrow its stream for the life of the process.
pub fn page() -> Result<&'static Page, Failure> {
    static PAGE: OnceLock<Result<Page, String>> = OnceLock::new();
    PAGE.get_or_init(|| Page::load().map_err(|f| f.reason))
        .as_ref()
        .map_err(|reason| Failure::new(reason.clone()))
}

impl Page {
    fn load() -> Result<Page, Failure> {
        let operation = operation(specs::GENERATION, GENERATE_PAGE)?;
        let stream = operation.stream.clone().ok_or_else(|| {
            Failure::new(format!(
                "{GENERATE_PAGE} in {} has no text/event-stream success response; the streaming \
                 suites read its events",
                specs::GENERATION.file
            ))
        })?;
        Ok(Page { operation, stream })
    }

    /// The stream's `x-stream` semantics, or a failure saying the spec declares none.
    pub fn semantics(&self) -> Result<&StreamSemantics, Failure> {
        self.stream.semantics.as_ref().ok_or_else(|| {
            Failure::new(format!(
                "{GENERATE_PAGE}'s event stream in {} has no x-stream: it does not say which \
                 events end it, carry progress or carry the page (openapi/EXTENSIONS.md)",
                specs::GENERATION.file
            ))
        })
    }

    /// The budget `key` of generatePage's `x-slo`, or a failure naming the missing key.
    pub fn budget(&self, key: Key) -> Result<u64, Failure> {
        budget::require(
            &self.operation.slo,
            &self.operation.id,
            specs::GENERATION.file,
            key,
        )
        .map_err(Failure::new)
    }

    /// The request header carrying the tenant (`x-tenant` `header`), if the spec names one.
    pub fn tenant_header(&self) -> Option<&str> {
        self.operation.tenancy.as_ref()?.header.as_deref()
    }

    /// The request path with the tenant in its path parameter; a path parameter that is not
    /// the tenant cannot be filled and fails.
    pub fn path_for(&self, tenant: &str) -> Result<String, Failure> {
        let mut path = self.operation.path.clone();
        for param in self.operation.path_params() {
            if !self.operation.is_tenant_param(param) {
                return Err(Failure::new(format!(
                    "{GENERATE_PAGE}'s path parameter `{}` does not carry the tenant \
                     (x-tenant), so a raw request cannot fill it",
                    param.name
                )));
            }
            path = path.replace(&format!("{{{}}}", param.name), tenant);
        }
        Ok(path)
    }

    /// Whether the success response documents the response header `name`.
    pub fn documents_header(&self, name: &str) -> bool {
        self.operation
            .success()
            .is_some_and(|r| r.header(name).is_some())
    }

    /// Whether `status` is the success response's (its exact code, or its range `2XX`).
    pub fn is_success_status(&self, status: u16) -> bool {
        self.operation.success().is_some_and(|r| {
            r.status == status.to_string()
                || r.status
                    .eq_ignore_ascii_case(&format!("{}XX", status / 100))
        })
    }

    /// The success response's status as written ("200").
    pub fn success_status(&self) -> &str {
        self.operation
            .success()
            .map_or("2XX", |r| r.status.as_str())
    }
}
