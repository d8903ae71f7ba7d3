//! The append-only run journal (`journal.jsonl`): one JSON object per line,
//! each written and flushed to disk before the action it records goes ahead.
//! Reading tolerates exactly one kind of damage, a torn last line from a
//! crash in the middle of a write; anything else is reported, never guessed.

use crate::diagnostic::{Code, Diagnostic};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The journal's file name inside a run folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// One recorded transition of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The run began for the plan with this content hash.
    RunStarted {
        /// When.
        at: Timestamp,
        /// The run's id (also the run folder's name).
        run_id: String,
        /// The plan's name.
        #[serde(default)]
        plan: String,
        /// The SHA-256 of the plan and inventory the run executes.
        plan_hash: String,
        /// The restoreplan version that started the run.
        version: String,
    },
    /// A node's attempt began; nothing has been sent to Azure for it yet.
    StepStarted {
        /// When.
        at: Timestamp,
        /// The node id (`web[web-01]`).
        node: String,
        /// The attempt, from 1.
        attempt: u32,
    },
    /// Azure accepted the node's request: from here on, resuming re-attaches to the job.
    StepSubmitted {
        /// When.
        at: Timestamp,
        /// The node id.
        node: String,
        /// The attempt, from 1.
        attempt: u32,
        /// The Azure backup job id, once known.
        job_id: Option<String>,
        /// The long-running operation's status URL, to follow it after a crash.
        operation_url: Option<String>,
    },
    /// The node finished well, with the outputs later steps may reference.
    StepSucceeded {
        /// When.
        at: Timestamp,
        /// The node id.
        node: String,
        /// Outputs by name (`vmId`, `privateIp`, …).
        outputs: BTreeMap<String, String>,
    },
    /// The node's attempt failed.
    StepFailed {
        /// When.
        at: Timestamp,
        /// The node id.
        node: String,
        /// The attempt, from 1.
        attempt: u32,
        /// The stable code of the failure (`EX0xx`, or Azure's own code).
        code: String,
        /// What went wrong.
        message: String,
        /// Whether another attempt may succeed.
        transient: bool,
    },
    /// The node was not run.
    StepSkipped {
        /// When.
        at: Timestamp,
        /// The node id.
        node: String,
        /// Why (a failed dependency, an abort).
        reason: String,
    },
    /// Someone approved an `approve` gate.
    ApprovalGiven {
        /// When.
        at: Timestamp,
        /// The node id of the gate.
        node: String,
        /// Who approved (user name).
        user: String,
        /// From which machine.
        host: String,
    },
    /// The run stopped scheduling because it was interrupted; it can be resumed.
    RunInterrupted {
        /// When.
        at: Timestamp,
        /// The nodes that were in flight.
        in_flight: Vec<String>,
    },
    /// The run ended.
    RunFinished {
        /// When.
        at: Timestamp,
        /// `succeeded`, `failed` or `aborted`.
        outcome: String,
    },
}

impl Event {
    /// When the event happened, on the run's clock.
    pub fn at(&self) -> Timestamp {
        match self {
            Event::RunStarted { at, .. }
            | Event::StepStarted { at, .. }
            | Event::StepSubmitted { at, .. }
            | Event::StepSucceeded { at, .. }
            | Event::StepFailed { at, .. }
            | Event::StepSkipped { at, .. }
            | Event::ApprovalGiven { at, .. }
            | Event::RunInterrupted { at, .. }
            | Event::RunFinished { at, .. } => *at,
        }
    }
}

/// Appends events to a journal, each one durable before `append` returns.
#[derive(Debug)]
pub struct JournalWriter {
    file: File,
    path: PathBuf,
}

/// A journal read back from disk.
#[derive(Debug, Default)]
pub struct Replay {
    /// The events, in the order they were written.
    pub events: Vec<Event>,
    /// A warning about a torn last line that was ignored.
    pub torn: Option<Diagnostic>,
    /// The byte length of the journal up to its last complete event.
    good_len: u64,
}

fn io_problem(path: &Path, doing: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::JournalIo,
        format!(
            "cannot {doing} the run journal `{}`: {error}",
            path.display()
        ),
    )
    .with_help(Code::JournalIo.info().fix)
}

impl JournalWriter {
    /// Creates the journal of a new run; refuses to overwrite an existing one.
    pub fn create(path: &Path) -> Result<Self, Diagnostic> {
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|error| io_problem(path, "create", &error))?;
        sync_parent(path);
        Ok(JournalWriter {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing journal to go on with a run, first cutting off a
    /// torn last line so that the next event starts on a line of its own.
    pub fn resume(path: &Path, replay: &Replay) -> Result<Self, Diagnostic> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|error| io_problem(path, "open", &error))?;
        let length = file
            .metadata()
            .map_err(|error| io_problem(path, "read", &error))?
            .len();
        if length != replay.good_len {
            file.set_len(replay.good_len)
                .and_then(|()| file.sync_all())
                .map_err(|error| io_problem(path, "repair", &error))?;
        }
        let mut writer = JournalWriter {
            file,
            path: path.to_path_buf(),
        };
        writer
            .file
            .seek(SeekFrom::End(0))
            .map_err(|error| io_problem(path, "open", &error))?;
        Ok(writer)
    }

    /// Writes one event as a line and flushes it to the disk.
    pub fn append(&mut self, event: &Event) -> Result<(), Diagnostic> {
        let mut line = serde_json::to_string(event).map_err(|error| {
            io_problem(
                &self.path,
                "encode an event for",
                &std::io::Error::other(error),
            )
        })?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|error| io_problem(&self.path, "write", &error))
    }
}

/// Makes a new file's directory entry durable too (a no-op where unsupported).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = File::open(parent)
    {
        let _ = dir.sync_all();
    }
}

/// Reads a journal. A last line that is incomplete or unreadable is the trace
/// of a crash mid-write and is ignored with a warning; an unreadable line
/// before it means the file was damaged otherwise, and is an error.
pub fn read(path: &Path) -> Result<Replay, Diagnostic> {
    let mut text = String::new();
    File::open(path)
        .and_then(|mut file| file.read_to_string(&mut text))
        .map_err(|error| io_problem(path, "read", &error))?;
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> Result<Replay, Diagnostic> {
    let mut replay = Replay::default();
    let mut offset = 0usize;
    let mut lines = text.split_inclusive('\n').enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let is_last = lines.peek().is_none();
        let complete = line.ends_with('\n');
        match serde_json::from_str::<Event>(line.trim_end_matches(['\n', '\r'])) {
            Ok(event) if complete => {
                replay.events.push(event);
                offset += line.len();
            }
            Err(error) if !is_last => {
                return Err(Diagnostic::new(
                    Code::JournalCorrupt,
                    format!(
                        "line {} of the run journal `{}` cannot be read: {error}",
                        index + 1,
                        path.display()
                    ),
                )
                .with_help(Code::JournalCorrupt.info().fix));
            }
            // Only the last line can lack its newline: a crash mid-write.
            _ => {
                replay.torn = Some(
                    Diagnostic::new(
                        Code::JournalTorn,
                        format!(
                            "the last line of `{}` (line {}) is incomplete, from a crash while it was written; it is ignored",
                            path.display(),
                            index + 1
                        ),
                    )
                    .with_help(Code::JournalTorn.info().fix),
                );
            }
        }
    }
    replay.good_len = offset as u64;
    Ok(replay)
}

#[cfg(test)]
mod tests;
