//! Fault switches: each one turns on exactly one broken behaviour, so that every contract
//! check can be shown to go red against a provider that breaks its rule.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The set of faults a provider runs with (empty: a faithful provider).
pub type Faults = BTreeSet<Fault>;

macro_rules! faults {
    ($($variant:ident => $name:literal, $description:literal;)*) => {
        /// One deliberately broken behaviour of the provider.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Fault {
            $(#[doc = $description] $variant,)*
        }

        impl Fault {
            /// Every fault, in declaration order.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant,)*];

            /// The kebab-case name used on the command line (`--fault NAME`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Fault::$variant => $name,)*
                }
            }

            /// One line saying what the fault breaks.
            pub fn description(self) -> &'static str {
                match self {
                    $(Fault::$variant => $description,)*
                }
            }
        }
    };
}

faults! {
    // Conformance.
    MissingRequiredField => "missing-required-field", "validateSite drops the required `brandScore` field";
    WrongContentType => "wrong-content-type", "JSON 2xx bodies are served as text/plain";
    OutOfRangeValue => "out-of-range-value", "getBrandScore answers brandScore 11 (maximum is 10)";
    WrongSuccessStatus => "wrong-success-status", "createDeployment answers 200 instead of 202";
    MissingRequestId => "missing-request-id", "2xx responses carry no X-Request-Id header";
    WrongFieldType => "wrong-field-type", "listTemplates serves `templates` as an object instead of an array";
    RenamedField => "renamed-field", "getGeneration renames `status` to `state`";
    // Authentication.
    AcceptMissingToken => "accept-missing-token", "requests without a bearer token are served";
    AcceptExpiredToken => "accept-expired-token", "expired tokens are accepted";
    AcceptBadSignature => "accept-bad-signature", "tokens with a wrong signature are accepted";
    AcceptAlgNone => "accept-alg-none", "unsigned tokens (`alg: none`) are accepted";
    AuthErrorNotJson => "auth-error-not-json", "401 responses have a text/plain body instead of an Error";
    AcceptMissingClaims => "accept-missing-claims", "tokens without `exp` or `tenant_id` are accepted (tenant taken from X-Tenant-Id)";
    // Tenancy.
    IgnoreTenantMismatch => "ignore-tenant-mismatch", "no 403 when the path or X-Tenant-Id tenant differs from the token's";
    LeakOtherTenant => "leak-other-tenant", "another tenant's sites, generations and deployments are visible";
    TenantMismatch404 => "tenant-mismatch-404", "a path tenant other than the token's is answered 404 instead of 403";
    DeployAnyTenantSite => "deploy-any-tenant-site", "createDeployment finds the body's siteId in any tenant";
    LogoCountIgnored => "logo-count-ignored", "generateLogo always returns 4 options, whatever `count` asks";
    DeploymentEnvironmentIgnored => "deployment-environment-ignored", "every deployment goes to staging, whatever `environment` asks";
    DeploymentUrlEarly => "deployment-url-early", "a deployment has its `url` before it SUCCEEDED";
    VersionsSortedAsText => "versions-sorted-as-text", "listVersions sorts version ids as text, so v9 comes before v10";
    AnalysisUsesNewestVersion => "analysis-uses-newest-version", "validation and brand score analyse the newest version, not the current (restored) one";
    TenantHeaderCaseInsensitive => "tenant-header-case-insensitive", "X-Tenant-Id is compared ignoring case (TEST-TENANT passes for test-tenant)";
    // CORS.
    CorsAllowAnyOrigin => "cors-allow-any-origin", "CORS allows every origin";
    CorsWildcardWithCredentials => "cors-wildcard-with-credentials", "CORS answers `*` together with Access-Control-Allow-Credentials: true";
    CorsNoVary => "cors-no-vary", "CORS responses lack `Vary: Origin`";
    CorsNoMaxAge => "cors-no-max-age", "preflights lack Access-Control-Max-Age (browsers preflight every request)";
    CorsSuffixMatch => "cors-suffix-match", "a `*.domain` origin pattern matches by plain suffix, so https://evilkimmyai.io is allowed";
    CorsMissingHeader => "cors-missing-header", "Access-Control-Allow-Headers lacks X-Tenant-Id";
    CorsNoAcaoOnActual => "cors-no-acao-on-actual", "actual (non-preflight) responses lack Access-Control-Allow-Origin";
    CorsNoExposeHeaders => "cors-no-expose-headers", "Access-Control-Expose-Headers lists X-Request-Id only, so a page cannot read X-Generation-Id";
    // Valid input a correct server accepts.
    ExtraFieldRejected => "extra-field-rejected", "a request body with a field the schema allows but the server does not know is refused 400";
    NonAscii500 => "non-ascii-500", "a request body with non-ASCII text is answered 500";
    Boundary500 => "boundary-500", "a string of 1000 characters or more (at a documented maxLength) is answered 500";
    MaxItems500 => "max-items-500", "generateLogo with `colors` at its maxItems (5) is answered 500";
    OptionalFieldRequired => "optional-field-required", "generateLogo refuses a body without `style`, which the schema leaves optional";
    // Errors.
    Validation500 => "validation-500", "invalid input is answered 500 instead of 400";
    ErrorBodyMissingCode => "error-body-missing-code", "Error bodies lack the `code` field";
    BadJsonAccepted => "bad-json-accepted", "a request body that is not JSON is answered as if it were fine";
    NotFound200 => "not-found-200", "unknown ids are answered 200 with `{}`";
    UndocumentedStatus => "undocumented-status", "invalid input is answered 302, a status no spec documents";
    RequestIdMissingOn422 => "request-id-missing-on-422", "422 responses (deploy refused) carry no X-Request-Id header";
    RequestIdMismatch => "request-id-mismatch", "an Error body's requestId differs from the X-Request-Id header";
    WrongMethodEmptyBody => "wrong-method-empty-body", "405 (method not allowed) comes with an empty body instead of an Error";
    QueryEnumIgnored => "query-enum-ignored", "getLogoImage serves `?size=` values outside its enum instead of a 400";
    PatternNotEnforced => "pattern-not-enforced", "a hex colour breaking its documented `pattern` (`#0066C!`) is accepted, coerced to #000000 instead of refused";
    FormatNotEnforced => "format-not-enforced", "generatePage accepts a `brandAssets.logo` that is not a URI (its documented `format`), dropping it instead of refusing";
    UnknownSiteJson404 => "unknown-site-json-404", "generatePage with an unknown siteId answers 404 JSON instead of a stream holding one error event";
    // Server-Sent Events.
    // Token lifetime.
    ExpiryGrace => "expiry-grace", "tokens expired up to 5 minutes ago are still accepted (a grace period)";
    IgnoreNbf => "ignore-nbf", "tokens whose `nbf` lies in the future are accepted";
    SseProgressNotZero => "sse-progress-not-zero", "the first progress event is 10, not 0";
    SseProgressDecreases => "sse-progress-decreases", "progress goes down during the stream";
    SseNoTerminal => "sse-no-terminal", "the stream ends without a terminal event";
    SseTwoTerminals => "sse-two-terminals", "the stream carries two terminal events";
    SseInvalidJson => "sse-invalid-json", "one event's data is not valid JSON";
    SseUnknownType => "sse-unknown-type", "one event has an undocumented `type`";
    SseBrandScoreOutOfRange => "sse-brand-score-out-of-range", "the complete event's brandScore is 12";
    SseSlowFirstChunk => "sse-slow-first-chunk", "the first chunk arrives after 2.5 s";
    SseCompleteMissingField => "sse-complete-missing-field", "the complete event lacks generationId";
    SseWrongContentType => "sse-wrong-content-type", "the stream is served as application/json";
    SseStall => "sse-stall", "the stream stops mid-way and keeps the connection open";
    SseNoErrorEvent => "sse-no-error-event", "an empty prompt streams a normal page instead of an error event";
    // Performance.
    SlowResponses => "slow-responses", "every non-generation operation takes 30 ms longer";
    SerialisedGenerations => "serialised-generations", "generatePage streams one generation at a time behind one lock, so concurrent generations queue";
    // End to end.
    GenerationNotSaved => "generation-not-saved", "getGeneration stays IN_PROGRESS after the stream completes";
    LogoNotInPage => "logo-not-in-page", "the brand logo is left out of the generated page";
    DeploymentStuck => "deployment-stuck", "deployments never leave PENDING";
    DeployIgnoresBrandScore => "deploy-ignores-brand-score", "sites with a brand score below 8 deploy anyway";
    RestoreNoop => "restore-noop", "restoreVersion does not change the current version";
    BrandScoreMissingSite => "brand-score-missing-site", "getBrandScore answers 404 for sites created by a generation";
    DeploymentSkipsInProgress => "deployment-skips-in-progress", "deployments go from PENDING straight to SUCCEEDED, never IN_PROGRESS";
    BrandScoreGateRounded => "brand-score-gate-rounded", "the deploy gate compares the brand score rounded to a whole number, so 7.5 to 7.9 deploy";
    GenerationStateInvalidMidStream => "generation-state-invalid-mid-stream", "while a generation streams, getGeneration answers status `RUNNING`, which the enum lacks";
    // Relations the specs declare (links, x-expect, x-poll, x-invariants).
    GenerationNotFound => "generation-not-found", "getGeneration answers 404 for generations made since the provider started (the demo ones are found)";
    StoredHtmlDiffers => "stored-html-differs", "the stored html of a generation differs from the streamed chunks (a comment appended)";
    LogoDefaultNotApplied => "logo-default-not-applied", "generateLogo without `count` returns 1 option, not the documented default 4";
    BrandScoreDisagrees => "brand-score-disagrees", "getBrandScore answers a brandScore 0.5 away from validateSite's for the same site";
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault name that is not one of [`Fault::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault `{name}`; known faults: {known}")]
pub struct UnknownFault {
    /// The name that was given.
    pub name: String,
    /// The known names, comma-separated.
    pub known: String,
}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .iter()
            .copied()
            .find(|fault| fault.name() == s)
            .ok_or_else(|| UnknownFault {
                name: s.to_owned(),
                known: Fault::ALL
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}
