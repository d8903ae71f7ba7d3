//! What a node of the plan means in Azure's terms: its vault, source VM,
//! target, recovery point and restore request, resolved from the plan's
//! declarations (and checked as typed ids before any of it reaches a URL).

use super::AzureRestorer;
use crate::azure::backup::{CrossRegionTarget, RestoreMode as AzureMode, RestoreSpec};
use crate::azure::id::{
    DiskEncryptionSetId, ProtectedItemId, RecoveryPointId, ResourceGroupId, StorageAccountId,
    SubnetId, VaultId, VirtualMachineId,
};
use crate::azure::wire::restore::RehydrationPriority;
use crate::check::resolved::ResolvedNode;
use crate::diagnostic::Code;
use crate::exec::failure::StepFailure;
use crate::model::{RestoreMode, StepKind};

/// How long a rehydrated archive point stays in the vault tier.
const REHYDRATION_RETENTION: &str = "P10D";

/// Everything one restore node needs, resolved from the plan.
pub(super) struct NodeFacts {
    pub(super) vault: VaultId,
    pub(super) source: VirtualMachineId,
    pub(super) spec: Option<RestoreSpec>,
    pub(super) new_vm: Option<VirtualMachineId>,
    pub(super) target_group: Option<ResourceGroupId>,
    pub(super) network: Option<crate::model::Network>,
    /// Where a restore into the vault's paired region runs.
    pub(super) cross_region: Option<CrossRegionTarget>,
    /// The recovery point a file recovery mounts.
    pub(super) point: Option<RecoveryPointId>,
    /// The region of the step's target.
    pub(super) target_region: Option<String>,
}

pub(super) fn invalid(what: &str, error: impl std::fmt::Display) -> StepFailure {
    StepFailure::permanent(Code::InvalidResourceId, format!("{what}: {error}"))
}

impl AzureRestorer {
    pub(super) fn facts(&self, node: &ResolvedNode) -> Result<NodeFacts, StepFailure> {
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
}
