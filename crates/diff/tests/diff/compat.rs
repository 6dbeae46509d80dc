//! The static consumer check with the frontend's consumer file: it passes on the current
//! specs and names the item when a spec drops or changes something the frontend uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sb_diff::{Consumer, Finding, FindingKind};
use sb_spec::Spec;
use serde_json::{Value, json};

use crate::fixture::{at, remove};
use crate::real::{openapi_dir, real};

pub fn frontend_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../consumers/site-builder-frontend.yaml")
}

pub fn frontend() -> Consumer {
    Consumer::load(&frontend_file()).unwrap_or_else(|e| panic!("{e}"))
}

pub fn specs() -> BTreeMap<String, Spec> {
    ["generation", "agents", "validation"]
        .into_iter()
        .map(|n| (n.to_string(), real(n)))
        .collect()
}

/// Checks the frontend against the real specs with `name` edited.
fn check_with(name: &str, edit: impl FnOnce(&mut Value)) -> Vec<Finding> {
    let mut specs = specs();
    edit(&mut specs.get_mut(name).unwrap().doc);
    sb_diff::check_compat(&frontend(), &specs).unwrap()
}

#[track_caller]
fn find<'a>(findings: &'a [Finding], kind: FindingKind, item: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.kind == kind && f.item == item)
        .unwrap_or_else(|| panic!("expected {kind:?} `{item}`, got {findings:#?}"))
}

#[test]
fn frontend_is_served_by_the_current_specs() {
    let specs: BTreeMap<String, Spec> = sb_diff::load_spec_dir(&openapi_dir())
        .unwrap()
        .into_values()
        .map(|s| (s.name.clone(), s))
        .collect();
    let consumer = frontend();
    assert!(consumer.uses.len() >= 15);
    let findings = sb_diff::check_compat(&consumer, &specs).unwrap();
    assert_eq!(findings, []);
    assert!(sb_diff::render_findings(&consumer, &findings).contains("are provided"));
}

#[test]
fn dropped_event_field_is_missing() {
    let findings = check_with("generation", |d| {
        remove(d, "/components/schemas/CompleteEvent/properties/brandScore");
    });
    let f = find(
        &findings,
        FindingKind::Missing,
        "reads event `complete` field `brandScore`",
    );
    assert_eq!(f.operation_id, "generatePage");
    assert_eq!(f.pointer, "/components/schemas/CompleteEvent");
    assert_eq!(f.use_name, "stream a page and collect its HTML");
}

#[test]
fn dropped_body_field_is_missing() {
    let findings = check_with("agents", |d| {
        remove(d, "/components/schemas/LogoResult/properties/preview");
    });
    let f = find(
        &findings,
        FindingKind::Missing,
        "reads 200 body field `results[].preview`",
    );
    assert_eq!(f.pointer, "/components/schemas/LogoResult");
    let sent = check_with("generation", |d| {
        remove(d, "/components/schemas/BrandAssets/properties/logo");
    });
    find(
        &sent,
        FindingKind::Missing,
        "sends body field `brandAssets.logo`",
    );
}

#[test]
fn removed_operation_is_missing() {
    let findings = check_with("generation", |d| {
        remove(d, "/paths/~1sites~1{tenantId}~1generation~1{generationId}");
    });
    let f = find(&findings, FindingKind::Missing, "operation `getGeneration`");
    assert_eq!(f.spec, "generation");
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn moved_operation_is_changed() {
    let findings = check_with("validation", |d| {
        let paths = at(d, "/paths").as_object_mut().unwrap();
        let item = paths.remove("/sites/{siteId}/validate").unwrap();
        paths.insert("/sites/{siteId}/validation".to_string(), item);
    });
    let f = find(&findings, FindingKind::Changed, "operation `validateSite`");
    assert!(
        f.message.contains("GET /sites/{siteId}/validation"),
        "{f:?}"
    );
}

#[test]
fn read_field_made_optional_is_changed() {
    let findings = check_with("generation", |d| {
        at(d, "/components/schemas/Generation/required")
            .as_array_mut()
            .unwrap()
            .retain(|v| v != "status");
    });
    let f = find(
        &findings,
        FindingKind::Changed,
        "reads 200 body field `status`",
    );
    assert_eq!(
        f.pointer,
        "/components/schemas/Generation/properties/status"
    );
    assert!(f.message.contains("optional"), "{f:?}");
}

#[test]
fn read_field_of_another_type_or_nullable_is_changed() {
    let findings = check_with("validation", |d| {
        *at(d, "/components/schemas/BrandScore/properties/brandScore") =
            json!({"type": "string", "nullable": true});
    });
    let of_score: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.item == "reads 200 body field `brandScore`")
        .collect();
    assert_eq!(of_score.len(), 2, "{findings:#?}");
}

#[test]
fn new_required_request_field_unsent_is_changed() {
    let findings = check_with("validation", |d| {
        at(d, "/components/schemas/DeploymentRequest/properties")["region"] =
            json!({"type": "string"});
        at(d, "/components/schemas/DeploymentRequest/required")
            .as_array_mut()
            .unwrap()
            .push(json!("region"));
    });
    let f = find(&findings, FindingKind::Changed, "request field `region`");
    assert_eq!(f.operation_id, "createDeployment");
}

#[test]
fn sent_field_of_an_incompatible_type_is_changed() {
    let findings = check_with("agents", |d| {
        *at(d, "/components/schemas/LogoRequest/properties/count") = json!({"type": "string"});
    });
    find(&findings, FindingKind::Changed, "sends body field `count`");
}

#[test]
fn header_and_auth_that_the_spec_drops_are_missing() {
    let findings = check_with("validation", |d| {
        remove(d, "/paths/~1sites~1{siteId}~1validate/get/parameters/1");
        at(d, "/paths/~1sites~1{siteId}~1validate/get")["security"] = json!([]);
    });
    find(
        &findings,
        FindingKind::Missing,
        "sends header `X-Tenant-Id`",
    );
    find(
        &findings,
        FindingKind::Missing,
        "sends header `Authorization`",
    );
}

#[test]
fn read_status_removed_is_reported() {
    let only_range = check_with("generation", |d| {
        remove(
            d,
            "/paths/~1sites~1{tenantId}~1generation/post/responses/401",
        );
    });
    find(&only_range, FindingKind::Changed, "reads status 401");
    let gone = check_with("validation", |d| {
        remove(
            d,
            "/paths/~1sites~1{tenantId}~1deployments/post/responses/202",
        );
    });
    find(&gone, FindingKind::Missing, "reads status 202");
}

#[test]
fn event_type_removed_is_missing() {
    let findings = check_with("generation", |d| {
        remove(d, "/components/schemas/GenerationEvent/oneOf/3");
        remove(
            d,
            "/components/schemas/GenerationEvent/discriminator/mapping/error",
        );
    });
    find(&findings, FindingKind::Missing, "reads event `error`");
}

#[test]
fn cors_path_removed_is_missing() {
    let findings = check_with("generation", |d| {
        remove(d, "/paths/~1sites~1{tenantId}~1generation");
    });
    let f = find(
        &findings,
        FindingKind::Missing,
        "path `/sites/{tenantId}/generation`",
    );
    assert_eq!(f.use_name, "cors /sites/{tenantId}/generation");
}

#[test]
fn invalid_consumer_file_is_an_error_naming_it() {
    let file = Path::new("consumers/broken.yaml");
    let error = Consumer::parse(file, "consumer: x\nuses: [{name: a}]\n")
        .unwrap_err()
        .to_string();
    assert!(error.contains("consumers/broken.yaml"), "{error}");
    let bad_type = "consumer: x\nuses:\n  - {name: a, spec: s, operation: o, method: GET, path: /x, reads: {status: 200, body: {a: text}}}\n";
    let error = Consumer::parse(file, bad_type).unwrap_err().to_string();
    assert!(error.contains("unknown type `text`"), "{error}");
}
