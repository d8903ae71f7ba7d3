//! Restore requests (`RestoreRequestResource` with `IaasVMRestoreRequest` or
//! `IaasVMRestoreWithRehydrationRequest`), the body of `Restores_Trigger` and,
//! inside other envelopes, of cross-region restore and `ValidateOperation`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::open_string_enum;

/// The body of `Restores_Trigger`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreRequestResource {
    /// Region of the request resource (optional; Azure ignores it for VMs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Tags of the request resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<IndexMap<String, String>>,
    /// ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    /// The restore request.
    pub properties: RestoreRequest,
}

/// A restore request, by kind (`objectType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "objectType")]
pub enum RestoreRequest {
    /// Restore of an Azure VM from a point in the snapshot or vault tier.
    #[serde(rename = "IaasVMRestoreRequest")]
    IaasVm(Box<IaasVmRestoreRequest>),
    /// Restore of an Azure VM from an archived point, rehydrating it first.
    #[serde(rename = "IaasVMRestoreWithRehydrationRequest")]
    IaasVmWithRehydration(Box<IaasVmRestoreWithRehydrationRequest>),
}

impl RestoreRequest {
    /// The VM restore request, whichever kind this is.
    pub fn iaas_vm(&self) -> &IaasVmRestoreRequest {
        match self {
            RestoreRequest::IaasVm(request) => request,
            RestoreRequest::IaasVmWithRehydration(request) => &request.restore,
        }
    }
}

open_string_enum!(
    /// The restore scenario (`RecoveryType`).
    RecoveryType {
        /// Not a scenario.
        Invalid = "Invalid",
        /// Replace the disks of the existing VM.
        OriginalLocation = "OriginalLocation",
        /// Create a new VM.
        AlternateLocation = "AlternateLocation",
        /// Restore disks and produce a template.
        RestoreDisks = "RestoreDisks",
        /// Offline restore (other workloads).
        Offline = "Offline",
    }
);

open_string_enum!(
    /// Network access of restored disks (`TargetDiskNetworkAccessOption`).
    TargetDiskNetworkAccessOption {
        /// As on the source disks.
        SameAsOnSourceDisks = "SameAsOnSourceDisks",
        /// Private access through a disk access resource.
        EnablePrivateAccessForAllDisks = "EnablePrivateAccessForAllDisks",
        /// Public access.
        EnablePublicAccessForAllDisks = "EnablePublicAccessForAllDisks",
    }
);

open_string_enum!(
    /// How fast an archived point is rehydrated (`RehydrationPriority`).
    RehydrationPriority {
        /// Up to 48 hours.
        Standard = "Standard",
        /// Faster, dearer.
        High = "High",
    }
);

/// An Azure VM restore request (`IaasVMRestoreRequest`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmRestoreRequest {
    /// Resource guard operations for multi-user authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_guard_operation_requests: Option<Vec<String>>,
    /// The recovery point's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_id: Option<String>,
    /// The scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_type: Option<RecoveryType>,
    /// ARM id of the backed-up VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_resource_id: Option<String>,
    /// ARM id of the VM to create (new VM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_virtual_machine_id: Option<String>,
    /// ARM id of the resource group for the VM and disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_resource_group_id: Option<String>,
    /// ARM id of the staging storage account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_account_id: Option<String>,
    /// ARM id of the virtual network of the new VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_network_id: Option<String>,
    /// ARM id of the subnet of the new VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// Classic VMs only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_domain_name_id: Option<String>,
    /// Region of the restore (the vault's, or the secondary region for cross-region restore).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Classic VMs only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity_group: Option<String>,
    /// Classic VMs only (send `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_new_cloud_service: Option<bool>,
    /// Unmanaged VMs: restore to the original storage accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_storage_account_option: Option<bool>,
    /// Azure Disk Encryption details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_details: Option<EncryptionDetails>,
    /// LUNs of the disks to restore (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_disk_lun_list: Option<Vec<i32>>,
    /// Restore an unmanaged VM with managed disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_with_managed_disks: Option<bool>,
    /// ARM id of the disk encryption set for the restored disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_encryption_set_id: Option<String>,
    /// Target zone (cross-zonal restore).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
    /// The managed identity that reaches the staging storage account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_info: Option<IdentityInfo>,
    /// Restore through a managed identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_based_restore_details: Option<IdentityBasedRestoreDetails>,
    /// Edge zone target (none in the public cloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_location: Option<ExtendedLocation>,
    /// Confidential VMs: the OS disk's encryption set.
    #[serde(
        default,
        rename = "securedVMDetails",
        skip_serializing_if = "Option::is_none"
    )]
    pub secured_vm_details: Option<SecuredVmDetails>,
    /// Network access of the restored disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_disk_network_access_settings: Option<TargetDiskNetworkAccessSettings>,
}

/// A VM restore from an archived point (`IaasVMRestoreWithRehydrationRequest`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmRestoreWithRehydrationRequest {
    /// Everything a VM restore takes.
    #[serde(flatten)]
    pub restore: IaasVmRestoreRequest,
    /// How long and how fast to rehydrate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_rehydration_info: Option<RehydrationInfo>,
}

/// Rehydration of an archived point (`RecoveryPointRehydrationInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RehydrationInfo {
    /// How long to keep the rehydrated point, as an ISO 8601 duration (`P7D`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rehydration_retention_duration: Option<String>,
    /// How fast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rehydration_priority: Option<RehydrationPriority>,
}

/// Azure Disk Encryption details of a restore (`EncryptionDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionDetails {
    /// Whether the point is of an encrypted VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_enabled: Option<bool>,
    /// Key encryption key URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kek_url: Option<String>,
    /// Secret URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_url: Option<String>,
    /// Key vault of the KEK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kek_vault_id: Option<String>,
    /// Key vault of the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_vault_id: Option<String>,
}

/// The managed identity of a restore (`IdentityInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityInfo {
    /// The vault's system-assigned identity when true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_system_assigned_identity: Option<bool>,
    /// ARM id of the user-assigned identity otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_identity_resource_id: Option<String>,
}

/// Restore through a managed identity (`IdentityBasedRestoreDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityBasedRestoreDetails {
    /// The class type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_type: Option<String>,
    /// ARM id of the target storage account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_storage_account_id: Option<String>,
}

/// An extended (edge zone) location.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtendedLocation {
    /// The edge zone's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `EdgeZone`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Confidential VM restore details (`SecuredVMDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecuredVmDetails {
    /// The OS disk's disk encryption set.
    #[serde(
        default,
        rename = "securedVMOsDiskEncryptionSetId",
        skip_serializing_if = "Option::is_none"
    )]
    pub secured_vm_os_disk_encryption_set_id: Option<String>,
}

/// Network access of restored disks (`TargetDiskNetworkAccessSettings`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetDiskNetworkAccessSettings {
    /// The access option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_disk_network_access_option: Option<TargetDiskNetworkAccessOption>,
    /// ARM id of the disk access resource for private access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_disk_access_id: Option<String>,
}
