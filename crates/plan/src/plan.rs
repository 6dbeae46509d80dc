//! Which checks exist, which family each belongs to, and which apply to an operation.
//! The emitter (`sb-codegen`) generates one test per applicable check from this plan.

use sb_spec::{Operation, Spec};

pub use sb_report::Family;

/// Whether a check applies to an operation: `Err` says why not, in words a user can act on.
pub type Applicability = Result<(), String>;

/// What applicability is decided from: the spec, the operation (its model carries the
/// `x-tenant`, `x-stream` and `x-slo` extensions), and whether a typed client is compiled in.
#[derive(Clone, Copy)]
pub struct Subject<'a> {
    pub spec: &'a Spec,
    pub op: &'a Operation,
    pub typed: bool,
}

/// The check table: each row declares a check once, with its test name, its family and the
/// rule deciding where it applies (a function of [`Subject`] in [`rules`]). The emitter
/// generates a test per applicable row, the runtime evaluates the same rule before it runs
/// a check, and `sb_runtime::checks::run` holds each row's implementation (a `match` the
/// compiler keeps exhaustive). Adding a check: one row here, its implementation, and a
/// fault in the provider with a red test (`tests/faults`: `every_check_has_a_red_test`).
macro_rules! check_table {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $family:ident, $rule:path;)*) => {
        /// One check; its `name()` is the generated test function's name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Check {
            $($(#[$doc])* $variant,)*
        }

        impl Check {
            /// Every check, in table order.
            pub const ALL: &'static [Check] = &[$(Check::$variant),*];

            /// The generated test's function name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Check::$variant => $name,)*
                }
            }

            /// The family this check reports under.
            pub fn family(self) -> Family {
                match self {
                    $(Check::$variant => Family::$family,)*
                }
            }

            /// Whether this check applies to `subject`, or why not.
            pub fn applicability(self, subject: Subject<'_>) -> Applicability {
                match self {
                    $(Check::$variant => $rule(subject),)*
                }
            }
        }
    };
}

check_table! {
    /// A request built from the spec's examples gets a documented 2xx, the documented
    /// Content-Type and headers, and a body valid against its schema.
    Conformance = "conformance", Conformance, rules::always;
    /// The same request through the progenitor client decodes into the typed response (a
    /// stream: every event decodes and the stream ends in a terminal event within budget).
    TypedClient = "typed_client", Conformance, rules::typed;
    /// Valid bodies the examples do not show (an extra field the schema allows, non-ASCII
    /// text, values at their documented bounds) get the documented success, never a 4xx/5xx.
    PositiveVariants = "positive_variants", Conformance, rules::positive_variants;
    /// Generated valid inputs (`sb_plan::cases`, seeded by `--seed`, at most `--cases`):
    /// in the JSON body, each documented bound and enum value, optional fields left out and
    /// filled in, non-ASCII and emoji text, values drawn from a `pattern`, the empty and the
    /// maximal array, an extra field where allowed; in path and query parameters, each
    /// valid value of the same kinds (ids excepted): each gets the documented success (a
    /// stream: one that ends in its success event), never a 4xx or 5xx.
    GeneratedPositive = "generated_positive", Conformance, rules::generated_positive;
    AuthMissingToken = "auth_missing_token", Auth, rules::bearer;
    AuthMalformedToken = "auth_malformed_token", Auth, rules::bearer;
    AuthWrongSignature = "auth_wrong_signature", Auth, rules::bearer;
    AuthExpiredToken = "auth_expired_token", Auth, rules::bearer;
    AuthAlgNone = "auth_alg_none", Auth, rules::bearer;
    /// Correctly signed tokens without the tenant claim (`x-tenant.claim`) or without `exp`.
    AuthMissingClaims = "auth_missing_claims", Auth, rules::bearer;
    /// Tokens expired by a little more than the leeway (`--jwt-leeway-secs`), and tokens
    /// whose `nbf` lies in the future: 401 each (a grace period is a hole).
    AuthExpiryEdge = "auth_expiry_edge", Auth, rules::bearer;
    /// A valid token of another tenant (with its own tenant header) gets 403/404 and no data.
    TenantOtherTenantToken = "tenant_other_tenant_token", Tenancy, rules::other_tenant;
    /// A valid token with another tenant in the tenant header (`x-tenant.header`) gets 403.
    TenantHeaderMismatch = "tenant_header_mismatch", Tenancy, rules::tenant_header;
    CorsPreflightAllowed = "cors_preflight_allowed", Cors, rules::always;
    CorsPreflightDisallowed = "cors_preflight_disallowed", Cors, rules::always;
    CorsActualResponse = "cors_actual_response", Cors, rules::always;
    /// Every response header the success response documents (other than the CORS-safelisted
    /// ones) is listed in Access-Control-Expose-Headers, so a page's script can read it.
    CorsExposeHeaders = "cors_expose_headers", Cors, rules::documented_headers;
    ErrorInvalidJson = "error_invalid_json", Errors, rules::json_body;
    ErrorMissingRequired = "error_missing_required", Errors, rules::missing_required;
    ErrorWrongType = "error_wrong_type", Errors, rules::wrong_type;
    ErrorOutOfRange = "error_out_of_range", Errors, rules::out_of_range;
    ErrorBadEnum = "error_bad_enum", Errors, rules::bad_enum;
    /// A required header parameter (such as the tenant header) left out.
    ErrorMissingHeader = "error_missing_header", Errors, rules::required_header;
    /// A method the path does not document: 405 (or another 4xx) with an Error body.
    ErrorWrongMethod = "error_wrong_method", Errors, rules::wrong_method;
    /// An id in the request body that names nothing (siteId of no site).
    ErrorUnknownBodyId = "error_unknown_body_id", Errors, rules::unknown_body_id;
    ErrorUnknownId = "error_unknown_id", Errors, rules::unknown_id;
    /// Generated invalid inputs: each documented constraint of the JSON body (pattern,
    /// format, bounds, lengths, item counts, enum, type, required, `additionalProperties`,
    /// an empty body) and of each path and query parameter broken once over the example: a
    /// documented 4xx with an Error body (a stream: its single error event). A failure
    /// prints the seed and a `curl` command reproducing it.
    GeneratedNegative = "generated_negative", Errors, rules::generated_negative;
    SseStreamFormat = "sse_stream_format", Sse, rules::stream;
    SseProgress = "sse_progress", Sse, rules::stream_progress;
    SseTerminal = "sse_terminal", Sse, rules::stream_terminal;
    SseErrorEvent = "sse_error_event", Sse, rules::stream_error_event;
    SseBudget = "sse_budget", Sse, rules::stream_budget;
    /// Each link of the success response (OpenAPI `links`) is followed: the linked
    /// operation answers its documented success, and every `x-expect` equality holds.
    RelationLinks = "relation_links", Relations, crate::relations::links;
    /// Each link with `x-poll` is read until its field reaches a terminal value, within the
    /// spec's interval and timeout, and ends in a success value with its `x-expect` met.
    RelationPoll = "relation_poll", Relations, crate::relations::poll;
    /// The success response's `x-invariants` hold for the example request and for each
    /// compared integer request field at its documented minimum and maximum.
    RelationInvariants = "relation_invariants", Relations, crate::relations::invariants;
    /// A request leaving out an optional field with a documented `default` is answered as
    /// if it had sent the default (the `x-invariants` comparing that field hold with it).
    RelationDefaultApplied = "relation_default_applied", Relations, crate::relations::default_applied;
    /// The `x-slo` average/p95/max latency budget of a plain operation.
    PerfBudget = "perf_budget", Performance, rules::latency_budget;
    /// The `x-slo` budgets under the declared `concurrentCalls` (each call within its own
    /// budget, `concurrentSuccessPct` of them, all within `concurrentMaxMs`).
    ConcurrentBudget = "concurrent_budget", Performance, rules::concurrent_budget;
}

impl Check {
    /// Parses a name produced by [`Check::name`].
    pub fn from_name(name: &str) -> Option<Check> {
        Check::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// The applicability rules of the check table, one function per kind of precondition.
pub mod rules {
    use sb_spec::Location;

    use super::{Applicability, Check, Subject};
    use crate::negative;

    fn require(condition: bool, reason: impl FnOnce() -> String) -> Applicability {
        if condition { Ok(()) } else { Err(reason()) }
    }

    /// Every operation.
    pub fn always(_: Subject<'_>) -> Applicability {
        Ok(())
    }

    /// The body can be varied within its schema.
    pub fn positive_variants(s: Subject<'_>) -> Applicability {
        json_body(s)?;
        require(
            !negative::positive_variants(s.spec, s.op).is_empty(),
            || "the body's schema leaves nothing to vary".into(),
        )
    }

    /// Valid inputs other than the example can be generated from the JSON body's or the
    /// path and query parameters' schemas (`crate::cases`).
    pub fn generated_positive(s: Subject<'_>) -> Applicability {
        require(
            crate::cases::cases(s.spec, s.op, Default::default()).all_positives > 0,
            || {
                "no valid input other than the example can be made from the JSON body's or the parameters' schemas".into()
            },
        )
    }

    /// The JSON body or a path or query parameter documents a constraint that can be
    /// broken alone.
    pub fn generated_negative(s: Subject<'_>) -> Applicability {
        require(
            crate::cases::cases(s.spec, s.op, Default::default()).all_negatives > 0,
            || "neither the JSON body nor a parameter documents a constraint to break".into(),
        )
    }

    /// The success response documents a header a browser hides unless it is exposed.
    pub fn documented_headers(s: Subject<'_>) -> Applicability {
        require(
            s.op.success()
                .is_some_and(|r| r.headers.iter().any(|h| !super::cors_safelisted(&h.name))),
            || "the success response documents no header a browser would hide".into(),
        )
    }

    /// A typed client is compiled in for the spec.
    pub fn typed(s: Subject<'_>) -> Applicability {
        require(s.typed, || {
            "no typed client is compiled in for this spec".into()
        })
    }

    /// Every security scheme the operation requires is an HTTP bearer token (the auth
    /// family forges JWTs).
    pub fn bearer(s: Subject<'_>) -> Applicability {
        require(!s.op.security.is_empty(), || {
            "the operation requires no credentials".into()
        })?;
        require(super::bearer_secured(s.spec, s.op), || {
            "its security schemes are not HTTP bearer tokens".into()
        })
    }

    fn tenancy(s: Subject<'_>) -> Result<&sb_spec::Tenancy, String> {
        bearer(s)?;
        s.op.tenancy.as_ref().ok_or_else(|| {
            "the spec declares no tenants (x-tenant, see openapi/EXTENSIONS.md)".into()
        })
    }

    /// Something in the path names the tenant or one of its resources.
    pub fn other_tenant(s: Subject<'_>) -> Applicability {
        tenancy(s)?;
        require(s.op.path_params().next().is_some(), || {
            "no path parameter names the tenant or its resources".into()
        })
    }

    /// The operation takes the tenant header.
    pub fn tenant_header(s: Subject<'_>) -> Applicability {
        let tenancy = tenancy(s)?;
        require(
            s.op.header_params().any(|p| tenancy.is_tenant_param(p)),
            || "the operation takes no tenant header (x-tenant.header)".into(),
        )
    }

    /// The request body is JSON.
    pub fn json_body(s: Subject<'_>) -> Applicability {
        require(
            s.op.request_body
                .as_ref()
                .is_some_and(|b| b.encoding() == sb_spec::BodyEncoding::Json),
            || "the operation has no JSON request body".into(),
        )
    }

    fn body_mutation(s: Subject<'_>, check: Check, what: &str) -> Applicability {
        json_body(s)?;
        require(
            !negative::body_mutations(s.spec, s.op, check).is_empty(),
            || format!("the body's schema has no {what} to break"),
        )
    }

    /// The body has a required field to leave out.
    pub fn missing_required(s: Subject<'_>) -> Applicability {
        body_mutation(s, Check::ErrorMissingRequired, "required field")
    }

    /// The body has a typed field to give the wrong type.
    pub fn wrong_type(s: Subject<'_>) -> Applicability {
        body_mutation(s, Check::ErrorWrongType, "typed field")
    }

    /// The body has a bounded field to push out of range.
    pub fn out_of_range(s: Subject<'_>) -> Applicability {
        body_mutation(s, Check::ErrorOutOfRange, "bound")
    }

    /// A body or query enum to give an undocumented value.
    pub fn bad_enum(s: Subject<'_>) -> Applicability {
        let body =
            s.op.request_body
                .as_ref()
                .is_some_and(|b| b.encoding() == sb_spec::BodyEncoding::Json)
                && !negative::body_mutations(s.spec, s.op, Check::ErrorBadEnum).is_empty();
        require(
            body || !negative::query_enum_mutations(s.op).is_empty(),
            || "neither the body nor the query has an enum".into(),
        )
    }

    /// A required header parameter to leave out.
    pub fn required_header(s: Subject<'_>) -> Applicability {
        require(s.op.header_params().any(|p| p.required), || {
            "the operation takes no required header".into()
        })
    }

    /// A documented 4xx, and a method the path does not document.
    pub fn wrong_method(s: Subject<'_>) -> Applicability {
        require(
            s.op.responses.iter().any(|r| r.status.starts_with('4')),
            || "the operation documents no 4xx response".into(),
        )?;
        require(
            negative::undocumented_method(s.spec, s.op).is_some(),
            || "its path documents every method tried".into(),
        )
    }

    /// A string id in the body that can name nothing.
    pub fn unknown_body_id(s: Subject<'_>) -> Applicability {
        json_body(s)?;
        require(
            !negative::body_id_mutations(s.spec, s.op).is_empty(),
            || "the body carries no id".into(),
        )
    }

    /// A resource path parameter (not the tenant), a documented 404, and not a stream.
    pub fn unknown_id(s: Subject<'_>) -> Applicability {
        require(
            s.op.path_params()
                .any(|p| !s.op.is_tenant_param(p) && p.location == Location::Path),
            || "no path parameter names a resource".into(),
        )?;
        require(s.op.documents_status(404).is_some(), || {
            "the operation documents no 404".into()
        })?;
        require(!s.op.is_sse(), || {
            "a stream reports an unknown id as an event".into()
        })?;
        require(negative::unknown_id(s.spec, s.op).is_some(), || {
            "no value that names nothing fits the parameter's schema".into()
        })
    }

    /// The success response is an event stream.
    pub fn stream(s: Subject<'_>) -> Applicability {
        require(s.op.is_sse(), || {
            "the operation does not stream events".into()
        })
    }

    fn semantics(s: Subject<'_>) -> Result<&sb_spec::StreamSemantics, String> {
        stream(s)?;
        s.op.stream
            .as_ref()
            .and_then(|st| st.semantics.as_ref())
            .ok_or_else(|| {
                "the stream declares no semantics (x-stream, see openapi/EXTENSIONS.md)".into()
            })
    }

    /// The stream declares progress.
    pub fn stream_progress(s: Subject<'_>) -> Applicability {
        require(semantics(s)?.progress.is_some(), || {
            "x-stream declares no progress event".into()
        })
    }

    /// The stream declares terminal events.
    pub fn stream_terminal(s: Subject<'_>) -> Applicability {
        require(!semantics(s)?.terminal.is_empty(), || {
            "x-stream declares no terminal events".into()
        })
    }

    /// The stream declares an error event, and the body can be made invalid.
    pub fn stream_error_event(s: Subject<'_>) -> Applicability {
        require(semantics(s)?.error.is_some(), || {
            "x-stream declares no error event".into()
        })?;
        json_body(s)?;
        require(
            !negative::body_mutations(s.spec, s.op, Check::ErrorOutOfRange).is_empty()
                || !negative::body_mutations(s.spec, s.op, Check::ErrorMissingRequired).is_empty(),
            || "the body cannot be made invalid from its schema".into(),
        )
    }

    /// A stream with a time budget in `x-slo`.
    pub fn stream_budget(s: Subject<'_>) -> Applicability {
        stream(s)?;
        require(
            s.op.slo.first_chunk_ms.is_some() || s.op.slo.last_chunk_ms.is_some(),
            || "x-slo gives the stream no firstChunkMs or lastChunkMs".into(),
        )
    }

    /// An operation whose `x-slo` declares the concurrency it holds under.
    pub fn concurrent_budget(s: Subject<'_>) -> Applicability {
        require(s.op.slo.concurrent_calls.is_some(), || {
            "x-slo declares no concurrentCalls".into()
        })
    }

    /// A plain operation with a latency budget in `x-slo`.
    pub fn latency_budget(s: Subject<'_>) -> Applicability {
        require(!s.op.is_sse(), || {
            "streams are budgeted by sse_budget".into()
        })?;
        require(
            s.op.slo.avg_ms.is_some() || s.op.slo.p95_ms.is_some() || s.op.slo.max_ms.is_some(),
            || "x-slo gives no avgMs, p95Ms or maxMs".into(),
        )
    }
}

// Where the CORS checks and the proxy find it too (one list of safelisted headers).
pub use sb_spec::cors_safelisted;

/// Whether every security scheme `op` requires is an HTTP bearer token (the auth family
/// forges JWTs, so it only applies to bearer schemes).
pub fn bearer_secured(spec: &Spec, op: &Operation) -> bool {
    !op.security.is_empty()
        && op.security.iter().all(|name| {
            let pointer = format!(
                "/components/securitySchemes/{}",
                sb_spec::escape_pointer(name)
            );
            spec.doc.pointer(&pointer).is_some_and(|scheme| {
                let scheme = spec.resolve(scheme, &pointer).unwrap_or(scheme);
                scheme.get("type").and_then(serde_json::Value::as_str) == Some("http")
                    && scheme
                        .get("scheme")
                        .and_then(serde_json::Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
            })
        })
}
