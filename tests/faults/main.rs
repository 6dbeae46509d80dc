//! Proof that the contract checks can fail: each test starts the reference provider with one
//! fault switched on (a rule of the contract broken in exactly one way) and runs the check
//! that covers that rule, which must come back red. The generated suite (`tests/contract`)
//! is the control: the same checks are green against the healthy provider.

use std::time::Duration;

use sb_provider::{Config, Fault, Pacing};
use sb_runtime::{Check, Op, SpecSource, Target, TargetOptions, Typed, Verdict};
use sitebuilder_contract::specs;

mod quirks;

const fn source(spec: specs::Spec) -> SpecSource {
    SpecSource {
        file: spec.file,
        text: spec.text,
    }
}

const GENERATION: SpecSource = source(specs::GENERATION);
const AGENTS: SpecSource = source(specs::AGENTS);
const VALIDATION: SpecSource = source(specs::VALIDATION);

/// A provider with only `fault` switched on, paced fast except where the fault is about
/// timing, and a target whose stall detection is short so a stalled stream fails quickly.
async fn broken(fault: Fault) -> Target {
    let pacing = if matches!(
        fault,
        Fault::SseSlowFirstChunk | Fault::SerialisedGenerations
    ) {
        Pacing::default()
    } else {
        Pacing::instant()
    };
    let config = Config {
        faults: [fault].into_iter().collect(),
        pacing,
        deployment_step: Duration::from_millis(20),
        ..Config::default()
    };
    // Deployments here take a few 20 ms steps: a stuck one is plain after 2 s, not the
    // spec's 20 s.
    let options = TargetOptions {
        sse_idle_secs: 2,
        poll_timeout_ms: Some(2_000),
        ..TargetOptions::default()
    };
    sb_suites::harness::embedded(config, options)
        .await
        .unwrap_or_else(|e| panic!("provider with {fault} did not start: {e}"))
}

fn expect_red(fault: Fault, op: &str, check: &str, verdict: Verdict) {
    match verdict {
        Verdict::Pass { .. } => {
            panic!("{op} {check} stayed green although the provider has fault `{fault}`")
        }
        Verdict::Skip { reason } => {
            panic!("{op} {check} was skipped with fault `{fault}`: {reason}")
        }
        Verdict::Fail { reason } => eprintln!("{fault}: {op} {check} red as expected: {reason}"),
    }
}

macro_rules! red {
    ($($name:ident: $fault:ident breaks $spec:ident $op:literal $check:ident;)*) => {$(
        #[tokio::test]
        async fn $name() {
            let target = broken(Fault::$fault).await;
            let op = Op { spec: $spec, id: $op };
            let outcome = sb_runtime::evaluate(&target, op, Check::$check).await;
            expect_red(Fault::$fault, $op, stringify!($check), outcome);
        }
    )*};
}

red! {
    // Family 1: conformance.
    missing_required_field: MissingRequiredField breaks VALIDATION "validateSite" Conformance;
    wrong_content_type: WrongContentType breaks GENERATION "listTemplates" Conformance;
    out_of_range_value: OutOfRangeValue breaks VALIDATION "getBrandScore" Conformance;
    wrong_success_status: WrongSuccessStatus breaks VALIDATION "createDeployment" Conformance;
    missing_request_id: MissingRequestId breaks AGENTS "generateLogo" Conformance;
    wrong_field_type: WrongFieldType breaks GENERATION "listTemplates" Conformance;
    renamed_field: RenamedField breaks GENERATION "getGeneration" Conformance;
    extra_field_rejected: ExtraFieldRejected breaks AGENTS "generateLogo" PositiveVariants;
    non_ascii_500: NonAscii500 breaks AGENTS "generateLogo" PositiveVariants;
    boundary_500: Boundary500 breaks AGENTS "generateLogo" PositiveVariants;
    // Family 2: auth.
    accept_missing_token: AcceptMissingToken breaks VALIDATION "getDeployment" AuthMissingToken;
    accept_expired_token: AcceptExpiredToken breaks GENERATION "listVersions" AuthExpiredToken;
    accept_bad_signature: AcceptBadSignature breaks AGENTS "generateLogo" AuthWrongSignature;
    accept_alg_none: AcceptAlgNone breaks GENERATION "generatePage" AuthAlgNone;
    auth_error_not_json: AuthErrorNotJson breaks GENERATION "listTemplates" AuthMalformedToken;
    accept_missing_claims: AcceptMissingClaims breaks AGENTS "generateLogo" AuthMissingClaims;
    expiry_grace: ExpiryGrace breaks GENERATION "listTemplates" AuthExpiryEdge;
    ignore_nbf: IgnoreNbf breaks VALIDATION "getDeployment" AuthExpiryEdge;
    // Family 3: tenant isolation.
    ignore_tenant_mismatch_header: IgnoreTenantMismatch breaks AGENTS "generateLogo" TenantHeaderMismatch;
    ignore_tenant_mismatch_path: IgnoreTenantMismatch breaks GENERATION "listTemplates" TenantOtherTenantToken;
    leak_other_tenant_generation: LeakOtherTenant breaks GENERATION "getGeneration" TenantOtherTenantToken;
    leak_other_tenant_site: LeakOtherTenant breaks VALIDATION "validateSite" TenantOtherTenantToken;
    leak_other_tenant_versions: LeakOtherTenant breaks GENERATION "getVersion" TenantOtherTenantToken;
    tenant_mismatch_404: TenantMismatch404 breaks GENERATION "getGeneration" TenantOtherTenantToken;
    tenant_header_case_insensitive: TenantHeaderCaseInsensitive breaks VALIDATION "validateSite" TenantHeaderMismatch;
    deploy_any_tenant_site: DeployAnyTenantSite breaks VALIDATION "createDeployment" TenantOtherTenantToken;
    // Family 4: CORS.
    cors_allow_any_origin: CorsAllowAnyOrigin breaks GENERATION "listTemplates" CorsPreflightDisallowed;
    cors_wildcard_with_credentials: CorsWildcardWithCredentials breaks GENERATION "getGeneration" CorsPreflightAllowed;
    cors_no_vary: CorsNoVary breaks AGENTS "generateLogo" CorsPreflightAllowed;
    cors_missing_header: CorsMissingHeader breaks GENERATION "generatePage" CorsPreflightAllowed;
    cors_no_acao_on_actual: CorsNoAcaoOnActual breaks VALIDATION "validateSite" CorsActualResponse;
    cors_no_max_age: CorsNoMaxAge breaks AGENTS "generateLogo" CorsPreflightAllowed;
    cors_no_expose_headers: CorsNoExposeHeaders breaks GENERATION "generatePage" CorsExposeHeaders;
    cors_suffix_match: CorsSuffixMatch breaks GENERATION "listTemplates" CorsPreflightDisallowed;
    // Family 5: error bodies and negative input.
    validation_500: Validation500 breaks AGENTS "generateLogo" ErrorOutOfRange;
    validation_500_wrong_type: Validation500 breaks VALIDATION "createDeployment" ErrorWrongType;
    error_body_missing_code: ErrorBodyMissingCode breaks GENERATION "getGeneration" ErrorUnknownId;
    bad_json_accepted: BadJsonAccepted breaks AGENTS "generateLogo" ErrorInvalidJson;
    not_found_200: NotFound200 breaks VALIDATION "getDeployment" ErrorUnknownId;
    undocumented_status: UndocumentedStatus breaks VALIDATION "createDeployment" ErrorMissingRequired;
    undocumented_status_enum: UndocumentedStatus breaks AGENTS "generateLogo" ErrorBadEnum;
    missing_tenant_header_accepted: IgnoreTenantMismatch breaks GENERATION "generatePage" ErrorMissingHeader;
    request_id_mismatch: RequestIdMismatch breaks GENERATION "getGeneration" ErrorUnknownId;
    wrong_method_empty_body: WrongMethodEmptyBody breaks VALIDATION "getDeployment" ErrorWrongMethod;
    query_enum_ignored: QueryEnumIgnored breaks AGENTS "getLogoImage" ErrorBadEnum;
    unknown_site_json_404: UnknownSiteJson404 breaks GENERATION "generatePage" ErrorUnknownBodyId;
    // Family 6: the SSE stream.
    sse_progress_not_zero: SseProgressNotZero breaks GENERATION "generatePage" SseProgress;
    sse_progress_decreases: SseProgressDecreases breaks GENERATION "generatePage" SseProgress;
    sse_no_terminal: SseNoTerminal breaks GENERATION "generatePage" SseTerminal;
    sse_two_terminals: SseTwoTerminals breaks GENERATION "generatePage" SseTerminal;
    sse_invalid_json: SseInvalidJson breaks GENERATION "generatePage" SseStreamFormat;
    sse_unknown_type: SseUnknownType breaks GENERATION "generatePage" SseStreamFormat;
    sse_brand_score_out_of_range: SseBrandScoreOutOfRange breaks GENERATION "generatePage" SseTerminal;
    sse_slow_first_chunk: SseSlowFirstChunk breaks GENERATION "generatePage" SseBudget;
    sse_complete_missing_field: SseCompleteMissingField breaks GENERATION "generatePage" SseTerminal;
    sse_wrong_content_type: SseWrongContentType breaks GENERATION "generatePage" SseStreamFormat;
    sse_stall: SseStall breaks GENERATION "generatePage" SseTerminal;
    sse_no_error_event: SseNoErrorEvent breaks GENERATION "generatePage" SseErrorEvent;
    sse_no_error_event_bad_input: SseNoErrorEvent breaks GENERATION "generatePage" ErrorOutOfRange;
    // Generated inputs (`sb_plan::cases`): valid ones refused or crashing, invalid ones accepted.
    pattern_not_enforced: PatternNotEnforced breaks AGENTS "generateLogo" GeneratedNegative;
    pattern_not_enforced_stream: PatternNotEnforced breaks GENERATION "generatePage" GeneratedNegative;
    format_not_enforced: FormatNotEnforced breaks GENERATION "generatePage" GeneratedNegative;
    max_items_500: MaxItems500 breaks AGENTS "generateLogo" GeneratedPositive;
    optional_field_required: OptionalFieldRequired breaks AGENTS "generateLogo" GeneratedPositive;
    non_ascii_500_generated: NonAscii500 breaks GENERATION "generatePage" GeneratedPositive;
    extra_field_rejected_generated: ExtraFieldRejected breaks VALIDATION "createDeployment" GeneratedPositive;
    query_enum_ignored_generated: QueryEnumIgnored breaks AGENTS "getLogoImage" GeneratedNegative;
    // Family 7: performance budgets.
    slow_responses: SlowResponses breaks GENERATION "listTemplates" PerfBudget;
    serialised_generations: SerialisedGenerations breaks GENERATION "generatePage" ConcurrentBudget;
    // Family 8: relations the specs declare (links, x-expect, x-poll, x-invariants).
    generation_not_found: GenerationNotFound breaks GENERATION "generatePage" RelationLinks;
    stored_html_differs: StoredHtmlDiffers breaks GENERATION "generatePage" RelationLinks;
    generation_not_saved_link: GenerationNotSaved breaks GENERATION "generatePage" RelationLinks;
    brand_score_disagrees: BrandScoreDisagrees breaks VALIDATION "validateSite" RelationLinks;
    deployment_stuck_poll: DeploymentStuck breaks VALIDATION "createDeployment" RelationPoll;
    logo_count_ignored_invariant: LogoCountIgnored breaks AGENTS "generateLogo" RelationInvariants;
    logo_default_not_applied: LogoDefaultNotApplied breaks AGENTS "generateLogo" RelationDefaultApplied;
    restore_noop_invariant: RestoreNoop breaks GENERATION "restoreVersion" RelationInvariants;
}

/// The typed half of conformance: a body of the wrong shape does not decode into the
/// progenitor type, so the typed check goes red too.
#[tokio::test]
async fn wrong_field_type_typed() {
    let target: &'static Target = Box::leak(Box::new(broken(Fault::WrongFieldType).await));
    let outcome = typed_list_templates(target).await;
    expect_red(
        Fault::WrongFieldType,
        "listTemplates",
        "TypedClient",
        outcome,
    );
}

/// The typed check of listTemplates through the generated client.
async fn typed_list_templates(target: &'static Target) -> Verdict {
    let op = Op {
        spec: GENERATION,
        id: "listTemplates",
    };
    sb_runtime::evaluate_typed(target, op, |t: Typed| async move {
        let client =
            sitebuilder_contract::generation::Client::new_with_client(t.base_url(), t.client()?);
        let tenant_id = t.param("tenantId")?;
        let x_tenant_id = t.param("X-Tenant-Id")?;
        t.json(client.list_templates(&tenant_id, &x_tenant_id).await)
    })
    .await
}

/// The typed check on a stream is judged by the same rules as every stream check: a stream
/// that stalls, or ends without a terminal event, is red for it too.
async fn typed_generate_page(fault: Fault) -> Verdict {
    let target: &'static Target = Box::leak(Box::new(broken(fault).await));
    let op = Op {
        spec: GENERATION,
        id: "generatePage",
    };
    sb_runtime::evaluate_typed(target, op, |t: Typed| async move {
        let client =
            sitebuilder_contract::generation::Client::new_with_client(t.base_url(), t.client()?);
        let tenant_id = t.param("tenantId")?;
        let x_tenant_id = t.param("X-Tenant-Id")?;
        let body = t.body()?;
        t.events::<sitebuilder_contract::generation::types::GenerationEvent, _>(
            client.generate_page(&tenant_id, &x_tenant_id, &body).await,
        )
        .await
    })
    .await
}

#[tokio::test]
async fn sse_stall_typed() {
    let verdict = typed_generate_page(Fault::SseStall).await;
    expect_red(Fault::SseStall, "generatePage", "TypedClient", verdict);
}

#[tokio::test]
async fn sse_no_terminal_typed() {
    let verdict = typed_generate_page(Fault::SseNoTerminal).await;
    expect_red(Fault::SseNoTerminal, "generatePage", "TypedClient", verdict);
}

#[tokio::test]
async fn sse_slow_first_chunk_typed() {
    let verdict = typed_generate_page(Fault::SseSlowFirstChunk).await;
    expect_red(
        Fault::SseSlowFirstChunk,
        "generatePage",
        "TypedClient",
        verdict,
    );
}

/// Every row of the check table has a fault that turns it red, in this file (a new check
/// without one fails here).
#[test]
fn every_check_has_a_red_test() {
    let here = include_str!("main.rs");
    let missing: Vec<&str> = Check::ALL
        .iter()
        .filter(|check| {
            let variant = format!("{check:?}");
            !here.contains(&format!(" {variant};")) && !here.contains(&format!("\"{variant}\","))
        })
        .map(|c| c.name())
        .collect();
    assert!(missing.is_empty(), "checks without a red test: {missing:?}");
}

/// Every fault of the provider is exercised by at least one red test, here or in the
/// suites' fault tests (a new fault without a test fails here).
#[test]
fn every_fault_has_a_red_test() {
    let here = include_str!("main.rs");
    let suites = include_str!("../suites/faults.rs");
    let missing: Vec<String> = Fault::ALL
        .iter()
        .filter(|fault| {
            let variant = format!("{fault:?}");
            !here.contains(&format!(": {variant} breaks"))
                && !here.contains(&format!("Fault::{variant})"))
                && !suites.contains(&format!("Fault::{variant},"))
        })
        .map(|f| f.to_string())
        .collect();
    assert!(missing.is_empty(), "faults without a red test: {missing:?}");
}

/// Without `x-cors` in the spec and without `--allowed-origin`, the CORS checks cannot know
/// which origin to call from: they are skipped and say why, rather than guessing.
#[tokio::test]
async fn cors_without_an_allowed_origin_is_a_skip_with_its_reason() {
    let text = specs::GENERATION
        .text
        .replace("x-cors:\n  allowedOrigins: [https://kimmyai.io]\n", "");
    assert_ne!(text, specs::GENERATION.text, "the spec declares x-cors");
    let spec = SpecSource {
        file: "openapi/generation-api.yaml (without x-cors)",
        text: Box::leak(text.into_boxed_str()),
    };
    let target = sb_suites::harness::embedded(Config::default(), TargetOptions::default())
        .await
        .expect("a provider");
    let op = Op {
        spec,
        id: "listTemplates",
    };
    match sb_runtime::evaluate(&target, op, Check::CorsPreflightAllowed).await {
        Verdict::Skip { reason } => assert!(reason.contains("x-cors"), "{reason}"),
        other => panic!("expected a skip, got {other:?}"),
    }
}

/// The generated clients read bodies through their bounded hooks (`build.rs`): a body over
/// `--max-body-bytes` is red on the typed check, as on the plain ones, where progenitor
/// alone would read any size.
#[tokio::test]
async fn typed_client_body_over_the_cap() {
    let options = TargetOptions {
        max_body_bytes: 64,
        ..TargetOptions::default()
    };
    let target: &'static Target = Box::leak(Box::new(
        sb_suites::harness::embedded(Config::default(), options)
            .await
            .expect("a provider"),
    ));
    let verdict = typed_list_templates(target).await;
    match verdict {
        Verdict::Fail { reason } => assert!(reason.contains("exceeds the 64-byte cap"), "{reason}"),
        other => panic!("expected a red, got {other:?}"),
    }
}
