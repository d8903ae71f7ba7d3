//! The backup side of the inventory: Recovery Services vaults, the VMs they
//! protect, and each VM's recovery points with the tiers that hold them.

use super::{SecurityType, arm_id_name};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A Recovery Services vault.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryVault {
    /// The vault's ARM id.
    pub id: String,
    /// The vault's region.
    pub region: String,
    /// The region cross-region restore restores into; unknown when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paired_region: Option<String>,
    /// The vault's backup storage redundancy.
    #[serde(default)]
    pub storage_redundancy: StorageRedundancy,
    /// Whether cross-region restore is enabled on the vault.
    #[serde(default)]
    pub cross_region_restore: bool,
    /// Whether the vault allows restoring into another subscription.
    #[serde(default)]
    pub cross_subscription_restore: CrossSubscriptionRestore,
    /// The vault's soft-delete setting.
    #[serde(default)]
    pub soft_delete: SoftDelete,
    /// The VMs the vault protects.
    #[serde(default)]
    pub protected_items: Vec<ProtectedItem>,
}

impl InventoryVault {
    /// The vault's name: the last segment of its ARM id.
    pub fn name(&self) -> &str {
        arm_id_name(&self.id)
    }
}

schema_enum! {
    /// A vault's backup storage redundancy.
    StorageRedundancy {
        /// Locally redundant.
        Lrs = "LRS",
        /// Zone redundant.
        Zrs = "ZRS",
        /// Geo-redundant.
        Grs = "GRS",
        /// Read-access geo-redundant.
        RaGrs = "RA-GRS",
    }
    default Grs
}

impl StorageRedundancy {
    /// Whether the redundancy keeps a copy in the paired region, which
    /// cross-region restore restores from (the schema: `GRS` or `RA-GRS`).
    pub fn is_geo_redundant(self) -> bool {
        matches!(self, StorageRedundancy::Grs | StorageRedundancy::RaGrs)
    }
}

schema_enum! {
    /// Whether a vault allows restoring into another subscription.
    CrossSubscriptionRestore {
        /// Allowed.
        Enabled = "Enabled",
        /// Not allowed, but can be enabled again.
        Disabled = "Disabled",
        /// Not allowed, for good.
        PermanentlyDisabled = "PermanentlyDisabled",
    }
    default Enabled
}

schema_enum! {
    /// A vault's soft-delete setting.
    SoftDelete {
        /// On, and can be turned off.
        Enabled = "Enabled",
        /// Off.
        Disabled = "Disabled",
        /// On, and cannot be turned off.
        AlwaysOn = "AlwaysOn",
    }
    default Enabled
}

/// A VM protected by a vault, with its recovery points.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtectedItem {
    /// The item's name in the vault: `VM;<container type>;<resource group>;<VM name>`.
    pub name: String,
    /// The ARM id of the protected VM (which may no longer exist).
    pub vm: String,
    /// The backup policy's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The policy type as written (`Standard` or `Enhanced`); see [`ProtectedItem::policy_kind`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<String>,
    /// Days of snapshot-tier retention as written; see [`ProtectedItem::instant_restore_days`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instant_restore_retention_days: Option<u32>,
    /// The recovery points, newest first.
    #[serde(default)]
    pub recovery_points: Vec<RecoveryPoint>,
}

schema_enum! {
    /// A backup policy type.
    PolicyType {
        /// Daily backups, 1 to 5 days of instant restore.
        Standard = "Standard",
        /// Hourly backups, 1 to 30 days of instant restore; needed for Trusted Launch.
        Enhanced = "Enhanced",
    }
    default Standard
}

/// The schema's default for `instantRestoreRetentionDays`.
pub const DEFAULT_INSTANT_RESTORE_RETENTION_DAYS: u32 = 2;

impl ProtectedItem {
    /// The protected VM's name: the last segment of its ARM id.
    pub fn vm_name(&self) -> &str {
        arm_id_name(&self.vm)
    }

    /// The policy type, with the schema's default (`Standard`) when omitted.
    /// The schema only lets `Standard` and `Enhanced` through, so anything else
    /// cannot occur in a schema-valid inventory and reads as the default.
    pub fn policy_kind(&self) -> PolicyType {
        match self.policy_type.as_deref() {
            Some("Enhanced") => PolicyType::Enhanced,
            _ => PolicyType::Standard,
        }
    }

    /// Days of snapshot-tier retention, with the schema's default (2) when omitted.
    pub fn instant_restore_days(&self) -> u32 {
        self.instant_restore_retention_days
            .unwrap_or(DEFAULT_INSTANT_RESTORE_RETENTION_DAYS)
    }

    /// The recovery point with this id.
    pub fn recovery_point(&self, id: &str) -> Option<&RecoveryPoint> {
        self.recovery_points.iter().find(|point| point.id == id)
    }
}

/// One recovery point of a protected VM.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryPoint {
    /// The id Azure Backup lists for the point.
    pub id: String,
    /// When the point was taken.
    pub time: Timestamp,
    /// The consistency Azure Backup recorded.
    #[serde(default)]
    pub consistency: Consistency,
    /// The tiers that hold the point, and their state.
    pub tiers: Vec<TierInfo>,
    /// Whether the VM was encrypted with Azure Disk Encryption at backup time.
    #[serde(default)]
    pub encrypted: bool,
    /// Whether the VM used managed disks at backup time.
    #[serde(default = "super::yes")]
    pub managed: bool,
    /// The VM size at backup time; the VM's current size when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_size: Option<String>,
    /// The VM's security type at backup time (the schema's default is `Standard`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_type: Option<SecurityType>,
    /// The availability zones the VM was pinned to; empty when not zonal.
    #[serde(default)]
    pub zones: Vec<u8>,
    /// The disks captured in the point; empty also when the inventory does not say.
    #[serde(default)]
    pub disks: Vec<RecoveryPointDisk>,
    /// Whether the point is available in the vault's paired region.
    #[serde(default)]
    pub replicated_to_paired_region: bool,
    /// Whether the point belongs to a soft-deleted backup item.
    #[serde(default)]
    pub soft_deleted: bool,
    /// Whether a file-recovery mount is open against the point.
    #[serde(default)]
    pub ilr_session_active: bool,
    /// Whether any captured disk had private-endpoint network access.
    #[serde(default)]
    pub private_access_on_any_disk: bool,
}

impl RecoveryPoint {
    /// The tiers the point can be restored from at `at`: status `valid` or
    /// `rehydrated`, and not expired (see [`TierInfo::usable_at`]), in file order.
    pub fn valid_tiers(&self, at: Timestamp) -> impl Iterator<Item = TierKind> {
        self.tiers
            .iter()
            .filter(move |tier| tier.usable_at(at))
            .map(|tier| tier.kind)
    }

    /// Whether the point can be restored from `kind` at `at`.
    pub fn has_valid_tier(&self, kind: TierKind, at: Timestamp) -> bool {
        self.valid_tiers(at).any(|valid| valid == kind)
    }

    /// The data disks' LUNs, in file order.
    pub fn luns(&self) -> impl Iterator<Item = u8> {
        self.disks.iter().filter_map(|disk| disk.lun)
    }
}

schema_enum! {
    /// The consistency of a recovery point.
    Consistency {
        /// Taken with the applications quiesced (VSS or pre/post scripts).
        ApplicationConsistent = "ApplicationConsistent",
        /// Taken with the file systems quiesced.
        FileSystemConsistent = "FileSystemConsistent",
        /// Taken without quiescing: as after a power cut.
        CrashConsistent = "CrashConsistent",
    }
    default ApplicationConsistent
}

/// One storage tier of a recovery point and its state.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierInfo {
    /// The tier.
    #[serde(rename = "type")]
    pub kind: TierKind,
    /// The tier's state.
    pub status: TierStatus,
    /// When this tier of the point expires; unknown when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

impl TierInfo {
    /// Whether the point can be restored from this tier at `at`: its status is
    /// `valid` or `rehydrated`, and it has not expired. A tier expires at its
    /// `expiresAt` instant; one without `expiresAt` is taken not to expire.
    pub fn usable_at(&self, at: Timestamp) -> bool {
        matches!(self.status, TierStatus::Valid | TierStatus::Rehydrated)
            && self.expires_at.is_none_or(|expires| at < expires)
    }
}

schema_enum! {
    /// A recovery point tier.
    TierKind {
        /// The instant-restore snapshot (Azure's `InstantRP`).
        Snapshot = "snapshot",
        /// The vault copy (`HardenedRP`).
        Vault = "vault",
        /// The archive copy (`ArchivedRP`), which needs rehydration to restore.
        Archive = "archive",
    }
}

schema_enum! {
    /// The state of a recovery point's tier.
    TierStatus {
        /// Restorable.
        Valid = "valid",
        /// Expired or removed.
        Deleted = "deleted",
        /// An archived point brought back to the vault tier for a while.
        Rehydrated = "rehydrated",
        /// Disabled.
        Disabled = "disabled",
    }
}

/// A disk as captured in a recovery point.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryPointDisk {
    /// The data disk's LUN; absent for the OS disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lun: Option<u8>,
    /// The disk's name at backup time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The disk's size in GiB.
    #[serde(rename = "sizeGiB")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_gib: Option<u64>,
    /// Whether the disk is in the backup (selective disk backup can leave it out).
    #[serde(default = "super::yes")]
    pub included: bool,
}

impl RecoveryPointDisk {
    /// Whether this is the OS disk (the one without a LUN).
    pub fn is_os_disk(&self) -> bool {
        self.lun.is_none()
    }
}
