//! What is going on in the world: restore jobs, long-running operations and
//! template deployments. Jobs and deployments change the estate when they
//! end, which [`World::settle`] applies lazily, in the order they ended,
//! whenever the world is looked at: nothing runs in the background.

use super::{CompletedRestore, Produced, World};
use crate::emulator::jobs::{PlannedTask, progress};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

/// What kind of job Azure Backup reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOperation {
    /// A restore in the vault's region.
    Restore,
    /// A cross-region restore.
    CrossRegionRestore,
}

impl JobOperation {
    /// Azure's name of the operation in job listings.
    pub fn as_str(self) -> &'static str {
        match self {
            JobOperation::Restore => "Restore",
            JobOperation::CrossRegionRestore => "CrossRegionRestore",
        }
    }
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    /// It did what it was asked.
    Completed {
        /// When.
        ended: Timestamp,
        /// What it produced.
        produced: Produced,
    },
    /// It failed with this error code.
    Failed {
        /// When.
        ended: Timestamp,
        /// Azure's error code.
        code: String,
    },
    /// It was cancelled.
    Cancelled {
        /// When.
        ended: Timestamp,
    },
}

/// A restore job.
#[derive(Debug, Clone)]
pub struct JobRecord {
    /// The job's id (its name under `backupJobs`).
    pub id: String,
    /// The vault's ARM id.
    pub vault_id: String,
    /// The restored VM's name.
    pub entity: String,
    /// The protection container's name.
    pub container: String,
    /// Restore or cross-region restore.
    pub operation: JobOperation,
    /// When it started (simulated).
    pub started: Timestamp,
    /// Its tasks.
    pub tasks: Vec<PlannedTask>,
    /// When it ends if nothing stops it (see [`JobRecord::end_of`]).
    pub ends: Timestamp,
    /// What it will do to the world.
    pub restore: CompletedRestore,
    /// The error code it is made to fail with (`--fail-job`).
    pub fail_code: Option<String>,
    /// How it ended, once it has.
    pub outcome: Option<JobOutcome>,
}

impl JobRecord {
    /// When the job ends if nothing stops it.
    pub fn planned_end(&self) -> Timestamp {
        self.ends
    }

    /// When a job started at `started` with `tasks` ends if nothing stops it.
    pub fn end_of(started: Timestamp, tasks: &[PlannedTask]) -> Timestamp {
        let total: SignedDuration = tasks.iter().map(|t| t.duration).sum();
        started.checked_add(total).unwrap_or(Timestamp::MAX)
    }

    /// The job's progress at `now` (complete once it has ended).
    pub fn progress_at(&self, now: Timestamp) -> crate::emulator::jobs::Progress {
        let at = match &self.outcome {
            Some(
                JobOutcome::Completed { ended, .. }
                | JobOutcome::Failed { ended, .. }
                | JobOutcome::Cancelled { ended },
            ) => *ended,
            None => now,
        };
        progress(&self.tasks, self.started, at)
    }
}

/// What a finished long-running operation answers.
#[derive(Debug, Clone, PartialEq)]
pub enum OperationResult {
    /// It created a job (restores).
    Job(String),
    /// It provisioned a file recovery session with these mount scripts.
    FileRecovery(Value),
    /// It validated a restore with these findings.
    Validation(Vec<crate::azure::wire::error::ErrorDetail>),
    /// It ended with nothing to show (revoke, cancel).
    Done,
}

/// A long-running operation.
#[derive(Debug, Clone)]
pub struct OperationRecord {
    /// The operation's id.
    pub id: String,
    /// When it was accepted.
    pub started: Timestamp,
    /// When it is over.
    pub ready_at: Timestamp,
    /// What it answers once over.
    pub result: OperationResult,
}

/// A template deployment.
#[derive(Debug, Clone)]
pub struct DeploymentRecord {
    /// The deployment's ARM id.
    pub id: String,
    /// When it was accepted.
    pub started: Timestamp,
    /// When it is over.
    pub ready_at: Timestamp,
    /// The VM it creates.
    pub vm: super::TemplateVm,
    /// `Succeeded` or `Failed` once over; the error of a failure.
    pub outcome: Option<Result<(), (String, String)>>,
}

impl World {
    /// Applies every job and deployment that has ended by `now`, in the
    /// order they ended.
    pub fn settle(&mut self, now: Timestamp) {
        loop {
            let job = self
                .jobs
                .iter()
                .enumerate()
                .filter(|(_, job)| job.outcome.is_none() && job.planned_end() <= now)
                .min_by_key(|(_, job)| job.planned_end())
                .map(|(position, job)| (position, job.planned_end()));
            let deployment = self
                .deployments
                .iter()
                .enumerate()
                .filter(|(_, d)| d.outcome.is_none() && d.ready_at <= now)
                .min_by_key(|(_, d)| d.ready_at)
                .map(|(position, d)| (position, d.ready_at));
            match (job, deployment) {
                (Some((j, job_end)), Some((_, deployment_end))) if job_end <= deployment_end => {
                    self.finish_job(j, job_end)
                }
                (Some((j, job_end)), None) => self.finish_job(j, job_end),
                (_, Some((d, end))) => self.finish_deployment(d, end),
                (None, None) => return,
            }
        }
    }

    fn finish_job(&mut self, position: usize, ended: Timestamp) {
        let Some(job) = self.jobs.get(position).cloned() else {
            return;
        };
        let outcome = match &job.fail_code {
            Some(code) => {
                self.record(
                    ended,
                    "restore-failed",
                    &job.restore.source_vm,
                    format!("job {} failed with {code}", job.id),
                );
                JobOutcome::Failed {
                    ended,
                    code: code.clone(),
                }
            }
            None => {
                let produced = self.complete_restore(&job.restore, ended);
                JobOutcome::Completed { ended, produced }
            }
        };
        if let Some(job) = self.jobs.get_mut(position) {
            job.outcome = Some(outcome);
        }
    }

    fn finish_deployment(&mut self, position: usize, ended: Timestamp) {
        let Some(deployment) = self.deployments.get(position).cloned() else {
            return;
        };
        let outcome = self.create_vm_from_template(&deployment.vm, ended);
        if let Some(deployment) = self.deployments.get_mut(position) {
            deployment.outcome = Some(outcome);
        }
    }

    /// The job with this id (ids compare without case, as Azure's GUIDs do).
    pub fn job(&self, id: &str) -> Option<&JobRecord> {
        self.jobs.iter().find(|job| job.id.eq_ignore_ascii_case(id))
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&OperationRecord> {
        self.operations
            .iter()
            .find(|op| op.id.eq_ignore_ascii_case(id))
    }

    /// Cancels a job that is still running; `false` when it has ended.
    pub fn cancel_job(&mut self, id: &str, now: Timestamp) -> bool {
        let Some(job) = self
            .jobs
            .iter_mut()
            .find(|job| job.id.eq_ignore_ascii_case(id))
        else {
            return false;
        };
        if job.outcome.is_some() {
            return false;
        }
        job.outcome = Some(JobOutcome::Cancelled { ended: now });
        let (vm, job_id) = (job.restore.source_vm.clone(), job.id.clone());
        self.record(
            now,
            "restore-cancelled",
            &vm,
            format!("job {job_id} cancelled"),
        );
        true
    }
}
