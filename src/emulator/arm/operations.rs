//! Long-running operations as ARM reports them: the status URL
//! (`Azure-AsyncOperation`, always 200 with an `OperationStatus`) and the
//! result URL (`Location`: 202 with `Retry-After` while running, then the
//! result or 204).

use super::call::{Call, ok};
use crate::azure::wire::operation::{
    OperationStatus, OperationStatusExtendedInfo, OperationStatusValue,
};
use crate::azure::wire::validate::{ValidateOperationResponse, ValidateOperationsResponse};
use crate::clock::Clock;
use crate::emulator::envelope::ArmError;
use crate::emulator::world::{OperationRecord, OperationResult};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

fn operation(call: &Call) -> Result<OperationRecord, ArmError> {
    let id = call.param("operationId")?;
    call.state.world().operation(id).cloned().ok_or_else(|| {
        ArmError::not_found(
            "OperationNotFound",
            format!("Operation '{id}' was not found."),
        )
    })
}

/// The status of an operation (item, vault, validation and CRR status URLs).
pub fn status(call: &Call) -> Result<Response, ArmError> {
    let record = operation(call)?;
    let done = record.ready_at <= call.state.time.now();
    let properties = done.then(|| match &record.result {
        OperationResult::Job(job) => Some(OperationStatusExtendedInfo::Job {
            job_id: Some(job.clone()),
        }),
        OperationResult::FileRecovery(target) => Some(OperationStatusExtendedInfo::ProvisionIlr {
            recovery_target: serde_json::from_value(target.clone()).ok(),
        }),
        OperationResult::Validation(results) => {
            Some(OperationStatusExtendedInfo::ValidateOperation {
                validate_operation_response: Some(ValidateOperationResponse {
                    validation_results: Some(results.clone()),
                }),
            })
        }
        OperationResult::Done => None,
    });
    let mut response = ok(&OperationStatus {
        id: Some(record.id.clone()),
        name: Some(record.id.clone()),
        status: Some(if done {
            OperationStatusValue::Succeeded
        } else {
            OperationStatusValue::InProgress
        }),
        start_time: Some(record.started),
        end_time: done.then_some(record.ready_at),
        error: None,
        properties: properties.flatten(),
    })?;
    if !done {
        let wait = record
            .ready_at
            .duration_since(call.state.time.now())
            .as_secs();
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(call.retry_after(wait)),
        );
    }
    Ok(response)
}

/// The result of an operation (item, vault, validation, CRR and job-cancel result URLs).
pub fn result(call: &Call) -> Result<Response, ArmError> {
    let record = operation(call)?;
    let now = call.state.time.now();
    if record.ready_at > now {
        let wait = record.ready_at.duration_since(now).as_secs();
        let mut response = StatusCode::ACCEPTED.into_response();
        let here = call.url(&current_path_and_query(call));
        if let Ok(location) = HeaderValue::from_str(&here) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(call.retry_after(wait)),
        );
        return Ok(response);
    }
    match (&record.result, call.operation.operation_id) {
        (OperationResult::Validation(results), "ValidateOperationResults_Get") => {
            ok(&ValidateOperationsResponse {
                validate_operation_response: Some(ValidateOperationResponse {
                    validation_results: Some(results.clone()),
                }),
            })
        }
        (_, "CrrOperationResults_Get") => Ok(StatusCode::OK.into_response()),
        _ => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

/// The path and query of the call itself, for a `Location` that polls again.
fn current_path_and_query(call: &Call) -> String {
    let mut path = call.operation.path_template.to_owned();
    for (name, value) in &call.params {
        path = path.replace(
            &format!("{{{name}}}"),
            &crate::azure::id::encode_segment(value),
        );
    }
    format!("{path}?api-version={}", call.operation.api_version)
}
