//! Long-running operation status (`OperationStatus`): what the
//! `Azure-AsyncOperation` URL of a restore, a file recovery provision, a
//! validation or a cross-region restore answers.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::ilr::InstantItemRecoveryTarget;
use super::open_string_enum;
use super::validate::ValidateOperationResponse;

/// The status of a long-running operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatus {
    /// The operation's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The operation's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where the operation is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OperationStatusValue>,
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
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<OperationStatusError>,
    /// What it produced, by kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<OperationStatusExtendedInfo>,
}

open_string_enum!(
    /// The state of an operation (`OperationStatusValues`).
    OperationStatusValue {
        /// Not a state.
        Invalid = "Invalid",
        /// Running.
        InProgress = "InProgress",
        /// Done.
        Succeeded = "Succeeded",
        /// Failed; see `error`.
        Failed = "Failed",
        /// Cancelled.
        Canceled = "Canceled",
    }
);

impl OperationStatusValue {
    /// Whether the operation has ended (an unknown state is not an end: keep polling until the deadline).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }
}

/// Why an operation failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatusError {
    /// Azure's error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What an operation produced (`OperationStatusExtendedInfo`, by `objectType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "objectType")]
pub enum OperationStatusExtendedInfo {
    /// The job the operation created (restores): where the restore's job id comes from.
    #[serde(rename = "OperationStatusJobExtendedInfo", rename_all = "camelCase")]
    Job {
        /// The job's id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        job_id: Option<String>,
    },
    /// The jobs the operation created.
    #[serde(rename = "OperationStatusJobsExtendedInfo", rename_all = "camelCase")]
    Jobs {
        /// The jobs' ids.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        job_ids: Option<Vec<String>>,
        /// Errors by job that could not be created.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failed_jobs_error: Option<IndexMap<String, String>>,
    },
    /// The file recovery target (mount scripts).
    #[serde(
        rename = "OperationStatusProvisionILRExtendedInfo",
        rename_all = "camelCase"
    )]
    ProvisionIlr {
        /// Where and how to mount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recovery_target: Option<InstantItemRecoveryTarget>,
    },
    /// The findings of an asynchronous validation.
    #[serde(
        rename = "OperationStatusValidateOperationExtendedInfo",
        rename_all = "camelCase"
    )]
    ValidateOperation {
        /// The findings.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        validate_operation_response: Option<ValidateOperationResponse>,
    },
    /// Anything else, kept as sent.
    #[serde(untagged)]
    Other(serde_json::Value),
}
