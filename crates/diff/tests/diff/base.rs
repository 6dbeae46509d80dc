//! Diffing a directory of specs against a git revision, in a throw-away repository.

use std::path::Path;
use std::process::Command;

use sb_diff::{Area, Severity};

use crate::fixture::{BASE, expect};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn base_revision_is_compared_file_by_file() {
    let repo = tempdir("base");
    let openapi = repo.join("openapi");
    std::fs::create_dir_all(&openapi).unwrap();
    std::fs::write(openapi.join("fixture-api.yaml"), BASE).unwrap();
    std::fs::write(openapi.join("gone-api.yaml"), BASE).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    // The working copy: one spec edited, one removed, one added.
    std::fs::write(
        openapi.join("fixture-api.yaml"),
        BASE.replace("        '404': {description: no such item}\n", ""),
    )
    .unwrap();
    std::fs::remove_file(openapi.join("gone-api.yaml")).unwrap();
    std::fs::write(openapi.join("new-api.yaml"), BASE).unwrap();

    let changes = sb_diff::diff_dirs_at_rev(&repo, "HEAD", "openapi", &openapi).unwrap();
    expect(
        &changes,
        Severity::Breaking,
        Area::Response,
        "/paths/~1items~1{itemId}/get/responses/404",
    );
    let gone = expect(&changes, Severity::Breaking, Area::Spec, "");
    assert_eq!(gone.spec, "gone");
    let added = expect(&changes, Severity::NonBreaking, Area::Spec, "");
    assert_eq!(added.spec, "new");
    assert_eq!(changes.len(), 3, "{changes:#?}");

    let error = sb_diff::diff_dirs_at_rev(&repo, "no-such-rev", "openapi", &openapi)
        .unwrap_err()
        .to_string();
    assert!(error.contains("`no-such-rev`"), "{error}");
    std::fs::remove_dir_all(&repo).unwrap();
}

#[test]
fn a_file_that_is_not_a_spec_is_an_error_naming_it() {
    let dir = tempdir("notspec");
    let file = dir.join("notes.yaml");
    std::fs::write(&file, "hello: world\n").unwrap();
    let error = sb_diff::diff_files(&file, &file).unwrap_err().to_string();
    assert!(error.contains("notes.yaml"), "{error}");
    assert!(error.contains("not an OpenAPI 3 document"), "{error}");
    let missing = dir.join("missing.yaml");
    let error = sb_diff::diff_files(&missing, &file)
        .unwrap_err()
        .to_string();
    assert!(error.contains("missing.yaml"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A fresh directory under the system temp dir, unique to this process and test.
pub fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
