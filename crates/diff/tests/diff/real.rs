//! The rules on the real specs, edited in memory: a change hidden behind `$ref`s, one in an
//! `allOf` member, and SSE changes inside the `oneOf` of the generation stream.

use std::path::{Path, PathBuf};

use sb_diff::{Area, Change, Severity};
use sb_spec::Spec;
use serde_json::Value;

use crate::fixture::{at, expect, not_breaking, remove};

pub fn openapi_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi")
}

pub fn real(name: &str) -> Spec {
    let file = openapi_dir().join(format!("{name}-api.yaml"));
    Spec::load(&file).unwrap_or_else(|e| panic!("{e}"))
}

/// Diffs a real spec against an edited copy of itself.
pub fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> (Vec<Change>, Vec<Change>) {
    let old = real(name);
    let mut new = old.clone();
    edit(&mut new.doc);
    (
        sb_diff::diff_specs(Some(&old), Some(&new)).unwrap(),
        sb_diff::diff_specs(Some(&new), Some(&old)).unwrap(),
    )
}

/// The realistic change of the report: `brandScore` renamed to `score` in CompleteEvent.
pub fn rename_brand_score(doc: &mut Value) {
    let props = at(doc, "/components/schemas/CompleteEvent/properties")
        .as_object_mut()
        .unwrap();
    let schema = props.remove("brandScore").unwrap();
    props.insert("score".to_string(), schema);
    for required in at(doc, "/components/schemas/CompleteEvent/required")
        .as_array_mut()
        .unwrap()
    {
        if required == "brandScore" {
            *required = Value::from("score");
        }
    }
}

#[test]
fn real_specs_have_no_changes_against_themselves() {
    for name in ["generation", "agents", "validation"] {
        let (changes, _) = edited(name, |_| {});
        assert_eq!(changes, [], "{name}");
    }
}

#[test]
fn renamed_complete_event_field_is_breaking_in_the_stream() {
    let (changes, back) = edited("generation", rename_brand_score);
    let change = expect(
        &changes,
        Severity::Breaking,
        Area::SseEvent,
        "/components/schemas/CompleteEvent/properties/brandScore",
    );
    assert_eq!(change.operation_id.as_deref(), Some("generatePage"));
    assert_eq!(
        change.message,
        "event `complete` field `brandScore` removed; renamed to `score`? (response 200 text/event-stream)"
    );
    // Renaming back is a rename too: breaking both ways.
    expect(
        &back,
        Severity::Breaking,
        Area::SseEvent,
        "/components/schemas/CompleteEvent/properties/score",
    );
}

#[test]
fn component_edit_behind_refs_is_found_in_the_request() {
    // GenerationRequest -> BrandAssets -> HexColor, all by $ref.
    let (changes, back) = edited("generation", |d| {
        *at(d, "/components/schemas/HexColor/pattern") = Value::from("^#[0-9A-F]{6}$");
    });
    let change = expect(
        &changes,
        Severity::Breaking,
        Area::Constraint,
        "/components/schemas/HexColor/pattern",
    );
    assert!(
        change
            .message
            .contains("request field `brandAssets.primaryColor`")
            || change
                .message
                .contains("request field `brandAssets.secondaryColor`"),
        "{change:?}"
    );
    assert_eq!(change.operation_id.as_deref(), Some("generatePage"));
    expect(
        &back,
        Severity::Breaking,
        Area::Constraint,
        "/components/schemas/HexColor/pattern",
    );
}

#[test]
fn error_event_removed_from_the_stream_is_breaking() {
    let (changes, back) = edited("generation", |d| {
        remove(d, "/components/schemas/GenerationEvent/oneOf/3");
        remove(
            d,
            "/components/schemas/GenerationEvent/discriminator/mapping/error",
        );
    });
    let change = expect(
        &changes,
        Severity::Breaking,
        Area::SseEvent,
        "/components/schemas/GenerationEvent/oneOf/3",
    );
    assert!(change.message.contains("event type `error` removed"));
    not_breaking(&back);
}

#[test]
fn field_of_an_all_of_member_removed_is_breaking() {
    let (changes, _) = edited("generation", |d| {
        remove(d, "/components/schemas/SiteVersion/allOf/1/properties/html");
    });
    let change = expect(
        &changes,
        Severity::Breaking,
        Area::SchemaProperty,
        "/components/schemas/SiteVersion/allOf/1/properties/html",
    );
    assert_eq!(change.operation_id.as_deref(), Some("getVersion"));
}

#[test]
fn shared_error_schema_change_is_one_change_per_operation() {
    let (changes, _) = edited("agents", |d| {
        remove(d, "/components/schemas/Error/properties/requestId");
    });
    let for_logo: Vec<&Change> = changes
        .iter()
        .filter(|c| c.operation_id.as_deref() == Some("generateLogo"))
        .collect();
    assert_eq!(for_logo.len(), 1, "{for_logo:#?}");
    assert_eq!(
        for_logo[0].message,
        "response field `requestId` removed (responses 400, 401, 403, 4XX, 5XX application/json)"
    );
}
