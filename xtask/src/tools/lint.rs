//! `cargo xtask lint [FILE...]`: the spec check over `openapi/*.yaml` (or the given files).

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Check OpenAPI specs for what progenitor, serde and the validators cannot handle.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spec files to check (default: every *.yaml, *.yml and *.json in openapi/).
    pub files: Vec<PathBuf>,
}

/// Runs the check; prints every problem and fails when there is one.
pub fn run(args: Args) -> anyhow::Result<()> {
    let root = workspace_root();
    let files = if args.files.is_empty() {
        default_specs(&root)?
    } else {
        args.files
    };
    let mut problems = 0;
    let mut operations = 0;
    for file in &files {
        // Name the default specs as `openapi/x.yaml`, wherever the command runs from.
        let shown = file.strip_prefix(&root).unwrap_or(file);
        let (text, found) = match sb_spec::read_text(file) {
            Ok(text) => {
                let found = sb_spec::lint_str(shown, &text);
                (text, found)
            }
            Err(sb_spec::SpecError::Read { reason, .. }) => {
                anyhow::bail!("cannot read {}: {reason}; check the path", file.display())
            }
            // Not UTF-8: reported like any other problem, with its line and column.
            Err(_) => (String::new(), sb_spec::lint(file)),
        };
        if found.is_empty() {
            operations += sb_spec::Spec::from_str(shown, &text)
                .and_then(|spec| spec.operations())
                .map(|ops| ops.len())
                .with_context(|| {
                    format!("{} passed the check but its model fails", shown.display())
                })?;
        }
        for problem in &found {
            println!("{problem}");
        }
        problems += found.len();
    }
    let specs = match files.len() {
        1 => "1 spec".to_string(),
        n => format!("{n} specs"),
    };
    if problems > 0 {
        // Exit directly: the problems are the report, an error backtrace would only bury them.
        eprintln!(
            "{problems} problem{} in {specs}; fix them and run `cargo xtask lint` again",
            if problems == 1 { "" } else { "s" }
        );
        std::process::exit(1);
    }
    println!("{specs} ok ({operations} operations)");
    Ok(())
}

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn default_specs(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let dir = root.join("openapi");
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
    {
        let path = entry
            .with_context(|| format!("cannot list {}", dir.display()))?
            .path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            files.push(path);
        }
    }
    files.sort();
    anyhow::ensure!(
        !files.is_empty(),
        "no specs in {}; pass spec files as arguments",
        dir.display()
    );
    Ok(files)
}
