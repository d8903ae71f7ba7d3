//! Azure's own validation of a restore (`ValidateOperationRequestResource`,
//! `ValidateOperationsResponse`). In 2026-02-01 the body wraps the request with
//! the recovery point's id.

use serde::{Deserialize, Serialize};

use super::error::ErrorDetail;
use super::restore::RestoreRequest;

/// The body of `Operation_Validate` and `ValidateOperation_Trigger`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOperationRequestResource {
    /// The recovery point's ARM id.
    pub id: String,
    /// What to validate.
    pub properties: ValidateOperationRequest,
}

/// What to validate, by kind (`objectType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "objectType")]
pub enum ValidateOperationRequest {
    /// Validate an Azure VM restore.
    #[serde(
        rename = "ValidateIaasVMRestoreOperationRequest",
        rename_all = "camelCase"
    )]
    IaasVmRestore {
        /// The restore request to validate.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restore_request: Option<RestoreRequest>,
    },
    /// Validate a restore of any workload.
    #[serde(rename = "ValidateRestoreOperationRequest", rename_all = "camelCase")]
    Restore {
        /// The restore request to validate.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restore_request: Option<RestoreRequest>,
    },
}

/// The answer of `Operation_Validate`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOperationsResponse {
    /// The findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_operation_response: Option<ValidateOperationResponse>,
}

/// Validation findings (`ValidateOperationResponse`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOperationResponse {
    /// One entry per problem; empty when the restore would be accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_results: Option<Vec<ErrorDetail>>,
}
