//! Checks on the project's own tooling: the generated tests and k6 scripts are up to date with the specs.

use std::path::Path;

#[test]
fn generated_tests_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (outputs, _) = sb_codegen::project::project_outputs(root).expect("the specs generate");
    let stale = sb_codegen::project::stale(root, &outputs);
    assert!(
        stale.is_empty(),
        "generated tests are stale: {stale:?}; run `cargo xtask gen` and commit the result"
    );
}

#[test]
fn k6_scripts_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outputs: Vec<_> = sb_codegen::k6::project_outputs(root)
        .expect("the specs generate k6 scripts")
        .into_iter()
        .map(|(output, _)| output)
        .collect();
    let stale = sb_codegen::project::stale(root, &outputs);
    assert!(
        stale.is_empty(),
        "k6 scripts are stale: {stale:?}; run `cargo xtask k6` and commit the result"
    );
}

/// The features every dependency gets, per package, as `cargo tree` resolves them for `args`.
fn resolved_features(
    args: &[&str],
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["tree", "--offline", "--prefix", "none", "-f", "{p} {f}"])
        .args(args)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut features =
        std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let line = line.replace(" (*)", "").replace(" (proc-macro)", "");
        let mut parts = line.split(' ');
        let (Some(name), Some(version)) = (parts.next(), parts.next()) else {
            continue;
        };
        let rest: Vec<&str> = parts.collect();
        // Workspace members print their path: they are not shared dependencies.
        if rest.first().is_some_and(|p| p.starts_with('(')) {
            continue;
        }
        features
            .entry(format!("{name} {version}"))
            .or_default()
            .insert(rest.join(" "));
    }
    features
}

/// `cargo xtask` (`cargo run -p xtask --no-default-features`) and the commands it forwards
/// (`cargo run -p xtask --bin xtask-tools`, `cargo run -p sb-cli`)
/// resolve features for their own package only. Where they would give a shared dependency
/// fewer features than `cargo test --workspace` does, they would build a variant of their
/// own (and of everything above it) on a fresh clone: crates/workspace-hack adds the
/// missing features. This fails when a new difference appears, naming it.
#[test]
fn xtask_and_the_cli_share_the_workspace_build() {
    let edges = ["-e", "normal,build"];
    let workspace = resolved_features(&["--workspace", "-e", "normal,build,dev"]);
    // The light `cargo xtask` binary, xtask with its tools, the CLI.
    let commands: [&[&str]; 3] = [
        &["-p", "xtask", "--no-default-features"],
        &["-p", "xtask"],
        &["-p", "sb-cli"],
    ];
    for command in commands {
        let package = command.join(" ");
        let alone = resolved_features(&[command, &edges[..]].concat());
        let missing: Vec<String> = alone
            .iter()
            .filter(|(dep, variants)| {
                workspace
                    .get(*dep)
                    .is_none_or(|all| !variants.is_subset(all))
            })
            .map(|(dep, variants)| {
                format!("{dep} {variants:?} (workspace: {:?})", workspace.get(dep))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "`cargo run {package}` resolves these dependencies with other features than `cargo test --workspace`, so it would build them again: {missing:#?}; add the workspace's features to crates/workspace-hack/Cargo.toml"
        );
    }
}
