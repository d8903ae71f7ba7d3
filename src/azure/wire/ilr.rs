//! Item-level (file) recovery: the provision request (`ILRRequestResource`
//! with `IaasVMILRRegistrationRequest`) and the mount scripts it yields.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The body of `ItemLevelRecoveryConnections_Provision`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IlrRequestResource {
    /// Region of the request resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Tags of the request resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<IndexMap<String, String>>,
    /// ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    /// The provision request.
    pub properties: IlrRequest,
}

/// A file recovery request, by kind (`objectType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "objectType")]
pub enum IlrRequest {
    /// Mount an Azure VM's recovery point over iSCSI.
    #[serde(rename = "IaasVMILRRegistrationRequest", rename_all = "camelCase")]
    IaasVmRegistration {
        /// The recovery point's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recovery_point_id: Option<String>,
        /// ARM id of the VM whose files are recovered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        virtual_machine_id: Option<String>,
        /// iSCSI initiator name of the machine that mounts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        initiator_name: Option<String>,
        /// Renew an existing registration.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        renew_existing_registration: Option<bool>,
    },
}

/// Where and how to mount a recovery point (`InstantItemRecoveryTarget`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstantItemRecoveryTarget {
    /// One script per operating system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_scripts: Option<Vec<ClientScriptForConnect>>,
}

/// A mount script (`ClientScriptForConnect`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientScriptForConnect {
    /// The script itself (unless `url` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_content: Option<String>,
    /// `.ps1`, `.sh`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_extension: Option<String>,
    /// `Windows` or `Linux`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<String>,
    /// Where to download the script from instead of `scriptContent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Suffix Azure requires on the saved script's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_name_suffix: Option<String>,
}
