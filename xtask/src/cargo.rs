//! Running cargo from the xtask with a clean environment. `cargo xtask` is `cargo run`, which
//! sets `CARGO_MANIFEST_DIR`, `CARGO_PKG_*` and friends for the xtask process; passed on to a
//! nested cargo they change the fingerprints of build scripts that watch them (ring, rustls,
//! reqwest, progenitor-client ...), so `cargo xtask verify` and `cargo test` would rebuild each
//! other's dependencies. The nested cargo gets the environment a user's shell would give it.

use std::ffi::OsStr;
use std::process::Command;

/// Whether `name` is a variable that `cargo run` sets for the program it runs (and a user's
/// shell does not): the package's metadata, its manifest, its crate and binary names.
fn set_by_cargo_run(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || matches!(
            name,
            "CARGO" | "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE" | "OUT_DIR"
        )
}

/// A `cargo` command without the variables `cargo run` set for the xtask.
pub fn command() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if set_by_cargo_run(&name) {
            command.env_remove(&name);
        }
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_cargo_run_sets_is_dropped() {
        for name in [
            "CARGO_MANIFEST_DIR",
            "CARGO_PKG_NAME",
            "CARGO_CRATE_NAME",
            "OUT_DIR",
        ] {
            assert!(set_by_cargo_run(OsStr::new(name)), "{name}");
        }
        for name in [
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_PROFILE_DEV_DEBUG",
            "PATH",
        ] {
            assert!(!set_by_cargo_run(OsStr::new(name)), "{name}");
        }
    }
}
