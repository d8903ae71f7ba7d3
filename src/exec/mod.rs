//! Execution: the scheduler loop over a resolved plan, each step kind, the
//! run's durable record and the guard against two operators. The journal is
//! written before each action it records, so that a run can be resumed after
//! any crash without restoring anything twice; the lock keeps a second
//! `apply` of the same plan from starting while one is running.

pub mod approval;
mod attempt;
pub mod azure;
pub mod executor;
pub mod failure;
pub mod journal;
pub mod lock;
pub mod restorer;
pub mod run_folder;
pub mod state;
pub mod steps;
pub mod surroundings;

pub use attempt::{backoff, file_name};
