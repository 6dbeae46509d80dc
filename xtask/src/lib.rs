//! What both `cargo xtask` binaries share: running cargo with a clean environment
//! ([`cargo`]), forwarding a command to another binary of the workspace ([`forward`]), and
//! the workspace root.

pub mod cargo;
pub mod forward;

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}
