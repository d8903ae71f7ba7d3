//! Backup jobs (`JobResource` with `AzureIaaSVMJob`): the restore itself runs
//! as a job; its tasks give progress, its `errorDetails` the reason of a
//! failure and its property bag the restored template's blob.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{ResourceMeta, open_string_enum};

/// The property bag key of the template a disk restore produces.
pub const TEMPLATE_BLOB_URI: &str = "Template Blob Uri";

/// A job as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobResource {
    /// Id, name (the job id), type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The job, by workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Job>,
}

/// A job's properties, by workload (`jobType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "jobType")]
pub enum Job {
    /// An Azure VM job.
    #[serde(rename = "AzureIaaSVMJob")]
    IaasVm(Box<IaasVmJob>),
    /// An Azure VM job in its second shape (same fields for our purposes).
    #[serde(rename = "AzureIaaSVMJobV2")]
    IaasVmV2(Box<IaasVmJob>),
    /// Any other workload, kept as sent.
    #[serde(untagged)]
    Other(serde_json::Value),
}

impl Job {
    /// The VM job, when this is one.
    pub fn iaas_vm(&self) -> Option<&IaasVmJob> {
        match self {
            Job::IaasVm(job) | Job::IaasVmV2(job) => Some(job),
            Job::Other(_) => None,
        }
    }
}

open_string_enum!(
    /// The state of a job (`JobStatus`).
    JobStatus {
        /// Not a state.
        Invalid = "Invalid",
        /// Running.
        InProgress = "InProgress",
        /// Done.
        Completed = "Completed",
        /// Failed; see `errorDetails`.
        Failed = "Failed",
        /// Done, with warnings.
        CompletedWithWarnings = "CompletedWithWarnings",
        /// Cancelled.
        Cancelled = "Cancelled",
        /// Being cancelled.
        Cancelling = "Cancelling",
    }
);

impl JobStatus {
    /// Whether the job has ended (an unknown state is not an end: keep following until the deadline).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::CompletedWithWarnings | Self::Cancelled
        )
    }
}

/// An Azure VM job (`AzureIaaSVMJob`, `AzureIaaSVMJobV2`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmJob {
    /// The VM's friendly name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_friendly_name: Option<String>,
    /// `AzureIaasVM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_management_type: Option<String>,
    /// `Restore`, `CrossRegionRestore`, `Backup`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Where the job is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
    /// When it started.
    #[serde(
        default,
        with = "super::time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<jiff::Timestamp>,
    /// When it ended.
    #[serde(
        default,
        with = "super::time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<jiff::Timestamp>,
    /// Azure's activity id (give it to support).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_id: Option<String>,
    /// Time elapsed, as an ISO 8601 or .NET duration string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// What may be done to the job (`Cancellable`, `Retriable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions_info: Option<Vec<String>>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_details: Option<Vec<IaasVmErrorInfo>>,
    /// Classic or Azure Resource Manager VM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_machine_version: Option<String>,
    /// Tasks, progress and the property bag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_info: Option<IaasVmJobExtendedInfo>,
    /// The protection container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Whether a user started the job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_user_triggered: Option<bool>,
}

/// Why a VM job failed (`AzureIaaSVMErrorInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmErrorInfo {
    /// Azure Backup's numeric error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    /// The entity the error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_title: Option<String>,
    /// The localized message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_string: Option<String>,
    /// What to do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendations: Option<Vec<String>>,
}

/// A VM job's tasks, progress and properties (`AzureIaaSVMJobExtendedInfo`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmJobExtendedInfo {
    /// The job's tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks_list: Option<Vec<IaasVmJobTask>>,
    /// Job properties (`Template Blob Uri`, `Target resource group`…; note Azure's exact keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_bag: Option<IndexMap<String, String>>,
    /// Internal properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_property_bag: Option<IndexMap<String, String>>,
    /// Overall progress in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_percentage: Option<f64>,
    /// Time remaining, as Azure formats it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_remaining_duration: Option<String>,
    /// A non-localized error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_error_message: Option<String>,
}

/// One task of a VM job (`AzureIaaSVMJobTaskDetails`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IaasVmJobTask {
    /// The task's display name (`Transfer data from vault`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// When it started.
    #[serde(
        default,
        with = "super::time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<jiff::Timestamp>,
    /// When it ended.
    #[serde(
        default,
        with = "super::time::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<jiff::Timestamp>,
    /// The instance id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Time elapsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// The task's state (same values as the job's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
    /// Progress in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_percentage: Option<f64>,
    /// Details such as bytes transferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_execution_details: Option<String>,
}

/// The body of `BackupCrrJobDetails_Get` and `BackupCrrJobs_List` (`CrrJobRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrrJobRequest {
    /// ARM id of the vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The job id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
}
