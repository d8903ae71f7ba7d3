//! What a restore asks for, in restoreplan's terms, and its translation into
//! Azure's `IaasVMRestoreRequest` (or the rehydrating variant).

use crate::azure::id::{
    DiskEncryptionSetId, RecoveryPointId, ResourceGroupId, StorageAccountId, SubnetId,
    UserAssignedIdentityId, VirtualMachineId,
};
use crate::azure::wire::restore::{
    EncryptionDetails, IaasVmRestoreRequest, IaasVmRestoreWithRehydrationRequest, IdentityInfo,
    RecoveryType, RehydrationInfo, RehydrationPriority, RestoreRequest, RestoreRequestResource,
    TargetDiskNetworkAccessOption, TargetDiskNetworkAccessSettings,
};

/// The restore scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreMode {
    /// Replace the disks of the existing VM (OriginalLocation).
    ReplaceExisting,
    /// Create a new VM (AlternateLocation).
    NewVm {
        /// The VM to create.
        vm: VirtualMachineId,
        /// Its subnet (the virtual network follows from it).
        subnet: SubnetId,
    },
    /// Restore disks and a template (RestoreDisks).
    Disks {
        /// The resource group of the disks.
        resource_group: ResourceGroupId,
        /// LUNs of the data disks to restore; all when `None`.
        luns: Option<Vec<i32>>,
    },
}

/// The identity Azure Backup uses to reach the staging account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityChoice {
    /// The vault's system-assigned identity.
    SystemAssigned,
    /// A user-assigned identity.
    UserAssigned(UserAssignedIdentityId),
}

/// Everything a restore asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSpec {
    /// The recovery point.
    pub point: RecoveryPointId,
    /// The backed-up VM.
    pub source_vm: VirtualMachineId,
    /// The scenario.
    pub mode: RestoreMode,
    /// Region of the restore (the vault's, or the secondary region for cross-region restore).
    pub region: String,
    /// The staging storage account.
    pub staging: StorageAccountId,
    /// The managed identity for the staging account, if one is used.
    pub identity: Option<IdentityChoice>,
    /// Customer-managed key for the restored disks.
    pub disk_encryption_set: Option<DiskEncryptionSetId>,
    /// Network access of the restored disks (with a disk access id for private access).
    pub disk_access: Option<(TargetDiskNetworkAccessOption, Option<String>)>,
    /// Target zone.
    pub zone: Option<String>,
    /// Rehydrate an archived point first: retention (ISO 8601, `P7D`) and priority.
    pub rehydration: Option<(String, RehydrationPriority)>,
}

impl RestoreSpec {
    /// Azure's restore request for this spec.
    pub fn request(&self) -> RestoreRequest {
        let (recovery_type, target_vm, target_group, vnet, subnet, luns) = match &self.mode {
            RestoreMode::ReplaceExisting => {
                (RecoveryType::OriginalLocation, None, None, None, None, None)
            }
            RestoreMode::NewVm { vm, subnet } => (
                RecoveryType::AlternateLocation,
                Some(vm.to_string()),
                Some(vm.resource_group.to_string()),
                Some(subnet.virtual_network.to_string()),
                Some(subnet.to_string()),
                None,
            ),
            RestoreMode::Disks {
                resource_group,
                luns,
            } => (
                RecoveryType::RestoreDisks,
                None,
                Some(resource_group.to_string()),
                None,
                None,
                luns.clone(),
            ),
        };
        let identity_info = self.identity.as_ref().map(|identity| match identity {
            IdentityChoice::SystemAssigned => IdentityInfo {
                is_system_assigned_identity: Some(true),
                managed_identity_resource_id: None,
            },
            IdentityChoice::UserAssigned(id) => IdentityInfo {
                is_system_assigned_identity: Some(false),
                managed_identity_resource_id: Some(id.to_string()),
            },
        });
        let restore = IaasVmRestoreRequest {
            recovery_point_id: Some(self.point.name().to_owned()),
            recovery_type: Some(recovery_type),
            source_resource_id: Some(self.source_vm.to_string()),
            target_virtual_machine_id: target_vm,
            target_resource_group_id: target_group,
            storage_account_id: Some(self.staging.to_string()),
            virtual_network_id: vnet,
            subnet_id: subnet,
            region: Some(self.region.clone()),
            create_new_cloud_service: Some(false),
            original_storage_account_option: Some(false),
            encryption_details: Some(EncryptionDetails {
                encryption_enabled: Some(false),
                ..Default::default()
            }),
            restore_disk_lun_list: luns,
            disk_encryption_set_id: self.disk_encryption_set.as_ref().map(ToString::to_string),
            zones: self.zone.clone().map(|zone| vec![zone]),
            identity_info,
            target_disk_network_access_settings: self.disk_access.as_ref().map(
                |(option, access)| TargetDiskNetworkAccessSettings {
                    target_disk_network_access_option: Some(option.clone()),
                    target_disk_access_id: access.clone(),
                },
            ),
            ..Default::default()
        };
        match &self.rehydration {
            None => RestoreRequest::IaasVm(Box::new(restore)),
            Some((retention, priority)) => RestoreRequest::IaasVmWithRehydration(Box::new(
                IaasVmRestoreWithRehydrationRequest {
                    restore,
                    recovery_point_rehydration_info: Some(RehydrationInfo {
                        rehydration_retention_duration: Some(retention.clone()),
                        rehydration_priority: Some(priority.clone()),
                    }),
                },
            )),
        }
    }

    /// The body of `Restores_Trigger`.
    pub fn body(&self) -> RestoreRequestResource {
        RestoreRequestResource {
            location: None,
            tags: None,
            e_tag: None,
            properties: self.request(),
        }
    }
}
