//! Virtual machines and compute quota usages: the facts of a VM a restore
//! depends on (size, zone, disks, encryption, identities, security type).
//! Only what restoreplan reads is typed; the rest of ARM's VM is tolerated.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// A virtual machine as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachine {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The zone the VM is pinned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
    /// Managed identities of the VM, kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<VirtualMachineIdentity>,
    /// The Marketplace purchase plan of a third-party image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PurchasePlan>,
    /// The VM's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<VirtualMachineProperties>,
}

/// The Marketplace purchase plan of a VM (`Plan`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasePlan {
    /// The plan (SKU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

/// A reference to another resource by id (`SubResource`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubResource {
    /// The resource's ARM id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Managed identities of a VM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachineIdentity {
    /// `SystemAssigned`, `UserAssigned`, both, or `None`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// User-assigned identities by ARM id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_assigned_identities: Option<IndexMap<String, serde_json::Value>>,
}

/// The properties of a VM that restoreplan reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachineProperties {
    /// The size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_profile: Option<HardwareProfile>,
    /// Image and disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_profile: Option<StorageProfile>,
    /// Security type (trusted launch, confidential VM) and encryption at host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_profile: Option<serde_json::Value>,
    /// Network interfaces, kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_profile: Option<serde_json::Value>,
    /// `Succeeded`, `Creating`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// Azure Hybrid Benefit (`Windows_Server`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_type: Option<String>,
    /// `Regular`, `Low` or `Spot`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The availability set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_set: Option<SubResource>,
    /// The proximity placement group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proximity_placement_group: Option<SubResource>,
    /// The dedicated host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<SubResource>,
    /// The instance view (in a list with `statusOnly=true`): power and OS state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_view: Option<InstanceView>,
}

/// A VM's instance view, of which restoreplan reads the statuses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    /// `PowerState/running`, `OSState/generalized`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<InstanceViewStatus>>,
}

impl InstanceView {
    /// Whether a status says the OS is generalized (sysprepped or deprovisioned).
    pub fn generalized(&self) -> bool {
        self.statuses
            .iter()
            .flatten()
            .filter_map(|s| s.code.as_deref())
            .any(|code| code.eq_ignore_ascii_case("OSState/generalized"))
    }
}

/// One status of an instance view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceViewStatus {
    /// The status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// The size of a VM.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HardwareProfile {
    /// `Standard_D4s_v5`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_size: Option<String>,
}

/// Image and disks of a VM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageProfile {
    /// The image reference, kept as sent (marketplace, gallery or custom).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_reference: Option<serde_json::Value>,
    /// The OS disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_disk: Option<Disk>,
    /// The data disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_disks: Option<Vec<Disk>>,
}

/// A disk of a VM (OS or data).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Disk {
    /// The LUN (data disks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lun: Option<i32>,
    /// The disk's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Windows` or `Linux` (OS disk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<String>,
    /// Size in GiB.
    #[serde(
        default,
        rename = "diskSizeGB",
        skip_serializing_if = "Option::is_none"
    )]
    pub disk_size_gb: Option<i64>,
    /// The managed disk, absent for unmanaged (VHD) disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_disk: Option<serde_json::Value>,
    /// The VHD of an unmanaged disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vhd: Option<serde_json::Value>,
    /// Azure Disk Encryption settings (OS disk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_settings: Option<serde_json::Value>,
    /// How the disk was made: `FromImage`, `Attach` (a specialized VM), `Empty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_option: Option<String>,
    /// Whether Write Accelerator is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_accelerator_enabled: Option<bool>,
}

/// One compute quota of a region (`Usage`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// `Count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Quota used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_value: Option<i64>,
    /// Quota granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Which quota (`standardDSv5Family`, `cores`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<UsageName>,
}

/// The name of a quota.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageName {
    /// Machine name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized_value: Option<String>,
}

/// A VM extension, as sent to and returned by ARM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachineExtension {
    /// Id, name, type, location, tags.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The extension's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<VirtualMachineExtensionProperties>,
}

/// The properties of a VM extension that restoreplan sets and reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachineExtensionProperties {
    /// `Microsoft.Azure.Security`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// `AzureDiskEncryptionForLinux`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The handler version (`1.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_handler_version: Option<String>,
    /// Take minor versions automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_upgrade_minor_version: Option<bool>,
    /// Public settings (for ADE: key vault URLs and ids, never a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<serde_json::Value>,
    /// `Succeeded`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
}
