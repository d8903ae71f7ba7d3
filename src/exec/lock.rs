//! The plan lock: one `apply` of a plan at a time. The lock file carries who
//! holds it (pid, host, start time, run id) for the message, and the holder
//! keeps an operating-system lock on it, which the kernel releases when the
//! process dies: a crashed run never leaves a lock that looks alive.

use crate::diagnostic::{Code, Diagnostic};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Who holds a lock, as written in the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holder {
    /// The process id.
    pub pid: u32,
    /// The machine.
    pub host: String,
    /// When the run took the lock.
    pub started: Timestamp,
    /// The run id.
    pub run_id: String,
}

impl Holder {
    /// This process, starting `run_id` now.
    pub fn this_process(run_id: &str, now: Timestamp) -> Self {
        Holder {
            pid: std::process::id(),
            host: host_name(),
            started: now,
            run_id: run_id.to_string(),
        }
    }

    fn describe(&self) -> String {
        format!(
            "pid {} on `{}` since {} (run `{}`)",
            self.pid, self.host, self.started, self.run_id
        )
    }
}

/// A held plan lock; dropping it releases the lock.
#[derive(Debug)]
pub struct PlanLock {
    file: File,
    path: PathBuf,
}

/// A lock that was acquired, with the warning to show if it had to be taken over.
#[derive(Debug)]
pub struct Acquired {
    /// The lock.
    pub lock: PlanLock,
    /// Set when a dead run's lock was taken over or a lock was broken on request.
    pub warning: Option<Diagnostic>,
}

/// The name of this machine, as the lock records it.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

fn io_problem(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::JournalIo,
        format!("cannot use the lock file `{}`: {error}", path.display()),
    )
    .with_help(Code::JournalIo.info().fix)
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

impl PlanLock {
    /// Takes the lock at `path` for `holder`. A lock held by a live process
    /// is refused (`EX102`) unless `force_unlock`; the lock of a run that died
    /// on this machine is taken over with a warning (`EX103`).
    pub fn acquire(
        path: &Path,
        holder: &Holder,
        force_unlock: bool,
    ) -> Result<Acquired, Diagnostic> {
        let mut warning = None;
        if force_unlock && let Ok(mut file) = File::open(path) {
            let before = read_holder(&mut file);
            // Unlinking leaves any holder with a lock on a file nobody can
            // open again; the new file below is the lock from now on.
            std::fs::remove_file(path).map_err(|error| io_problem(path, &error))?;
            warning = Some(broken(path, before.as_ref()));
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|error| io_problem(path, &error))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(locked(path, read_holder(&mut file).as_ref()));
            }
            Err(TryLockError::Error(error)) => return Err(io_problem(path, &error)),
        }
        if let Some(previous) = read_holder(&mut file) {
            if previous.host != holder.host && !force_unlock {
                // Another machine's lock on a shared folder: whether that run
                // is alive cannot be told from here.
                return Err(locked(path, Some(&previous)));
            }
            if warning.is_none() {
                warning = Some(stale(path, &previous));
            }
        }
        let text = serde_json::to_string(holder)
            .map_err(|error| io_problem(path, &std::io::Error::other(error)))?;
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(text.as_bytes()))
            .and_then(|()| file.sync_all())
            .map_err(|error| io_problem(path, &error))?;
        Ok(Acquired {
            lock: PlanLock {
                file,
                path: path.to_path_buf(),
            },
            warning,
        })
    }

    /// Where the lock file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PlanLock {
    fn drop(&mut self) {
        // Emptied rather than deleted: another process may already have the
        // file open and be waiting to lock this very inode.
        let _ = self.file.set_len(0);
        let _ = self.file.sync_all();
        let _ = self.file.unlock();
    }
}

fn locked(path: &Path, holder: Option<&Holder>) -> Diagnostic {
    let who = holder.map_or_else(|| "another process".to_string(), Holder::describe);
    Diagnostic::new(
        Code::PlanLocked,
        format!(
            "the plan is already being applied by {who} (lock `{}`)",
            path.display()
        ),
    )
    .with_help(Code::PlanLocked.info().fix)
}

fn stale(path: &Path, previous: &Holder) -> Diagnostic {
    Diagnostic::new(
        Code::StaleLock,
        format!(
            "took over the lock `{}` of a run that is no longer running: {}",
            path.display(),
            previous.describe()
        ),
    )
    .with_help(Code::StaleLock.info().fix)
}

fn broken(path: &Path, previous: Option<&Holder>) -> Diagnostic {
    let who = previous.map_or_else(|| "an unreadable holder".to_string(), Holder::describe);
    Diagnostic::new(
        Code::StaleLock,
        format!(
            "broke the lock `{}` held by {who}, as `--force-unlock` asked",
            path.display()
        ),
    )
    .with_help(Code::StaleLock.info().fix)
}

#[cfg(test)]
mod tests;
