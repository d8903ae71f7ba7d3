//! Azure's own validation of a restore (`Operation_Validate` and its
//! asynchronous twin): the rules the trigger applies, without starting a job.

use super::call::{Call, OPERATION_SECONDS, accepted, invalid_id, ok};
use super::restore::{add_operation, plan_job};
use crate::azure::api;
use crate::azure::id::{RecoveryPointId, VaultId};
use crate::azure::wire::error::ErrorDetail;
use crate::azure::wire::validate::{
    ValidateOperationRequest, ValidateOperationRequestResource, ValidateOperationResponse,
    ValidateOperationsResponse,
};
use crate::clock::Clock;
use crate::emulator::envelope::ArmError;
use crate::emulator::world::OperationResult;
use axum::response::Response;

/// `Operation_Validate`: Azure's rules applied to a restore, without starting it.
pub fn validate(call: &Call) -> Result<Response, ArmError> {
    let results = validation(call)?;
    ok(&ValidateOperationsResponse {
        validate_operation_response: Some(ValidateOperationResponse {
            validation_results: Some(results),
        }),
    })
}

/// `ValidateOperation_Trigger`: the same, as a long-running operation.
pub fn validate_async(call: &Call) -> Result<Response, ArmError> {
    let vault = call.vault_id()?;
    let results = validation(call)?;
    let operation = {
        let mut world = call.state.world();
        add_operation(
            &mut world,
            call.state.time.now(),
            OperationResult::Validation(results),
        )
    };
    let status = api::validate_operation_status(&vault, &operation).path_and_query();
    let result = api::validate_operation_result(&vault, &operation).path_and_query();
    accepted(
        &call.url(&status),
        &call.url(&result),
        call.retry_after(OPERATION_SECONDS),
    )
}

/// The findings of a validation: none, or the first rule the restore breaks.
fn validation(call: &Call) -> Result<Vec<ErrorDetail>, ArmError> {
    let vault: VaultId = call.vault_id()?;
    let body: ValidateOperationRequestResource = call.json()?;
    let point: RecoveryPointId = body.id.parse().map_err(|e| invalid_id(&e))?;
    if point.item.vault != vault {
        return Err(ArmError::bad_request(
            "UserErrorVaultMismatch",
            "The recovery point is not in the vault of the path.",
        ));
    }
    let request = match &body.properties {
        ValidateOperationRequest::IaasVmRestore { restore_request }
        | ValidateOperationRequest::Restore { restore_request } => restore_request,
    }
    .as_ref()
    .ok_or_else(|| {
        ArmError::bad_request(
            "InvalidRequestContent",
            "The validation request has no restoreRequest.",
        )
    })?;
    let now = call.state.time.now();
    let world = call.state.world();
    Ok(
        match plan_job(call, &world, &point.item, point.name(), request, false, now) {
            Ok(_) => Vec::new(),
            Err(error)
                if error.status.is_client_error()
                    && error.status != axum::http::StatusCode::NOT_FOUND =>
            {
                vec![ErrorDetail {
                    code: Some(error.code),
                    message: Some(error.message),
                    recommendations: None,
                }]
            }
            Err(error) => return Err(error),
        },
    )
}
