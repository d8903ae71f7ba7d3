//! How a step attempt fails: a stable code, a message, and whether another
//! attempt may succeed. Only transient failures are retried; a permanent
//! Azure error (a `UserError…` code) or a missing program never is.

use crate::diagnostic::Code;
use std::fmt;

/// A failed attempt of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    /// The stable code: an `EX0xx` code, or Azure's own error code.
    pub code: String,
    /// What went wrong, naming the facts.
    pub message: String,
    /// Whether another attempt may succeed.
    pub transient: bool,
}

impl StepFailure {
    /// A failure that another attempt may not repeat.
    pub fn transient(code: Code, message: impl Into<String>) -> Self {
        StepFailure {
            code: code.id().to_string(),
            message: message.into(),
            transient: true,
        }
    }

    /// A failure that every attempt would repeat.
    pub fn permanent(code: Code, message: impl Into<String>) -> Self {
        StepFailure {
            code: code.id().to_string(),
            message: message.into(),
            transient: false,
        }
    }

    /// Creates a folder of the run (step logs, mount scripts); not being
    /// able to is a permanent failure of the step.
    pub fn create_folder(dir: &std::path::Path) -> Result<(), StepFailure> {
        std::fs::create_dir_all(dir).map_err(|error| {
            StepFailure::permanent(
                Code::JournalIo,
                format!("cannot create `{}`: {error}", dir.display()),
            )
        })
    }
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}
