//! The executor's restores, sent to Azure (or the local emulator) through the
//! Azure client: each restore node becomes a `RestoreSpec` from the plan's
//! vault and target declarations, the source VM and the pinned recovery
//! point; a `deploy-template` node deploys the template its restore-disks job
//! left. What this cannot execute yet is named before the run starts
//! ([`AzureRestorer::unsupported`]), so no run stops half-way on it.

mod encryption;
mod files;

use super::failure::StepFailure;
use super::restorer::{Outputs, Restorer, Submission};
use crate::azure::backup::{Backup, CrossRegionTarget, RestoreMode as AzureMode, RestoreSpec};
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{
    DiskEncryptionSetId, ProtectedItemId, RecoveryPointId, ResourceGroupId, StorageAccountId,
    SubnetId, VaultId, VirtualMachineId,
};
use crate::azure::wire::job::{Job, JobStatus};
use crate::azure::wire::restore::{RehydrationPriority, RestoreRequest};
use crate::check::resolved::{Resolved, ResolvedNode};
use crate::compile::RestoreGraph;
use crate::diagnostic::Code;
use crate::model::{Inventory, Plan, RestoreMode, StepKind};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How far this machine's clock and Azure's may disagree when a restore job
/// is looked up by its start time after a crash.
const CLOCK_SLACK_SECONDS: i64 = 2;

/// How long a rehydrated archive point stays in the vault tier.
const REHYDRATION_RETENTION: &str = "P10D";

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

/// Everything one restore node needs, resolved from the plan.
struct NodeFacts {
    vault: VaultId,
    source: VirtualMachineId,
    spec: Option<RestoreSpec>,
    new_vm: Option<VirtualMachineId>,
    target_group: Option<ResourceGroupId>,
    network: Option<crate::model::Network>,
    /// Where a restore into the vault's paired region runs.
    cross_region: Option<CrossRegionTarget>,
    /// The recovery point a file recovery mounts.
    point: Option<RecoveryPointId>,
    /// The region of the step's target.
    target_region: Option<String>,
}

fn invalid(what: &str, error: impl std::fmt::Display) -> StepFailure {
    StepFailure::permanent(Code::InvalidResourceId, format!("{what}: {error}"))
}

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

    fn facts(&self, node: &ResolvedNode) -> Result<NodeFacts, StepFailure> {
        let missing = |what: &str| {
            StepFailure::permanent(Code::Internal, format!("node `{}` has no {what}", node.id))
        };
        let index = *self
            .index
            .get(&node.id)
            .ok_or_else(|| missing("graph node"))?;
        let graph_node = self.graph.node(index);
        let restore = graph_node
            .restore
            .as_ref()
            .ok_or_else(|| missing("restore settings"))?;
        let step = &self.plan.steps[graph_node.step_index];
        let StepKind::Restore(settings) = &step.kind else {
            return Err(missing("restore step"));
        };
        let vault_decl = self
            .plan
            .vaults
            .get(&restore.vault)
            .ok_or_else(|| missing("vault"))?;
        let vault: VaultId = vault_decl
            .id
            .parse()
            .map_err(|e| invalid("the vault id", e))?;
        let vm = graph_node.vm.as_ref().ok_or_else(|| missing("source VM"))?;
        let source: VirtualMachineId = vm.id.parse().map_err(|e| invalid("the VM id", e))?;
        let target = restore
            .target
            .as_ref()
            .and_then(|name| self.plan.targets.get(name));
        let target_group: Option<ResourceGroupId> = target
            .map(|t| t.resource_group.parse())
            .transpose()
            .map_err(|e| invalid("the target resource group", e))?;
        if graph_node.kind != "restore" {
            // The VM a template deployment creates (and the disk-encryption
            // reinstall then works on): the step's `name`, else the source's.
            let deployed = matches!(
                graph_node.kind,
                "deploy-template" | "reinstall-disk-encryption"
            )
            .then(|| target_group.clone())
            .flatten()
            .map(|group| {
                let name = settings.name.as_deref().unwrap_or(&vm.name);
                VirtualMachineId::new(group, name).map_err(|e| invalid("the new VM name", e))
            })
            .transpose()?;
            return Ok(NodeFacts {
                vault,
                source,
                spec: None,
                new_vm: deployed,
                target_group,
                network: target.and_then(|t| t.network.clone()),
                cross_region: None,
                point: None,
                target_region: target.map(|t| t.region.clone()),
            });
        }
        let point = node
            .recovery_point
            .as_ref()
            .ok_or_else(|| missing("pinned recovery point"))?;
        let point_id =
            RecoveryPointId::new(ProtectedItemId::for_vm(vault.clone(), &source), &point.id)
                .map_err(|e| invalid("the recovery point", e))?;
        if restore.mode == RestoreMode::Files {
            return Ok(NodeFacts {
                vault,
                source,
                spec: None,
                new_vm: None,
                target_group,
                network: None,
                cross_region: None,
                point: Some(point_id),
                target_region: None,
            });
        }
        let staging: StorageAccountId = target
            .and_then(|t| t.staging_storage_account.as_deref())
            .ok_or_else(|| {
                missing("staging storage account (`stagingStorageAccount` of its target)")
            })?
            .parse()
            .map_err(|e| invalid("the staging storage account", e))?;
        let mut new_vm = None;
        let mode = match restore.mode {
            RestoreMode::ReplaceExisting => AzureMode::ReplaceExisting,
            RestoreMode::NewVm => {
                let group = target_group
                    .clone()
                    .ok_or_else(|| missing("target resource group"))?;
                let name = settings.name.clone().unwrap_or_else(|| vm.name.clone());
                let id = VirtualMachineId::new(group, &name)
                    .map_err(|e| invalid("the new VM name", e))?;
                let network = target
                    .and_then(|t| t.network.as_ref())
                    .ok_or_else(|| missing("target network"))?;
                let subnet: SubnetId =
                    format!("{}/subnets/{}", network.virtual_network, network.subnet)
                        .parse()
                        .map_err(|e| invalid("the target subnet", e))?;
                new_vm = Some(id.clone());
                AzureMode::NewVm { vm: id, subnet }
            }
            RestoreMode::Disks => AzureMode::Disks {
                resource_group: target_group
                    .clone()
                    .ok_or_else(|| missing("target resource group"))?,
                luns: (!settings.luns.is_empty())
                    .then(|| settings.luns.iter().map(|&l| i32::from(l)).collect()),
            },
            RestoreMode::Files => return Err(missing("restore mode that `apply` executes")),
        };
        let region = match (restore.mode, target) {
            (RestoreMode::ReplaceExisting, _) | (_, None) => self
                .inventory
                .vault_by_id(&vault_decl.id)
                .map(|v| v.region.clone())
                .ok_or_else(|| missing("vault region in the inventory"))?,
            (_, Some(target)) => target.region.clone(),
        };
        let disk_encryption_set = settings
            .disk_encryption_set
            .as_deref()
            .map(str::parse::<DiskEncryptionSetId>)
            .transpose()
            .map_err(|e| invalid("the disk encryption set", e))?;
        let spec = RestoreSpec {
            point: point_id,
            source_vm: source.clone(),
            mode,
            region,
            staging,
            identity: None,
            disk_encryption_set,
            disk_access: None,
            zone: settings
                .zone
                .or(target.and_then(|t| t.zone))
                .map(|z| z.to_string()),
            rehydration: point.rehydrate.then(|| {
                (
                    REHYDRATION_RETENTION.to_string(),
                    RehydrationPriority::Standard,
                )
            }),
        };
        let cross_region = vm.cross_region.then(|| CrossRegionTarget {
            subscription: vault.resource_group.subscription.clone(),
            region: spec.region.clone(),
        });
        Ok(NodeFacts {
            vault,
            source,
            spec: Some(spec),
            new_vm,
            target_group,
            network: target.and_then(|t| t.network.clone()),
            cross_region,
            point: None,
            target_region: target.map(|t| t.region.clone()),
        })
    }

    /// The outputs of a finished node: its job, and the VM it restored or
    /// created with that VM's private address (a disk restore has no VM yet).
    async fn outputs(
        &self,
        node: &ResolvedNode,
        facts: &NodeFacts,
        job_id: Option<&str>,
    ) -> Outputs {
        let mut outputs = Outputs::new();
        // A restore's job id; a deployment's name is not a job and keeps the
        // step's `jobId` the restore's.
        match (node.kind.as_str(), job_id) {
            ("restore", Some(job)) => {
                outputs.insert("jobId".to_string(), job.to_string());
            }
            ("deploy-template", Some(name)) => {
                outputs.insert("deployment".to_string(), name.to_string());
            }
            _ => {}
        }
        if let Some(point) = self.pinned.get(&node.id) {
            outputs.insert("recoveryPoint".to_string(), point.clone());
        }
        let disks_only = node.kind == "restore" && node.mode.as_deref() == Some("disks");
        let vm = facts.new_vm.as_ref().unwrap_or(&facts.source);
        outputs.insert("vmId".to_string(), vm.to_string());
        outputs.insert("vmName".to_string(), vm.name().to_string());
        if disks_only {
            return outputs;
        }
        // The restore has happened: a failed read of the address must not
        // make the node fail (a retry would restore again). A later step
        // that needs it fails on the missing output and says so.
        match self.backup.private_ip_of(vm).await {
            Ok(Some(ip)) => {
                outputs.insert("privateIp".to_string(), ip);
            }
            Ok(None) => tracing::warn!(node = %node.id, "the restored VM has no private address"),
            Err(error) => tracing::warn!(
                node = %node.id,
                error = %error,
                "the restored VM's private address could not be read"
            ),
        }
        outputs
    }

    async fn deploy(
        &self,
        node: &ResolvedNode,
        upstream: &BTreeMap<String, Outputs>,
    ) -> Result<Submission, StepFailure> {
        let facts = self.facts(node)?;
        let job_id = node
            .depends_on
            .iter()
            .find_map(|dep| upstream.get(dep).and_then(|o| o.get("jobId")))
            .ok_or_else(|| {
                StepFailure::permanent(
                    Code::TemplateMissing,
                    format!("`{}` has no restore job to take the template from", node.id),
                )
            })?;
        let job = self
            .backup
            .job(&facts.vault, job_id)
            .await
            .map_err(|e| step_failure(&e))?;
        let group = facts.target_group.clone().ok_or_else(|| {
            StepFailure::permanent(
                Code::Internal,
                format!("`{}` has no target resource group", node.id),
            )
        })?;
        let name = format!("restoreplan-{}", super::file_name(&node.id))
            .chars()
            .take(64)
            .collect::<String>();
        let mut parameters = serde_json::Map::new();
        if let Some(vm) = &facts.new_vm {
            parameters.insert(
                "VirtualMachineName".to_string(),
                serde_json::json!({ "value": vm.name() }),
            );
        }
        if let Some(network) = &facts.network {
            parameters.insert(
                "VirtualNetwork".to_string(),
                serde_json::json!({ "value": network.virtual_network }),
            );
            parameters.insert(
                "Subnet".to_string(),
                serde_json::json!({ "value": network.subnet }),
            );
        }
        self.backup
            .deploy_restored_template(&job, &group, &name, Some(parameters.into()))
            .await
            .map_err(|e| step_failure(&e))?;
        Ok(Submission {
            job_id: Some(name),
            operation_url: None,
        })
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
