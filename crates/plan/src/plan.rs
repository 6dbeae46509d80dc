//! Which checks exist, which family each belongs to, and which apply to an operation.
//! The emitter (`sb-codegen`) generates one test per applicable check from this plan.

use sb_spec::{Location, Operation, Spec};

/// A family of checks, as columns of the verify table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Conformance,
    Auth,
    Tenancy,
    Cors,
    Errors,
    Sse,
    Performance,
}

impl Family {
    /// Every family, in table order.
    pub const ALL: [Family; 7] = [
        Family::Conformance,
        Family::Auth,
        Family::Tenancy,
        Family::Cors,
        Family::Errors,
        Family::Sse,
        Family::Performance,
    ];

    /// Its name in tables and reports.
    pub fn name(self) -> &'static str {
        match self {
            Family::Conformance => "conformance",
            Family::Auth => "auth",
            Family::Tenancy => "tenancy",
            Family::Cors => "cors",
            Family::Errors => "errors",
            Family::Sse => "sse",
            Family::Performance => "perf",
        }
    }
}

/// One check; its `name()` is the generated test function's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// A request built from the spec's examples gets a documented 2xx, the documented
    /// Content-Type and headers, and a body valid against its schema.
    Conformance,
    /// The same request through the progenitor client decodes into the typed response.
    TypedClient,
    AuthMissingToken,
    AuthMalformedToken,
    AuthWrongSignature,
    AuthExpiredToken,
    AuthAlgNone,
    /// Correctly signed tokens without `tenant_id` or without `exp`.
    AuthMissingClaims,
    /// A valid token of another tenant (with its own X-Tenant-Id) gets 403/404 and no data.
    TenantOtherTenantToken,
    /// A valid token with an X-Tenant-Id of another tenant gets 403.
    TenantHeaderMismatch,
    CorsPreflightAllowed,
    CorsPreflightDisallowed,
    CorsActualResponse,
    ErrorInvalidJson,
    ErrorMissingRequired,
    ErrorWrongType,
    ErrorOutOfRange,
    ErrorBadEnum,
    /// A required header parameter (such as X-Tenant-Id) left out.
    ErrorMissingHeader,
    /// A method the path does not document: 405 (or another 4xx) with an Error body.
    ErrorWrongMethod,
    /// An id in the request body that names nothing (siteId of no site).
    ErrorUnknownBodyId,
    ErrorUnknownId,
    SseStreamFormat,
    SseProgress,
    SseTerminal,
    SseErrorEvent,
    SseBudget,
    /// The `x-slo` average/p95/max latency budget of a plain operation.
    PerfBudget,
}

/// Name of the header that carries the caller's tenant.
pub const TENANT_HEADER: &str = "X-Tenant-Id";
/// Name of the path parameter that carries the caller's tenant.
pub const TENANT_PATH_PARAM: &str = "tenantId";

impl Check {
    /// Every check, in table order.
    pub const ALL: [Check; 28] = [
        Check::Conformance,
        Check::TypedClient,
        Check::AuthMissingToken,
        Check::AuthMalformedToken,
        Check::AuthWrongSignature,
        Check::AuthExpiredToken,
        Check::AuthAlgNone,
        Check::AuthMissingClaims,
        Check::TenantOtherTenantToken,
        Check::TenantHeaderMismatch,
        Check::CorsPreflightAllowed,
        Check::CorsPreflightDisallowed,
        Check::CorsActualResponse,
        Check::ErrorInvalidJson,
        Check::ErrorMissingRequired,
        Check::ErrorWrongType,
        Check::ErrorOutOfRange,
        Check::ErrorBadEnum,
        Check::ErrorMissingHeader,
        Check::ErrorWrongMethod,
        Check::ErrorUnknownBodyId,
        Check::ErrorUnknownId,
        Check::SseStreamFormat,
        Check::SseProgress,
        Check::SseTerminal,
        Check::SseErrorEvent,
        Check::SseBudget,
        Check::PerfBudget,
    ];

    /// The generated test's function name.
    pub fn name(self) -> &'static str {
        match self {
            Check::Conformance => "conformance",
            Check::TypedClient => "typed_client",
            Check::AuthMissingToken => "auth_missing_token",
            Check::AuthMalformedToken => "auth_malformed_token",
            Check::AuthWrongSignature => "auth_wrong_signature",
            Check::AuthExpiredToken => "auth_expired_token",
            Check::AuthAlgNone => "auth_alg_none",
            Check::AuthMissingClaims => "auth_missing_claims",
            Check::TenantOtherTenantToken => "tenant_other_tenant_token",
            Check::TenantHeaderMismatch => "tenant_header_mismatch",
            Check::CorsPreflightAllowed => "cors_preflight_allowed",
            Check::CorsPreflightDisallowed => "cors_preflight_disallowed",
            Check::CorsActualResponse => "cors_actual_response",
            Check::ErrorInvalidJson => "error_invalid_json",
            Check::ErrorMissingRequired => "error_missing_required",
            Check::ErrorWrongType => "error_wrong_type",
            Check::ErrorOutOfRange => "error_out_of_range",
            Check::ErrorBadEnum => "error_bad_enum",
            Check::ErrorMissingHeader => "error_missing_header",
            Check::ErrorWrongMethod => "error_wrong_method",
            Check::ErrorUnknownBodyId => "error_unknown_body_id",
            Check::ErrorUnknownId => "error_unknown_id",
            Check::SseStreamFormat => "sse_stream_format",
            Check::SseProgress => "sse_progress",
            Check::SseTerminal => "sse_terminal",
            Check::SseErrorEvent => "sse_error_event",
            Check::SseBudget => "sse_budget",
            Check::PerfBudget => "perf_budget",
        }
    }

    /// Parses a name produced by [`Check::name`].
    pub fn from_name(name: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The family this check reports under.
    pub fn family(self) -> Family {
        use Check::*;
        match self {
            Conformance | TypedClient => Family::Conformance,
            AuthMissingToken | AuthMalformedToken | AuthWrongSignature | AuthExpiredToken
            | AuthAlgNone | AuthMissingClaims => Family::Auth,
            TenantOtherTenantToken | TenantHeaderMismatch => Family::Tenancy,
            CorsPreflightAllowed | CorsPreflightDisallowed | CorsActualResponse => Family::Cors,
            ErrorInvalidJson | ErrorMissingRequired | ErrorWrongType | ErrorOutOfRange
            | ErrorBadEnum | ErrorMissingHeader | ErrorWrongMethod | ErrorUnknownBodyId
            | ErrorUnknownId => Family::Errors,
            SseStreamFormat | SseProgress | SseTerminal | SseErrorEvent | SseBudget => Family::Sse,
            PerfBudget => Family::Performance,
        }
    }

    /// Whether this check can apply to `op` from its shape alone. The emitter narrows it
    /// further with the spec (`sb_codegen::checks_for`): bearer schemes, invalid inputs the
    /// schema lets it make, a typed client.
    pub fn applies(self, op: &Operation) -> bool {
        use Check::*;
        let secured = !op.security.is_empty();
        let json_body = op
            .request_body
            .as_ref()
            .is_some_and(|b| b.media_type.contains("json"));
        let path_params = op.parameters.iter().any(|p| p.location == Location::Path);
        let resource_params = op
            .parameters
            .iter()
            .any(|p| p.location == Location::Path && p.name != TENANT_PATH_PARAM);
        match self {
            Conformance
            | TypedClient
            | CorsPreflightAllowed
            | CorsPreflightDisallowed
            | CorsActualResponse => true,
            AuthMissingToken | AuthMalformedToken | AuthWrongSignature | AuthExpiredToken
            | AuthAlgNone | AuthMissingClaims => secured,
            // Something in the path names the tenant or one of its resources.
            TenantOtherTenantToken => secured && path_params,
            TenantHeaderMismatch => {
                secured
                    && op.parameters.iter().any(|p| {
                        p.location == Location::Header && p.name.eq_ignore_ascii_case(TENANT_HEADER)
                    })
            }
            ErrorInvalidJson => json_body,
            ErrorMissingRequired | ErrorWrongType | ErrorOutOfRange | ErrorUnknownBodyId => {
                json_body
            }
            // Body enums, and enums of query parameters.
            ErrorBadEnum => {
                json_body || op.parameters.iter().any(|p| p.location == Location::Query)
            }
            ErrorWrongMethod => op.responses.iter().any(|r| r.status.starts_with('4')),
            ErrorMissingHeader => op
                .parameters
                .iter()
                .any(|p| p.location == Location::Header && p.required),
            ErrorUnknownId => resource_params && op.documents_status(404).is_some() && !op.is_sse(),
            SseStreamFormat | SseProgress | SseTerminal | SseBudget => op.is_sse(),
            SseErrorEvent => op.is_sse() && json_body,
            PerfBudget => {
                !op.is_sse()
                    && (op.slo.avg_ms.is_some()
                        || op.slo.p95_ms.is_some()
                        || op.slo.max_ms.is_some())
            }
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<_> = Check::ALL.iter().map(|c| c.name()).collect();
        for check in Check::ALL {
            assert_eq!(Check::from_name(check.name()), Some(check));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Check::ALL.len());
    }
}
