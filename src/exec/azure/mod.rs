//! The executor's restores, sent to Azure (or the local emulator) through the
//! Azure client: each restore node becomes a `RestoreSpec` from the plan's
//! vault and target declarations, the source VM and the pinned recovery
//! point; a `deploy-template` node deploys the template its restore-disks job
//! left. What this cannot execute yet is named before the run starts
//! ([`AzureRestorer::unsupported`]), so no run stops half-way on it.

mod deploy;
mod encryption;
mod facts;
mod files;

use super::failure::StepFailure;
use super::restorer::{Outputs, Restorer, Submission};
use crate::azure::backup::Backup;
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{RecoveryPointId, VaultId};
use crate::azure::wire::job::{Job, JobStatus};
use crate::azure::wire::restore::RestoreRequest;
use crate::check::resolved::{Resolved, ResolvedNode};
use crate::compile::RestoreGraph;
use crate::diagnostic::Code;
use crate::model::{Inventory, Plan};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How far this machine's clock and Azure's may disagree when a restore job
/// is looked up by its start time after a crash.
const CLOCK_SLACK_SECONDS: i64 = 2;

/// Restores through the Azure client.
pub struct AzureRestorer {
    backup: Backup,
    plan: Arc<Plan>,
    graph: Arc<RestoreGraph>,
    inventory: Arc<Inventory>,
    index: HashMap<String, usize>,
    /// The run folder, where file recovery leaves its mount scripts.
    run_dir: PathBuf,
    /// The run's id, which names this run's iSCSI initiator for file recovery.
    run_id: String,
    /// The recovery point pinned for each restore node, by node id.
    pinned: HashMap<String, String>,
    /// Told where each followed job is (live progress).
    progress: Option<ProgressSink>,
}

/// Receives the progress of a node's Azure job.
pub type ProgressSink = Arc<dyn Fn(&str, &crate::azure::backup::JobProgress) + Send + Sync>;

/// Whether Azure would answer the same way to the same request again.
fn is_permanent(error: &ArmError) -> bool {
    let user_error = |code: &str| code.starts_with("UserError") || code.starts_with("BMSUserError");
    match error.kind.as_ref() {
        ArmErrorKind::Status { status, .. } => !matches!(status, 408 | 429 | 500..=599),
        ArmErrorKind::Transport { .. } => false,
        ArmErrorKind::JobFailed { errors, .. } => errors.iter().any(|e| {
            e.error_string.as_deref().is_some_and(user_error)
                || e.error_title.as_deref().is_some_and(user_error)
        }),
        ArmErrorKind::OperationFailed { code, .. } => code.as_deref().is_none_or(user_error),
        // The request may have landed: before another attempt the executor
        // asks Azure whether it did (attempt.rs), so it is never sent twice.
        ArmErrorKind::OutcomeUnknown { .. } => false,
        ArmErrorKind::TimedOut { .. } => true,
        _ => true,
    }
}

/// An Azure error as a step failure: Azure's own code when it gave one.
pub fn step_failure(error: &ArmError) -> StepFailure {
    let diagnostic = error.to_diagnostic();
    StepFailure {
        code: error
            .azure_code()
            .map_or_else(|| error.code().id().to_string(), str::to_string),
        message: diagnostic.message,
        transient: !is_permanent(error),
    }
}

impl AzureRestorer {
    /// A restorer for the nodes of `graph`, from `plan` over `inventory`.
    pub fn new(
        backup: Backup,
        plan: Arc<Plan>,
        graph: Arc<RestoreGraph>,
        inventory: Arc<Inventory>,
        resolved: &Resolved,
        run: (&str, &Path),
    ) -> Self {
        let pinned = resolved
            .nodes
            .iter()
            .filter_map(|node| Some((node.id.clone(), node.recovery_point.as_ref()?.id.clone())))
            .collect();
        let index = (0..graph.node_count())
            .map(|i| (graph.node(i).id.clone(), i))
            .collect();
        AzureRestorer {
            backup,
            plan,
            graph,
            inventory,
            index,
            run_id: run.0.to_owned(),
            run_dir: run.1.to_owned(),
            pinned,
            progress: None,
        }
    }

    /// Reports the progress of every job it follows to `sink`.
    pub fn with_progress(mut self, sink: ProgressSink) -> Self {
        self.progress = Some(sink);
        self
    }

    /// The nodes this restorer cannot execute yet, each with why: checked
    /// before a run starts, so that a run never stops half-way on them.
    pub fn unsupported(graph: &RestoreGraph) -> Vec<(String, String)> {
        (0..graph.node_count())
            .filter_map(|i| {
                let node = graph.node(i);
                let why = match (node.kind, &node.restore, &node.vm) {
                    (_, Some(_), None) => "the restore was not expanded against an inventory",
                    _ => return None,
                };
                Some((node.id.clone(), why.to_string()))
            })
            .collect()
    }

    /// The vault, recovery point and Azure restore request of a restore
    /// node, as `apply` would send them (what `plan --validate-with-azure`
    /// asks Azure's `ValidateOperation` about); `None` for a node that sends no restore.
    pub fn restore_request(
        &self,
        node: &ResolvedNode,
    ) -> Result<Option<(VaultId, RecoveryPointId, RestoreRequest)>, StepFailure> {
        let facts = self.facts(node)?;
        if facts.cross_region.is_some() {
            // Restored from the paired region through its own API, which has no validation.
            return Ok(None);
        }
        Ok(facts
            .spec
            .map(|spec| (facts.vault, spec.point.clone(), spec.request())))
    }
}

impl Restorer for AzureRestorer {
    async fn submit(
        &self,
        node: &ResolvedNode,
        upstream: &BTreeMap<String, Outputs>,
    ) -> Result<Submission, StepFailure> {
        if node.kind == "deploy-template" {
            return self.deploy(node, upstream).await;
        }
        let facts = self.facts(node)?;
        if facts.point.is_some() || node.kind == "reinstall-disk-encryption" {
            // Provisioning a file recovery, or installing an extension, is
            // the whole of the node: it happens in `follow`, and sending it
            // again after a crash is harmless (a renewal, the same PUT).
            return Ok(Submission {
                job_id: None,
                operation_url: None,
            });
        }
        let spec = facts.spec.as_ref().ok_or_else(|| {
            StepFailure::permanent(Code::Internal, format!("`{}` is not a restore", node.id))
        })?;
        let job_id = match &facts.cross_region {
            Some(target) => self.backup.trigger_cross_region_restore(target, spec).await,
            None => self.backup.trigger_restore(spec).await,
        }
        .map_err(|e| step_failure(&e))?;
        Ok(Submission {
            job_id: Some(job_id),
            operation_url: None,
        })
    }

    async fn follow(
        &self,
        node: &ResolvedNode,
        submission: &Submission,
    ) -> Result<Outputs, StepFailure> {
        let facts = self.facts(node)?;
        if let Some(point) = &facts.point {
            return self.mount(node, &facts.source, point).await;
        }
        if node.kind == "reinstall-disk-encryption" {
            self.reinstall_disk_encryption(node, &facts).await?;
            return Ok(self.outputs(node, &facts, None).await);
        }
        let job_id = submission.job_id.clone().unwrap_or_default();
        if node.kind != "deploy-template" {
            let mut report = |job: &crate::azure::backup::JobProgress| {
                if let Some(sink) = &self.progress {
                    sink(&node.id, job);
                }
            };
            match &facts.cross_region {
                Some(target) => {
                    self.backup
                        .follow_cross_region_job(target, &facts.vault, &job_id, &mut report)
                        .await
                }
                None => {
                    self.backup
                        .follow_job(&facts.vault, &job_id, &mut report)
                        .await
                }
            }
            .map_err(|e| step_failure(&e))?;
        }
        Ok(self.outputs(node, &facts, Some(&job_id)).await)
    }

    async fn find_submitted(
        &self,
        node: &ResolvedNode,
        since: jiff::Timestamp,
    ) -> Result<Option<Submission>, StepFailure> {
        // A template deployment is a PUT of the same name: sending it again is
        // safe, and so is provisioning a file recovery session again.
        if node.kind == "deploy-template" {
            return Ok(None);
        }
        let facts = self.facts(node)?;
        if facts.point.is_some() || node.kind == "reinstall-disk-encryption" {
            return Ok(None);
        }
        // Azure's filter speaks whole seconds: widen the window so that a job
        // started in the same second as `since` or as now is inside, then
        // narrow it precisely here. The slack allows for the clocks of this
        // machine and of Azure not agreeing to the second.
        let slack = jiff::SignedDuration::from_secs(CLOCK_SLACK_SECONDS);
        let earliest = since.saturating_sub(slack).unwrap_or(since);
        let window = crate::azure::api::TimeWindow {
            start: earliest,
            end: self
                .backup
                .arm()
                .clock()
                .now()
                .saturating_add(jiff::SignedDuration::from_secs(300))
                .unwrap_or(jiff::Timestamp::MAX),
        };
        let jobs = match &facts.cross_region {
            Some(target) => {
                self.backup
                    .cross_region_restore_jobs_of(
                        target,
                        &facts.vault,
                        facts.source.name(),
                        &window,
                    )
                    .await
            }
            None => {
                self.backup
                    .restore_jobs_of(&facts.vault, facts.source.name(), &window)
                    .await
            }
        }
        .map_err(|e| step_failure(&e))?;
        // A failed or cancelled job restored nothing: that restore is sent again.
        let live = jobs.iter().find(|job| {
            let details = job.properties.as_ref().and_then(Job::iaas_vm);
            let started_since = details
                .and_then(|j| j.start_time)
                .is_some_and(|started| started >= earliest);
            started_since
                && !matches!(
                    details.and_then(|j| j.status.clone()),
                    Some(JobStatus::Failed | JobStatus::Cancelled)
                )
        });
        Ok(live
            .and_then(|job| job.meta.name.clone())
            .map(|job_id| Submission {
                job_id: Some(job_id),
                operation_url: None,
            }))
    }
}
