//! The vault's storage configuration (`BackupResourceConfigResource`): storage
//! redundancy and whether cross-region restore is enabled.

use serde::{Deserialize, Serialize};

use super::{ResourceMeta, open_string_enum};

/// A vault's storage configuration as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupResourceConfigResource {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<BackupResourceConfig>,
}

open_string_enum!(
    /// Storage redundancy of a vault (`StorageType`).
    StorageType {
        /// Not a type.
        Invalid = "Invalid",
        /// Geo-redundant: needed for cross-region restore.
        GeoRedundant = "GeoRedundant",
        /// Locally redundant.
        LocallyRedundant = "LocallyRedundant",
        /// Zone-redundant.
        ZoneRedundant = "ZoneRedundant",
        /// Read-access geo-zone-redundant.
        ReadAccessGeoZoneRedundant = "ReadAccessGeoZoneRedundant",
    }
);

/// A vault's storage configuration (`BackupResourceConfig`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupResourceConfig {
    /// Storage model type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_model_type: Option<StorageType>,
    /// Storage redundancy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<StorageType>,
    /// `Locked` once an item is registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type_state: Option<String>,
    /// Whether cross-region restore is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_region_restore_flag: Option<bool>,
    /// Dedup state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedup_state: Option<String>,
    /// X-cool state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xcool_state: Option<String>,
}
