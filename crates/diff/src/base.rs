//! Where the two sides of a diff come from: two files, or a directory of specs against the
//! same files at a git revision (`git show REV:openapi/X`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use sb_spec::Spec;

use crate::change::{Change, sort};
use crate::error::DiffError;
use crate::operation::{check_document, diff_specs};

fn load_checked(file: &Path) -> Result<Spec, DiffError> {
    let spec = Spec::load(file)?;
    check_document(&spec)?;
    Ok(spec)
}

/// Diffs two spec files.
pub fn diff_files(old: &Path, new: &Path) -> Result<Vec<Change>, DiffError> {
    let old = load_checked(old)?;
    let new = load_checked(new)?;
    Ok(diff_specs(Some(&old), Some(&new))?)
}

fn is_spec_file(name: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Every spec in `dir` (`*.yaml`, `*.yml`, `*.json`), keyed by file name.
pub fn load_spec_dir(dir: &Path) -> Result<BTreeMap<String, Spec>, DiffError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DiffError::SpecDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut out = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|source| DiffError::SpecDir {
            dir: dir.to_path_buf(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_spec_file(&name) && entry.path().is_file() {
            out.insert(name, load_checked(&entry.path())?);
        }
    }
    Ok(out)
}

fn git(repo: &Path, rev: &str, args: &[&str]) -> Result<String, DiffError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| DiffError::Git {
            rev: rev.to_string(),
            message: format!("cannot run git: {e}; install git or compare two files instead"),
        })?;
    if !output.status.success() {
        return Err(DiffError::Git {
            rev: rev.to_string(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    String::from_utf8(output.stdout).map_err(|_| DiffError::Git {
        rev: rev.to_string(),
        message: "git printed output that is not UTF-8".to_string(),
    })
}

/// The specs under `rel_dir` (relative to the repository root `repo`) at revision `rev`,
/// keyed by file name.
pub fn specs_at_rev(
    repo: &Path,
    rev: &str,
    rel_dir: &str,
) -> Result<BTreeMap<String, Spec>, DiffError> {
    git(
        repo,
        rev,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| DiffError::Git {
        rev: rev.to_string(),
        message: "no such commit; pass a branch, tag or commit such as HEAD or origin/main"
            .to_string(),
    })?;
    let rel_dir = rel_dir.trim_end_matches('/');
    let listing = git(
        repo,
        rev,
        &["ls-tree", "--name-only", rev, "--", &format!("{rel_dir}/")],
    )?;
    let mut out = BTreeMap::new();
    for path in listing.lines() {
        let Some(name) = path.rsplit('/').next() else {
            continue;
        };
        if !is_spec_file(name) {
            continue;
        }
        let text = git(repo, rev, &["show", &format!("{rev}:{path}")])?;
        let label = format!("{rev}:{path}");
        let spec = Spec::from_str(Path::new(&label), &text)?;
        check_document(&spec)?;
        out.insert(name.to_string(), spec);
    }
    Ok(out)
}

/// Diffs every spec in `spec_dir` against the same file name under `rel_dir` at `rev`. A
/// spec only at the revision was removed (breaking); one only in `spec_dir` was added.
pub fn diff_dirs_at_rev(
    repo: &Path,
    rev: &str,
    rel_dir: &str,
    spec_dir: &Path,
) -> Result<Vec<Change>, DiffError> {
    let old = specs_at_rev(repo, rev, rel_dir)?;
    let new = load_spec_dir(spec_dir)?;
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    let mut changes = Vec::new();
    for name in names {
        changes.extend(diff_specs(old.get(name), new.get(name))?);
    }
    sort(&mut changes);
    Ok(changes)
}
