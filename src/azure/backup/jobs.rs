//! Triggering a restore, and following the job it creates to its end.

use jiff::{SignedDuration, Timestamp};

use super::{Backup, RestoreSpec};
use crate::azure::api;
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::VaultId;
use crate::azure::lro::{self, Completed};
use crate::azure::wire::job::{Job, JobResource, JobStatus};
use crate::azure::wire::operation::OperationStatusExtendedInfo;

/// Where a running job is, for progress reports.
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    /// The job's id.
    pub job_id: String,
    /// Its state.
    pub status: Option<JobStatus>,
    /// Overall progress in percent, when Azure reports it.
    pub percentage: Option<f64>,
    /// Each task: name, state and progress.
    pub tasks: Vec<(String, Option<JobStatus>, Option<f64>)>,
}

impl JobProgress {
    fn of(job_id: &str, job: &JobResource) -> Self {
        let vm_job = job.properties.as_ref().and_then(Job::iaas_vm);
        let extended = vm_job.and_then(|job| job.extended_info.as_ref());
        let tasks = extended
            .and_then(|info| info.tasks_list.as_ref())
            .map(|tasks| {
                tasks
                    .iter()
                    .map(|t| {
                        (
                            t.task_id.clone().unwrap_or_default(),
                            t.status.clone(),
                            t.progress_percentage,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            job_id: job_id.to_owned(),
            status: vm_job.and_then(|job| job.status.clone()),
            percentage: extended.and_then(|info| info.progress_percentage),
            tasks,
        }
    }
}

/// The job id an operation reports (`OperationStatusJobExtendedInfo`).
pub(super) fn job_id_of(completed: &Completed, operation: &str) -> Result<String, ArmError> {
    match completed
        .status
        .as_ref()
        .and_then(|status| status.properties.as_ref())
    {
        Some(OperationStatusExtendedInfo::Job {
            job_id: Some(job_id),
        }) => Ok(job_id.clone()),
        _ => {
            let what =
                "the finished operation names no job (no OperationStatusJobExtendedInfo.jobId)"
                    .to_owned();
            Err(ArmError::new(ArmErrorKind::Malformed { what }, operation)
                .with_ids(completed.response.ids.clone()))
        }
    }
}

impl Backup {
    /// Triggers a restore and follows the operation to the job it creates; returns the job id.
    pub async fn trigger_restore(&self, spec: &RestoreSpec) -> Result<String, ArmError> {
        let request = api::restore_trigger(&spec.point);
        let body = serde_json::to_value(spec.body()).map_err(|e| {
            ArmError::new(
                ArmErrorKind::Malformed {
                    what: format!("the restore body: {e}"),
                },
                "Restores_Trigger",
            )
        })?;
        let accepted = self.arm().send(&request, Some(&body)).await?;
        let completed = lro::wait(self.arm(), accepted, &self.settings.operations).await?;
        job_id_of(&completed, "Restores_Trigger")
    }

    /// Reads a job.
    pub async fn job(&self, vault: &VaultId, job_id: &str) -> Result<JobResource, ArmError> {
        self.arm()
            .send_json(&api::job_get(vault, job_id), None)
            .await
    }

    /// Follows a job to its end, reporting progress after every read. A completed job
    /// (with or without warnings) is returned; a failed or cancelled one is an error.
    pub async fn follow_job(
        &self,
        vault: &VaultId,
        job_id: &str,
        progress: &mut (dyn FnMut(&JobProgress) + Send),
    ) -> Result<JobResource, ArmError> {
        self.follow_job_with(job_id, progress, || self.job(vault, job_id))
            .await
    }

    /// The job-following loop, for any way of reading the job (primary or cross-region).
    pub(super) async fn follow_job_with<F, Fut>(
        &self,
        job_id: &str,
        progress: &mut (dyn FnMut(&JobProgress) + Send),
        read: F,
    ) -> Result<JobResource, ArmError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<JobResource, ArmError>>,
    {
        let clock = self.arm().clock().clone();
        let deadline = clock
            .now()
            .saturating_add(
                SignedDuration::try_from(self.settings.job_deadline).unwrap_or(SignedDuration::MAX),
            )
            .unwrap_or(Timestamp::MAX);
        let operation = "follow job";
        loop {
            let job = read().await?;
            let report = JobProgress::of(job_id, &job);
            progress(&report);
            match report.status {
                Some(JobStatus::Completed | JobStatus::CompletedWithWarnings) => return Ok(job),
                Some(JobStatus::Failed) => {
                    let errors = job
                        .properties
                        .as_ref()
                        .and_then(Job::iaas_vm)
                        .and_then(|j| j.error_details.clone());
                    let kind = ArmErrorKind::JobFailed {
                        job_id: job_id.to_owned(),
                        errors: errors.unwrap_or_default(),
                    };
                    return Err(ArmError::new(kind, operation));
                }
                Some(JobStatus::Cancelled) => {
                    return Err(ArmError::new(
                        ArmErrorKind::JobCancelled {
                            job_id: job_id.to_owned(),
                        },
                        operation,
                    ));
                }
                _ => {}
            }
            let resume = clock
                .now()
                .saturating_add(
                    SignedDuration::try_from(self.settings.job_interval)
                        .unwrap_or(SignedDuration::MAX),
                )
                .unwrap_or(Timestamp::MAX);
            if resume > deadline {
                return Err(ArmError::new(
                    ArmErrorKind::TimedOut {
                        what: format!("job {job_id}"),
                    },
                    operation,
                ));
            }
            clock.sleep(self.settings.job_interval).await;
        }
    }

    /// Asks Azure to cancel a job and waits until the request is accepted.
    pub async fn cancel_job(&self, vault: &VaultId, job_id: &str) -> Result<(), ArmError> {
        let accepted = self
            .arm()
            .send(&api::job_cancel(vault, job_id), None)
            .await?;
        lro::wait(self.arm(), accepted, &self.settings.operations)
            .await
            .map(|_| ())
    }
}

impl Backup {
    /// The restore jobs of `vm` that started within `window`, newest first: how a run
    /// re-attaches after a trigger whose outcome is unknown (EX007) instead of restoring twice.
    pub async fn restore_jobs_of(
        &self,
        vault: &VaultId,
        vm_name: &str,
        window: &api::TimeWindow,
    ) -> Result<Vec<JobResource>, ArmError> {
        let jobs: Vec<JobResource> = self.list_all(&api::jobs_list(vault, Some(window))).await?;
        Ok(newest_restores_of(jobs, vm_name))
    }
}

/// The restore jobs (of any kind) of the VM named `vm_name`, newest first.
pub(super) fn newest_restores_of(jobs: Vec<JobResource>, vm_name: &str) -> Vec<JobResource> {
    let mut matching: Vec<JobResource> = jobs
        .into_iter()
        .filter(|job| {
            let vm_job = job.properties.as_ref().and_then(Job::iaas_vm);
            let named = vm_job.and_then(|j| j.entity_friendly_name.as_deref());
            let restore = vm_job
                .and_then(|j| j.operation.as_deref())
                .is_some_and(|op| op.contains("Restore"));
            restore && named.is_some_and(|name| name.eq_ignore_ascii_case(vm_name))
        })
        .collect();
    let started = |job: &JobResource| {
        job.properties
            .as_ref()
            .and_then(Job::iaas_vm)
            .and_then(|j| j.start_time)
    };
    matching.sort_by_key(|job| std::cmp::Reverse(started(job)));
    matching
}
