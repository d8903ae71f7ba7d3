//! Template deployments (`Microsoft.Resources/deployments`): how the template
//! of a disk restore becomes a VM.

use serde::{Deserialize, Serialize};

use super::error::ErrorBody;
use super::{ResourceMeta, open_string_enum};

/// The body of `Deployments_CreateOrUpdate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// What to deploy.
    pub properties: DeploymentProperties,
}

open_string_enum!(
    /// How a deployment treats resources not in the template.
    DeploymentMode {
        /// Leave them alone (the only safe mode for a restore).
        Incremental = "Incremental",
        /// Delete them.
        Complete = "Complete",
    }
);

/// What to deploy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentProperties {
    /// Incremental or complete.
    pub mode: DeploymentMode,
    /// The template itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<serde_json::Value>,
    /// Parameter values, as `{ "name": { "value": … } }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<serde_json::Value>,
}

/// A deployment as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentExtended {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Where the deployment is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<DeploymentPropertiesExtended>,
}

/// A deployment's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentPropertiesExtended {
    /// `Accepted`, `Running`, `Succeeded`, `Failed`, `Canceled`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// The correlation id of the deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Template outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<serde_json::Value>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}
