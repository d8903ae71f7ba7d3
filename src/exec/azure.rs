//! The executor's restores, sent to Azure (or the local emulator) through the
//! Azure client: each restore node becomes a `RestoreSpec` from the plan's
//! vault and target declarations, the source VM and the pinned recovery
//! point; a `deploy-template` node deploys the template its restore-disks job
//! left. What this cannot execute yet is named before the run starts
//! ([`AzureRestorer::unsupported`]), so no run stops half-way on it.

use super::failure::StepFailure;
use super::restorer::{Outputs, Restorer, Submission};
use crate::azure::backup::{Backup, RestoreMode as AzureMode, RestoreSpec};
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{
    DiskEncryptionSetId, ProtectedItemId, RecoveryPointId, ResourceGroupId, StorageAccountId,
    SubnetId, VaultId, VirtualMachineId,
};
use crate::azure::wire::job::{Job, JobStatus};
use crate::azure::wire::restore::RehydrationPriority;
use crate::check::resolved::ResolvedNode;
use crate::compile::RestoreGraph;
use crate::diagnostic::Code;
use crate::model::{Inventory, Plan, RestoreMode, StepKind};
use std::collections::{BTreeMap, HashMap};
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
}

/// Everything one restore node needs, resolved from the plan.
struct NodeFacts {
    vault: VaultId,
    source: VirtualMachineId,
    spec: Option<RestoreSpec>,
    new_vm: Option<VirtualMachineId>,
    target_group: Option<ResourceGroupId>,
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
    ) -> Self {
        let index = (0..graph.node_count())
            .map(|i| (graph.node(i).id.clone(), i))
            .collect();
        AzureRestorer {
            backup,
            plan,
            graph,
            inventory,
            index,
        }
    }

    /// The nodes this restorer cannot execute yet, each with why: checked
    /// before a run starts, so that a run never stops half-way on them.
    pub fn unsupported(graph: &RestoreGraph) -> Vec<(String, String)> {
        (0..graph.node_count())
            .filter_map(|i| {
                let node = graph.node(i);
                let why = match (node.kind, &node.restore, &node.vm) {
                    ("reinstall-disk-encryption", _, _) => {
                        "reinstalling the disk-encryption extension is not executed by `apply` yet; restore the disks with `then: deploy-template` and reinstall it by hand"
                    }
                    (_, Some(restore), _) if restore.mode == RestoreMode::Files => {
                        "file recovery (`as: files`) is not executed by `apply` yet"
                    }
                    (_, Some(_), Some(vm)) if vm.cross_region => {
                        "cross-region restore is not executed by `apply` yet"
                    }
                    (_, Some(_), None) => "the restore was not expanded against an inventory",
                    _ => return None,
                };
                Some((node.id.clone(), why.to_string()))
            })
            .collect()
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
            return Ok(NodeFacts {
                vault,
                source,
                spec: None,
                new_vm: None,
                target_group,
            });
        }
        let point = node
            .recovery_point
            .as_ref()
            .ok_or_else(|| missing("pinned recovery point"))?;
        let point_id =
            RecoveryPointId::new(ProtectedItemId::for_vm(vault.clone(), &source), &point.id)
                .map_err(|e| invalid("the recovery point", e))?;
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
        Ok(NodeFacts {
            vault,
            source,
            spec: Some(spec),
            new_vm,
            target_group,
        })
    }

    fn outputs(facts: &NodeFacts, job_id: &str) -> Outputs {
        let vm = facts.new_vm.as_ref().unwrap_or(&facts.source);
        Outputs::from([
            ("jobId".to_string(), job_id.to_string()),
            ("vmId".to_string(), vm.to_string()),
            ("vmName".to_string(), vm.name().to_string()),
        ])
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
        self.backup
            .deploy_restored_template(&job, &group, &name, None)
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
        let spec = facts.spec.as_ref().ok_or_else(|| {
            StepFailure::permanent(Code::Internal, format!("`{}` is not a restore", node.id))
        })?;
        let job_id = self
            .backup
            .trigger_restore(spec)
            .await
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
        let job_id = submission.job_id.clone().unwrap_or_default();
        if node.kind != "deploy-template" {
            let mut quiet = |_: &crate::azure::backup::JobProgress| {};
            self.backup
                .follow_job(&facts.vault, &job_id, &mut quiet)
                .await
                .map_err(|e| step_failure(&e))?;
        }
        Ok(Self::outputs(&facts, &job_id))
    }

    async fn find_submitted(
        &self,
        node: &ResolvedNode,
        since: jiff::Timestamp,
    ) -> Result<Option<Submission>, StepFailure> {
        // A template deployment is a PUT of the same name: sending it again is safe.
        if node.kind == "deploy-template" {
            return Ok(None);
        }
        let facts = self.facts(node)?;
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
        let jobs = self
            .backup
            .restore_jobs_of(&facts.vault, facts.source.name(), &window)
            .await
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
