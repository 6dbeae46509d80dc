//! `cargo xtask k6 [--check]`: writes one k6 load script per spec to `tests/k6/`, or
//! (`--check`) fails when the committed ones are stale. `--spec FILE --out DIR` writes the
//! script of any other OpenAPI 3.0 spec.

use std::path::PathBuf;

use anyhow::{Context, bail};
use sb_codegen::k6::{self, K6Options, Script};
use sb_codegen::project::{self, Output};

#[derive(clap::Args)]
pub struct Args {
    /// Compare instead of writing; exit 1 when a script is stale.
    #[arg(long)]
    check: bool,
    /// Write the script of another spec (with --out) instead of the project's three.
    #[arg(long, requires = "out")]
    spec: Option<PathBuf>,
    /// Output directory for --spec.
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (base, outputs): (PathBuf, Vec<(Output, Script)>) = match (&args.spec, &args.out) {
        (Some(spec_path), Some(out)) => {
            let spec = sb_spec::Spec::load(spec_path)
                .with_context(|| format!("loading {}", spec_path.display()))?;
            let path = out.join(format!("{}.js", sb_codegen::snake(&spec.name)));
            let options = K6Options {
                spec_label: spec_path.display().to_string(),
                command: format!(
                    "cargo xtask k6 --spec {} --out {}",
                    spec_path.display(),
                    out.display()
                ),
                script_path: path.display().to_string(),
            };
            let script = k6::script(&spec, &options)?;
            let output = Output {
                path,
                text: script.source.clone(),
            };
            (std::env::current_dir()?, vec![(output, script)])
        }
        _ => {
            let root = xtask::workspace_root();
            let outputs = k6::project_outputs(&root)?;
            (root, outputs)
        }
    };
    let files: Vec<Output> = outputs.iter().map(|(o, _)| o.clone()).collect();
    if args.check {
        let stale = project::stale(&base, &files);
        if !stale.is_empty() {
            let list: Vec<_> = stale.iter().map(|p| format!("  {}", p.display())).collect();
            bail!(
                "k6 scripts are stale (the specs changed since they were generated):\n{}\nrun `cargo xtask k6` and commit the result",
                list.join("\n")
            );
        }
        println!("k6 scripts are up to date ({} files)", files.len());
        return Ok(());
    }
    let changed = project::write(&base, &files).context("writing k6 scripts")?;
    for (output, script) in &outputs {
        println!(
            "{}: {} scenarios",
            output.path.display(),
            script.scenarios.len()
        );
        for (id, reason) in &script.skipped {
            println!("  skipped {id}: {reason}");
        }
    }
    println!("{} files, {} changed", files.len(), changed.len());
    Ok(())
}
