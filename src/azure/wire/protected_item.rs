//! Protected items (`ProtectedItemResource`): how a vault knows a VM. Only the
//! Azure VM subtype is modelled; other workloads are kept as raw JSON.

use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// A protected item as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtectedItemResource {
    /// Id, name (`vm;iaasvmcontainerv2;{rg};{vm}`), type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The item, by workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<ProtectedItem>,
}

/// A protected item's properties, by kind (`protectedItemType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "protectedItemType")]
pub enum ProtectedItem {
    /// An Azure Resource Manager VM (`AzureIaaSComputeVMProtectedItem`).
    #[serde(rename = "Microsoft.Compute/virtualMachines")]
    ComputeVm(Box<IaasVmProtectedItem>),
    /// Any other kind (classic VMs, databases, file shares), kept as sent.
    #[serde(untagged)]
    Other(serde_json::Value),
}

/// An Azure VM's protected item (`AzureIaaSVMProtectedItem` and its `ProtectedItem` base).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmProtectedItem {
    /// `AzureIaasVM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_management_type: Option<String>,
    /// `VM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_type: Option<String>,
    /// The container's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// ARM id of the backed-up VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_resource_id: Option<String>,
    /// ARM id of the backup policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    /// Time of the latest recovery point.
    #[serde(
        default,
        with = "super::time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_recovery_point: Option<jiff::Timestamp>,
    /// Whether the item is protected in the archive tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_archive_enabled: Option<bool>,
    /// The backup policy's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// ARM id of the vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_id: Option<String>,
    /// The VM's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// ARM id of the VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_machine_id: Option<String>,
    /// Backup status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_status: Option<String>,
    /// `Protected`, `ProtectionStopped`, `IRPending`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_state: Option<String>,
    /// Health of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_status: Option<String>,
    /// Outcome of the last backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_backup_status: Option<String>,
    /// Time of the last backup.
    #[serde(
        default,
        with = "super::time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_backup_time: Option<jiff::Timestamp>,
    /// Data id of the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected_item_data_id: Option<String>,
    /// Extended information (oldest point, point count), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_info: Option<serde_json::Value>,
}
