//! `sb_plan::plan`: the check table, its names and where each check applies.

use sb_plan::plan::{Check, Subject};
use sb_spec::Spec;

#[test]
fn names_round_trip_and_are_unique() {
    let mut names: Vec<_> = Check::ALL.iter().map(|c| c.name()).collect();
    for check in Check::ALL {
        assert_eq!(Check::from_name(check.name()), Some(*check));
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), Check::ALL.len());
}

fn generation_without(cut: &str) -> Spec {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/generation-api.yaml");
    let text = std::fs::read_to_string(&file).expect("the generation spec");
    let cut_text = text.replace(cut, "");
    assert_ne!(cut_text, text, "the spec holds {cut:?}");
    Spec::from_str(&file, &cut_text).expect("the spec still loads")
}

fn why_not(spec: &Spec, op: &str, check: Check) -> String {
    let op = spec.operation(op).expect("the operation");
    check
        .applicability(Subject {
            spec,
            op: &op,
            typed: false,
        })
        .expect_err("the check should not apply")
}

#[test]
fn without_x_tenant_the_tenancy_checks_say_why_they_do_not_apply() {
    let spec = generation_without(
        "x-tenant:\n  header: X-Tenant-Id\n  pathParameter: tenantId\n  claim: tenant_id\n",
    );
    for check in [Check::TenantOtherTenantToken, Check::TenantHeaderMismatch] {
        assert_eq!(
            why_not(&spec, "getGeneration", check),
            "the spec declares no tenants (x-tenant, see openapi/EXTENSIONS.md)"
        );
    }
}

#[test]
fn without_x_stream_the_stream_semantics_checks_say_why_and_the_format_check_stays() {
    let spec = generation_without(
        "              x-stream:\n                terminal: [complete, error]\n                success: complete\n                error: error\n                progress: {event: progress, field: progress, start: 0}\n                content: {event: chunk, field: content}\n",
    );
    for check in [Check::SseProgress, Check::SseTerminal, Check::SseErrorEvent] {
        assert_eq!(
            why_not(&spec, "generatePage", check),
            "the stream declares no semantics (x-stream, see openapi/EXTENSIONS.md)"
        );
    }
    let op = spec.operation("generatePage").expect("generatePage");
    let subject = Subject {
        spec: &spec,
        op: &op,
        typed: false,
    };
    assert_eq!(Check::SseStreamFormat.applicability(subject), Ok(()));
    assert_eq!(Check::SseBudget.applicability(subject), Ok(()));
}
