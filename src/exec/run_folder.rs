//! Where runs live: `<state-dir>/runs/<run-id>/` holds a run's journal, the
//! resolved plan it executes, step logs, approvals and reports; and
//! `<state-dir>/locks/<plan>.lock` guards each plan. Run ids sort by time.

use super::attempt::file_name;
use crate::diagnostic::{Code, Diagnostic};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// The state folder when `--state-dir` is not given.
pub const DEFAULT_STATE_DIR: &str = ".restoreplan";

/// The state folder.
#[derive(Debug, Clone)]
pub struct StateDir {
    root: PathBuf,
}

/// One run's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFolder {
    /// The run id.
    pub id: String,
    /// The folder.
    pub path: PathBuf,
}

fn io_problem(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::JournalIo,
        format!("cannot use `{}`: {error}", path.display()),
    )
    .with_help(Code::JournalIo.info().fix)
}

/// Whether `id` has the form of a run id: it becomes a path, so nothing else may pass.
pub fn is_run_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl StateDir {
    /// The state folder at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        StateDir { root: root.into() }
    }

    /// A fresh run folder, named for `now` plus a random suffix.
    pub fn new_run(&self, now: Timestamp) -> Result<RunFolder, Diagnostic> {
        let runs = self.root.join("runs");
        std::fs::create_dir_all(&runs).map_err(|error| io_problem(&runs, &error))?;
        let stamp = now.strftime("%Y%m%d-%H%M%S").to_string();
        loop {
            let suffix = uuid::Uuid::new_v4().simple().to_string();
            let id = format!("{stamp}-{}", &suffix[..6]);
            let path = runs.join(&id);
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(RunFolder { id, path }),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(io_problem(&path, &error)),
            }
        }
    }

    /// The folder of an existing run.
    pub fn run(&self, id: &str) -> Result<RunFolder, Diagnostic> {
        let path = self.root.join("runs").join(id);
        if !is_run_id(id) || !path.join(super::journal::JOURNAL_FILE).is_file() {
            return Err(Diagnostic::new(
                Code::UnknownRun,
                format!(
                    "there is no run `{id}` in `{}`",
                    self.root.join("runs").display()
                ),
            )
            .with_help(Code::UnknownRun.info().fix));
        }
        Ok(RunFolder {
            id: id.to_string(),
            path,
        })
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Vec<RunFolder> {
        let Ok(entries) = std::fs::read_dir(self.root.join("runs")) else {
            return Vec::new();
        };
        let mut runs: Vec<RunFolder> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let id = entry.file_name().to_str()?.to_string();
                self.run(&id).ok()
            })
            .collect();
        runs.sort_by(|a, b| a.id.cmp(&b.id));
        runs
    }

    /// The lock file of the plan named `plan`, its folder created.
    pub fn lock_path(&self, plan: &str) -> Result<PathBuf, Diagnostic> {
        let locks = self.root.join("locks");
        std::fs::create_dir_all(&locks).map_err(|error| io_problem(&locks, &error))?;
        Ok(locks.join(format!("{}.lock", file_name(plan))))
    }
}

impl RunFolder {
    /// The journal.
    pub fn journal(&self) -> PathBuf {
        self.path.join(super::journal::JOURNAL_FILE)
    }

    /// The resolved plan the run executes, as reviewed.
    pub fn resolved(&self) -> PathBuf {
        self.path.join("resolved.json")
    }

    /// A file of the run folder (`report.json`, …).
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it,
/// flushed to disk, then renamed over it.
pub fn write_file_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// [`write_file_whole`] for a run folder's files, failing as a diagnostic.
pub fn write_whole(path: &Path, text: &str) -> Result<(), Diagnostic> {
    write_file_whole(path, text.as_bytes()).map_err(|error| io_problem(path, &error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_sort_by_time_and_never_escape_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        let first = state
            .new_run("2026-11-26T06:00:00Z".parse().unwrap())
            .unwrap();
        let second = state
            .new_run("2026-11-26T07:00:00Z".parse().unwrap())
            .unwrap();
        assert!(first.id.starts_with("20261126-060000-") && first.id < second.id);
        std::fs::write(second.journal(), "").unwrap();
        assert_eq!(
            state.runs(),
            vec![second.clone()],
            "a folder without a journal is no run"
        );
        for hostile in ["../x", "a/b", "", "..", "x y"] {
            let error = state.run(hostile).unwrap_err();
            assert_eq!(error.code, Code::UnknownRun, "{hostile}");
        }
        assert_eq!(state.run(&second.id).unwrap(), second);
        let lock = state.lock_path("crm/../app").unwrap();
        assert_eq!(lock.file_name().unwrap(), "crm_.._app.lock");
        assert_eq!(lock.parent().unwrap(), dir.path().join("locks"));
    }
}
