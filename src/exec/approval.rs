//! Approvals from another process: `restoreplan approve <run-id> <step>`
//! leaves a file in the run folder, which the waiting gate picks up and
//! records in the journal. The file is written whole (temporary file, then
//! rename), so a gate never reads half an approval.

use super::attempt::file_name;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Who approved a gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The user name.
    pub user: String,
    /// The machine.
    pub host: String,
}

/// Where the approval of `node` in the run folder `run_dir` is left.
pub fn approval_path(run_dir: &Path, node: &str) -> PathBuf {
    run_dir
        .join("approvals")
        .join(format!("{}.json", file_name(node)))
}

/// Leaves an approval of `node` for the run in `run_dir`.
pub fn approve(run_dir: &Path, node: &str, approval: &Approval) -> std::io::Result<PathBuf> {
    let path = approval_path(run_dir, node);
    std::fs::create_dir_all(run_dir.join("approvals"))?;
    super::run_folder::write_file_whole(&path, serde_json::to_string(approval)?.as_bytes())?;
    Ok(path)
}

/// The user running this process, for approvals given with `--approve`.
pub fn current_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown-user".to_string())
}
