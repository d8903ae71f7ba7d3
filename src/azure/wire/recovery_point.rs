//! Recovery points (`RecoveryPointResource`, `IaasVMRecoveryPoint`), including
//! the tier details whose `type`/`status` older api-versions sent as integers.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// A recovery point as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryPointResource {
    /// Id, name (the recovery point id), type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The workload-specific properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<RecoveryPoint>,
}

/// A recovery point's properties, by workload (`objectType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "objectType")]
pub enum RecoveryPoint {
    /// An Azure VM's recovery point.
    #[serde(rename = "IaasVMRecoveryPoint")]
    IaasVm(Box<IaasVmRecoveryPoint>),
    /// Any other workload, kept as sent.
    #[serde(untagged)]
    Other(serde_json::Value),
}

/// An Azure VM's recovery point.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmRecoveryPoint {
    /// Consistency: `AppConsistent`, `CrashConsistent`, `FileSystemConsistent`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_type: Option<String>,
    /// When the point was taken.
    #[serde(
        default,
        with = "super::time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub recovery_point_time: Option<jiff::Timestamp>,
    /// Free-form additional information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_additional_info: Option<String>,
    /// Storage type of the source VM (`NormalStorage`, `PremiumVMOnPremiumStorage`).
    #[serde(
        default,
        rename = "sourceVMStorageType",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_vm_storage_type: Option<String>,
    /// Whether the VM was encrypted with Azure Disk Encryption at backup time.
    #[serde(
        default,
        rename = "isSourceVMEncrypted",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_source_vm_encrypted: Option<bool>,
    /// Key and secret of an encrypted VM (kept as sent; only passed back to Azure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_and_secret: Option<serde_json::Value>,
    /// Whether a file recovery session is open on this point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_instant_ilr_session_active: Option<bool>,
    /// Which tiers hold the point, and in what state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_tier_details: Option<Vec<TierInformation>>,
    /// Whether the VM had managed disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_managed_virtual_machine: Option<bool>,
    /// The VM size at backup time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_machine_size: Option<String>,
    /// Unmanaged VMs: whether the original storage accounts may be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_storage_account_option: Option<bool>,
    /// `Windows` or `Linux`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<String>,
    /// Which disks (by LUN) the point holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_disk_configuration: Option<DiskConfiguration>,
    /// The VM's zone at backup time (zone-pinned VMs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
    /// Eligibility to move to another tier, by move kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_move_readiness_info: Option<IndexMap<String, MoveReadiness>>,
    /// Disk security type (trusted launch, confidential VM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_type: Option<String>,
    /// Expiry, policy rule and soft-delete state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_properties: Option<RecoveryPointProperties>,
    /// Whether any disk used private network access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_private_access_enabled_on_any_disk: Option<bool>,
    /// Edge zone of the VM (none in the public cloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_location: Option<super::restore::ExtendedLocation>,
}

/// The disks a recovery point holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiskConfiguration {
    /// Disks included in the backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_disks_included_in_backup: Option<i32>,
    /// Disks attached to the VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_disks_attached_to_vm: Option<i32>,
    /// The included disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub included_disk_list: Option<Vec<DiskInformation>>,
    /// The excluded disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_disk_list: Option<Vec<DiskInformation>>,
}

/// One disk of a recovery point.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiskInformation {
    /// The disk's LUN (what `restoreDiskLunList` takes; the OS disk is -1 in some answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lun: Option<i32>,
    /// The disk's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Whether a point may move to another tier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveReadiness {
    /// Ready to move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_ready_for_move: Option<bool>,
    /// Why not, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<String>,
}

/// Expiry and lifecycle of a recovery point.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryPointProperties {
    /// Expiry time in UTC, as Azure formats it (not always RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<String>,
    /// Policy rule that governs the point's lifecycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
    /// Whether the point is soft-deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_soft_deleted: Option<bool>,
}

/// One tier of a recovery point (`RecoveryPointTierInformationV2`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TierInformation {
    /// The tier.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub tier: Option<TierType>,
    /// The state of the point in that tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TierStatus>,
    /// Extra tier information (rehydration expiry and the like).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_info: Option<IndexMap<String, String>>,
}

/// Declares an enum read from Azure's string or from the integer older api-versions sent.
macro_rules! string_or_int_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $number:literal, $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version of restoreplan does not know (as text, or the integer's digits).
            Other(String),
        }

        impl $name {
            /// The value as the current api-version spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum Raw<'a> {
                    Number(i64),
                    Text(std::borrow::Cow<'a, str>),
                }
                Ok(match Raw::deserialize(deserializer)? {
                    $(Raw::Number($number) => Self::$variant,)+
                    Raw::Number(other) => Self::Other(other.to_string()),
                    $(Raw::Text(text) if text.eq_ignore_ascii_case($text) => Self::$variant,)+
                    Raw::Text(text) => Self::Other(text.into_owned()),
                })
            }
        }
    };
}

string_or_int_enum!(
    /// A recovery point tier (`RecoveryPointTierType`).
    TierType {
        /// Not a tier.
        Invalid = 0, "Invalid",
        /// The snapshot tier.
        InstantRp = 1, "InstantRP",
        /// The vault (standard) tier.
        HardenedRp = 2, "HardenedRP",
        /// The archive tier.
        ArchivedRp = 3, "ArchivedRP",
    }
);

string_or_int_enum!(
    /// The state of a point in a tier (`RecoveryPointTierStatus`).
    TierStatus {
        /// Not a state.
        Invalid = 0, "Invalid",
        /// Usable for restore.
        Valid = 1, "Valid",
        /// Not usable.
        Disabled = 2, "Disabled",
        /// Gone.
        Deleted = 3, "Deleted",
        /// Temporarily back from the archive.
        Rehydrated = 4, "Rehydrated",
    }
);
