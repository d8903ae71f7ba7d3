//! The compute side of the inventory: virtual machines with their disks,
//! encryption, identities, image and network interfaces.

use super::arm_id_segment;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A virtual machine as it is now (or was, when `exists` is false).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachine {
    /// The VM's ARM id.
    pub id: String,
    /// The VM's name.
    pub name: String,
    /// The VM's region.
    pub region: String,
    /// The availability zone the VM is pinned to; not zonal when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<u8>,
    /// The operating system family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<Os>,
    /// The VM size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The compute quota family of the size, as in `quotas`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The number of vCPUs of the size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub v_cpus: Option<u64>,
    /// Whether the VM still exists (false: deleted since it was backed up).
    #[serde(default = "super::yes")]
    pub exists: bool,
    /// Whether the VM is generalized.
    #[serde(default)]
    pub generalized: bool,
    /// Whether this is an Azure Spot VM.
    #[serde(default)]
    pub spot: bool,
    /// The Azure Hybrid Benefit license type; no hybrid benefit when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_type: Option<String>,
    /// The OS disk and the data disks.
    #[serde(default)]
    pub disks: Vec<VmDisk>,
    /// How the disks are encrypted; an omitted `encryption` reads as all
    /// defaults (platform-managed keys only), which is what omitting it means.
    #[serde(default)]
    pub encryption: VmEncryption,
    /// The managed identities; an omitted `identity` reads as none.
    #[serde(default)]
    pub identity: VmIdentity,
    /// The image the VM was created from; unknown when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<VmImage>,
    /// The VM's security type.
    #[serde(default)]
    pub security_type: SecurityType,
    /// The availability set's ARM id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_set: Option<String>,
    /// The dedicated host's ARM id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dedicated_host: Option<String>,
    /// The proximity placement group's ARM id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proximity_placement_group: Option<String>,
    /// Whether the VM has diagnostic settings.
    #[serde(default)]
    pub diagnostic_settings: bool,
    /// The network interfaces, primary first.
    #[serde(default)]
    pub nics: Vec<Nic>,
    /// The VM's tags.
    #[serde(default)]
    pub tags: IndexMap<String, String>,
}

impl VirtualMachine {
    /// The subscription id from the VM's ARM id.
    pub fn subscription(&self) -> Option<&str> {
        arm_id_segment(&self.id, "subscriptions")
    }

    /// The resource group's name from the VM's ARM id.
    pub fn resource_group(&self) -> Option<&str> {
        arm_id_segment(&self.id, "resourceGroups")
    }

    /// The OS disk, if the inventory lists it.
    pub fn os_disk(&self) -> Option<&VmDisk> {
        self.disks.iter().find(|disk| disk.role == DiskRole::Os)
    }

    /// The data disks, in file order.
    pub fn data_disks(&self) -> impl Iterator<Item = &VmDisk> {
        self.disks.iter().filter(|disk| disk.role == DiskRole::Data)
    }
}

schema_enum! {
    /// An operating system family.
    Os {
        /// Windows.
        Windows = "windows",
        /// Linux.
        Linux = "linux",
    }
}

schema_enum! {
    /// A VM's security type.
    SecurityType {
        /// No secure boot or vTPM.
        Standard = "Standard",
        /// Secure boot and vTPM.
        TrustedLaunch = "TrustedLaunch",
        /// A confidential VM.
        ConfidentialVm = "ConfidentialVM",
    }
    default Standard
}

/// A disk attached to a VM.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VmDisk {
    /// The disk's name.
    pub name: String,
    /// The data disk's LUN; absent for the OS disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lun: Option<u8>,
    /// Whether this is the OS disk or a data disk.
    #[serde(default)]
    pub role: DiskRole,
    /// The disk's size in GiB.
    #[serde(rename = "sizeGiB")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_gib: Option<u64>,
    /// The disk's storage type.
    #[serde(rename = "type", default)]
    pub kind: DiskSku,
    /// Whether this is a managed disk (false: an unmanaged VHD).
    #[serde(default = "super::yes")]
    pub managed: bool,
    /// Whether Write Accelerator is enabled.
    #[serde(default)]
    pub write_accelerator: bool,
    /// Whether the disk is shared by more than one VM.
    #[serde(default)]
    pub shared: bool,
    /// For an unmanaged disk, the ARM id of the storage account holding the VHD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_account: Option<String>,
}

schema_enum! {
    /// Whether a disk is the OS disk or a data disk.
    DiskRole {
        /// The OS disk.
        Os = "os",
        /// A data disk.
        Data = "data",
    }
    default Data
}

schema_enum! {
    /// A managed disk's storage type.
    DiskSku {
        /// Standard HDD.
        StandardLrs = "Standard_LRS",
        /// Standard SSD, locally redundant.
        StandardSsdLrs = "StandardSSD_LRS",
        /// Standard SSD, zone redundant.
        StandardSsdZrs = "StandardSSD_ZRS",
        /// Premium SSD, locally redundant.
        PremiumLrs = "Premium_LRS",
        /// Premium SSD, zone redundant.
        PremiumZrs = "Premium_ZRS",
        /// Premium SSD v2.
        PremiumV2Lrs = "PremiumV2_LRS",
        /// Ultra Disk.
        UltraSsdLrs = "UltraSSD_LRS",
    }
    default PremiumLrs
}

/// How a VM's disks are encrypted; the default is platform-managed keys only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VmEncryption {
    /// Whether Azure Disk Encryption is enabled.
    #[serde(default)]
    pub ade: bool,
    /// With ADE, how the key encryption key is stored.
    #[serde(default)]
    pub ade_key_kind: AdeKeyKind,
    /// With ADE, whether it is single-pass ADE (rather than dual-pass).
    #[serde(default = "super::yes")]
    pub ade_single_pass: bool,
    /// Whether the managed disks use a customer-managed key.
    #[serde(default)]
    pub cmk: bool,
    /// The ARM id of the disk encryption set holding the customer-managed key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_encryption_set: Option<String>,
    /// Whether encryption at host is enabled.
    #[serde(default)]
    pub host_encryption: bool,
}

impl Default for VmEncryption {
    fn default() -> Self {
        // The schema's defaults, field by field.
        VmEncryption {
            ade: false,
            ade_key_kind: AdeKeyKind::default(),
            ade_single_pass: true,
            cmk: false,
            disk_encryption_set: None,
            host_encryption: false,
        }
    }
}

schema_enum! {
    /// Where ADE's key encryption key is stored.
    AdeKeyKind {
        /// A standalone Key Vault key.
        Key = "key",
        /// A key that belongs to a Key Vault certificate.
        Certificate = "certificate",
    }
    default Key
}

/// A VM's managed identities; the default is none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VmIdentity {
    /// Whether the VM has a system-assigned identity.
    #[serde(default)]
    pub system_assigned: bool,
    /// The ARM ids of the user-assigned identities.
    #[serde(default)]
    pub user_assigned: Vec<String>,
}

/// The image a VM was created from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VmImage {
    /// What kind of image.
    pub kind: ImageKind,
    /// The Marketplace publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The Marketplace offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// The Marketplace SKU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// The purchase plan of a third-party image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PurchasePlan>,
}

schema_enum! {
    /// What kind of image a VM was created from.
    ImageKind {
        /// An Azure Marketplace image.
        Marketplace = "marketplace",
        /// A managed image.
        Custom = "custom",
        /// An Azure Compute Gallery image.
        Gallery = "gallery",
        /// Created from existing disks.
        Specialized = "specialized",
    }
}

/// The Marketplace purchase plan of a third-party image.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasePlan {
    /// The plan's publisher.
    pub publisher: String,
    /// The plan's product (the offer).
    pub product: String,
    /// The plan's name (the SKU).
    pub name: String,
}

/// A network interface of a VM.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Nic {
    /// The NIC's ARM id.
    pub id: String,
    /// The ARM id of the subnet the NIC is attached to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    /// The primary private IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    /// Whether the private IP is static.
    #[serde(default)]
    pub static_private_ip: bool,
    /// Whether a public IP address is attached.
    #[serde(default)]
    pub public_ip: bool,
    /// Whether the NIC is in a load balancer backend pool.
    #[serde(default)]
    pub load_balancer: bool,
    /// Whether accelerated networking is enabled.
    #[serde(default)]
    pub accelerated_networking: bool,
}
