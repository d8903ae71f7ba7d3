//! The estate around the backups as ARM lists it: vaults with their
//! settings, backup policies, storage accounts, resource groups and their
//! resources, compute SKUs, subscriptions and regions. Only what discovery
//! reads is typed; the rest of each resource is tolerated.

use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// A Recovery Services vault (`Vault`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vault {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The vault's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<VaultProperties>,
}

/// The settings of a vault that decide what a restore may do.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultProperties {
    /// Cross-subscription restore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_settings: Option<RestoreSettings>,
    /// Soft delete (and immutability, kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_settings: Option<SecuritySettings>,
    /// `Succeeded`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
}

/// `RestoreSettings` of a vault.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreSettings {
    /// Whether restores may go to another subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_subscription_restore_settings: Option<CrossSubscriptionRestoreSettings>,
}

/// `CrossSubscriptionRestoreSettings` of a vault.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossSubscriptionRestoreSettings {
    /// `Enabled`, `Disabled` or `PermanentlyDisabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_subscription_restore_state: Option<String>,
}

/// `SecuritySettings` of a vault.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecuritySettings {
    /// Soft delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete_settings: Option<SoftDeleteSettings>,
}

/// `SoftDeleteSettings` of a vault.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftDeleteSettings {
    /// `Enabled`, `Disabled`, `AlwaysON` (Azure's spelling) or `Invalid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete_state: Option<String>,
}

/// A backup policy (`ProtectionPolicyResource`), Azure VM policies typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtectionPolicyResource {
    /// Id, name, type.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<VmProtectionPolicy>,
}

/// The parts of an `AzureIaaSVMProtectionPolicy` a restore depends on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmProtectionPolicy {
    /// `AzureIaasVM` for VM policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_management_type: Option<String>,
    /// `V1` (Standard) or `V2` (Enhanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<String>,
    /// Days a point stays in the snapshot tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instant_rp_retention_range_in_days: Option<u32>,
}

/// A storage account (`StorageAccount`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageAccount {
    /// Id, name, type, location, tags.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// `StorageV2`, `BlobStorage`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<Sku>,
    /// Network access and namespace settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<StorageAccountProperties>,
}

/// A SKU by name (`Standard_LRS`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sku {
    /// The SKU's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The properties of a storage account a staging account depends on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageAccountProperties {
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access: Option<String>,
    /// Whether shared keys (and SAS) are allowed; Azure treats absent as allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_shared_key_access: Option<bool>,
    /// Hierarchical namespace (Data Lake Storage Gen2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_hns_enabled: Option<bool>,
    /// The firewall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acls: Option<NetworkAcls>,
}

/// A storage firewall.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkAcls {
    /// `Allow` or `Deny`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<String>,
}

/// Any resource as a list of resources shows it: id, name, type, location.
pub type GenericResource = ResourceMeta;

/// A compute SKU (`ResourceSku`): a VM size with its family and capabilities.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSku {
    /// `virtualMachines`, `disks`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The size (`Standard_D4s_v5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The quota family (`standardDSv5Family`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The regions the SKU is offered in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<String>>,
    /// Capabilities by name (`vCPUs`…), values as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<SkuCapability>>,
}

impl ResourceSku {
    /// A capability's value by name.
    pub fn capability(&self, name: &str) -> Option<&str> {
        self.capabilities
            .as_deref()?
            .iter()
            .find(|c| c.name.as_deref() == Some(name))?
            .value
            .as_deref()
    }
}

/// One capability of a SKU.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuCapability {
    /// The capability's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its value, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A subscription (`Subscription`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// `/subscriptions/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The subscription's GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The Entra tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
}

/// A region of a subscription (`Location`), with its pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The region's name (`westeurope`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Metadata, with the paired region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<LocationMetadata>,
}

/// `LocationMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationMetadata {
    /// The paired regions (one in practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paired_region: Option<Vec<PairedRegion>>,
}

/// `PairedRegion`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PairedRegion {
    /// The region's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
