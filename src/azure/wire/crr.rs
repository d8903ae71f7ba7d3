//! Cross Region Restore bodies (CRR spec 2023-01-15): the secondary region's
//! Entra properties, a recovery point's access token and the restore request
//! that carries it.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;
use super::restore::RestoreRequest;
use crate::azure::secret::SecretText;

/// The answer of `AadProperties_Get`, sent back as the body of `RecoveryPoints_GetAccessToken`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AadPropertiesResource {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<AadProperties>,
}

/// The Entra application the secondary region trusts (`AADProperties`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AadProperties {
    /// Client id of the service principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_principal_client_id: Option<String>,
    /// Tenant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// Audience of the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Object id of the service principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_principal_object_id: Option<String>,
}

/// The answer of `RecoveryPoints_GetAccessToken`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrrAccessTokenResource {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The token and what it grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<CrrAccessToken>,
}

/// A cross-region access token, by kind (`objectType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "objectType")]
pub enum CrrAccessToken {
    /// The token of a VM or workload recovery point.
    #[serde(rename = "WorkloadCrrAccessToken")]
    Workload(Box<WorkloadCrrAccessToken>),
    /// Any other kind, kept as sent and passed back unchanged.
    #[serde(untagged)]
    Other(serde_json::Value),
}

/// A recovery point's cross-region access token (`WorkloadCrrAccessToken` and its `CrrAccessToken` base).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadCrrAccessToken {
    /// The token; a secret, redacted whenever printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_string: Option<SecretText>,
    /// Subscription of the source vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// Resource group of the source vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_name: Option<String>,
    /// Name of the source vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// ARM id of the source vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Protected item container id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_container_id: Option<i64>,
    /// The recovery point's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_id: Option<String>,
    /// The recovery point's time, as Azure formats it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_time: Option<String>,
    /// Container name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Container type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_type: Option<String>,
    /// Backup management type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_management_type: Option<String>,
    /// Data source type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource_type: Option<String>,
    /// Data source name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource_name: Option<String>,
    /// Data source id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource_id: Option<String>,
    /// Data source container name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource_container_name: Option<String>,
    /// Coordinator service stamp id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinator_service_stamp_id: Option<String>,
    /// Coordinator service stamp URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinator_service_stamp_uri: Option<String>,
    /// Protection service stamp id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_service_stamp_id: Option<String>,
    /// Protection service stamp URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_service_stamp_uri: Option<String>,
    /// Extended token information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_extended_information: Option<String>,
    /// Tier information of the point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_tier_information: Option<IndexMap<String, String>>,
    /// Original storage account option of the point.
    #[serde(
        default,
        rename = "rpOriginalSAOption",
        skip_serializing_if = "Option::is_none"
    )]
    pub rp_original_sa_option: Option<bool>,
    /// Whether the VM had managed disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_is_managed_virtual_machine: Option<bool>,
    /// The VM size.
    #[serde(
        default,
        rename = "rpVMSizeDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub rp_vm_size_description: Option<String>,
    /// Active region of the backup stamp.
    #[serde(
        default,
        rename = "bMSActiveRegion",
        skip_serializing_if = "Option::is_none"
    )]
    pub bms_active_region: Option<String>,
    /// Unique name of the protected object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protectable_object_unique_name: Option<String>,
    /// Friendly name of the protected object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protectable_object_friendly_name: Option<String>,
    /// Workload type of the protected object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protectable_object_workload_type: Option<String>,
    /// Protection state of the protected object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protectable_object_protection_state: Option<String>,
    /// Host OS of the protected object's container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protectable_object_container_host_os_name: Option<String>,
    /// Parent logical container of the protected object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protectable_object_parent_logical_container_name: Option<String>,
    /// Container id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
    /// Policy name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// Policy id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
}

/// The body of `CrossRegionRestore_Trigger`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossRegionRestoreRequest {
    /// The access token's properties, as `RecoveryPoints_GetAccessToken` returned them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_region_restore_access_details: Option<CrrAccessToken>,
    /// The restore request, with the secondary region and its staging resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_request: Option<RestoreRequest>,
}
