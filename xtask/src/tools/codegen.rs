//! `cargo xtask gen [--check]`: generates the contract tests from the specs, or (`--check`)
//! fails when the committed ones are stale. `--spec FILE --out DIR` generates for any other
//! OpenAPI 3.0 spec (untyped checks only).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use sb_codegen::project::{self, Output};
use sb_codegen::{Options, Selection, relative_path};

#[derive(clap::Args)]
pub struct Args {
    /// Compare instead of writing; exit 1 when a generated file is stale.
    #[arg(long)]
    check: bool,
    /// Generate for another spec (with --out) instead of the project's three.
    #[arg(long, requires = "out")]
    spec: Option<PathBuf>,
    /// Output directory for --spec.
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let root = xtask::workspace_root();
    let started = Instant::now();
    let (outputs, summary) = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => foreign(spec, out)?,
        _ => {
            let (outputs, results) = project::project_outputs(&root)?;
            let summary = results
                .iter()
                .map(|(file, g)| {
                    let mut line = format!(
                        "{file}: {} operations, {} checks",
                        g.operations.len(),
                        g.test_count()
                    );
                    for s in &g.skipped {
                        line.push_str(&format!("\n  skipped {}: {}", s.operation, s.reason));
                    }
                    line
                })
                .collect();
            (outputs, summary)
        }
    };
    let base = if args.spec.is_some() {
        std::env::current_dir()?
    } else {
        root.clone()
    };
    if args.check {
        let stale = project::stale(&base, &outputs);
        if !stale.is_empty() {
            let list: Vec<_> = stale.iter().map(|p| format!("  {}", p.display())).collect();
            bail!(
                "generated tests are stale (the specs changed since they were generated):\n{}\nrun `cargo xtask gen` and commit the result",
                list.join("\n")
            );
        }
        println!("generated tests are up to date ({} files)", outputs.len());
        return Ok(());
    }
    let changed = project::write(&base, &outputs).context("writing generated tests")?;
    for line in summary {
        println!("{line}");
    }
    println!(
        "{} files, {} changed, in {:.0} ms",
        outputs.len(),
        changed.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Generation for a spec that is not the project's: one file plus `mod.rs` in `out`.
///
/// The spec check runs first: a problem of the whole document (not UTF-8, empty, `null`,
/// Swagger 2.0, OpenAPI 3.1, a `$ref` that does not resolve) refuses the spec with the
/// messages `lint` prints; problems of single operations skip those operations.
fn foreign(spec_path: &Path, out: &Path) -> anyhow::Result<(Vec<Output>, Vec<String>)> {
    let blocking: Vec<String> = sb_spec::lint(spec_path)
        .into_iter()
        .filter(|p| p.scope == sb_spec::Scope::Document)
        .map(|p| p.to_string())
        .collect();
    if !blocking.is_empty() {
        bail!(
            "{}
{} cannot be generated from; fix the problems above (`cargo xtask lint {}` checks it)",
            blocking.join("\n"),
            spec_path.display(),
            spec_path.display()
        );
    }
    let spec = sb_spec::Spec::load(spec_path)
        .with_context(|| format!("loading {}", spec_path.display()))?;
    // A file name with no letter or digit (`-api.yaml`) still names a module.
    let module = sb_codegen::snake(&spec.name);
    let cwd = std::env::current_dir()?;
    let absolute = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }
    };
    let options = Options {
        spec_label: spec_path.display().to_string(),
        include_path: relative_path(&absolute(out), &absolute(spec_path)),
        command: format!(
            "cargo xtask gen --spec {} --out {}",
            spec_path.display(),
            out.display()
        ),
        typed: None,
        select: Selection::All,
    };
    let generated = sb_codegen::generate(&spec, &options)?;
    let mut summary = vec![format!(
        "{}: {} operations, {} checks",
        spec_path.display(),
        generated.operations.len(),
        generated.test_count()
    )];
    for s in &generated.skipped {
        summary.push(format!("  skipped {}: {}", s.operation, s.reason));
    }
    for n in &generated.not_applicable {
        let count = n.operations.len();
        summary.push(format!(
            "  not generated: {} for {count} operation{}: {}",
            n.check.name(),
            if count == 1 { "" } else { "s" },
            n.reason
        ));
    }
    let outputs = vec![
        Output {
            path: out.join(format!("{module}.rs")),
            text: generated.source,
        },
        Output {
            path: out.join("mod.rs"),
            text: sb_codegen::module_index(&[module], &options.command, &options.spec_label, None),
        },
    ];
    Ok((outputs, summary))
}
