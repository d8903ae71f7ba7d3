//! Template deployments (`Microsoft.Resources/deployments`): the template of
//! a disk restore deployed into a resource group creates its VM when the
//! deployment ends.

use super::call::{Call, ok};
use super::resources::group_id;
use crate::azure::wire::ResourceMeta;
use crate::azure::wire::deployment::{
    Deployment, DeploymentExtended, DeploymentPropertiesExtended,
};
use crate::azure::wire::error::ErrorBody;
use crate::clock::Clock;
use crate::emulator::envelope::ArmError;
use crate::emulator::world::{DeploymentRecord, TemplateVm};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use serde_json::json;

fn deployment_id(call: &Call) -> Result<String, ArmError> {
    let group = group_id(call)?;
    let name = call.param("deploymentName")?;
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'));
    if !valid {
        return Err(ArmError::bad_request(
            "InvalidDeploymentName",
            format!("The deployment name '{name}' is not valid."),
        ));
    }
    Ok(format!(
        "{group}/providers/Microsoft.Resources/deployments/{name}"
    ))
}

fn wire_deployment(record: &DeploymentRecord, now: jiff::Timestamp) -> DeploymentExtended {
    let (state, error) = match (&record.outcome, record.ready_at <= now) {
        (Some(Ok(())), _) => ("Succeeded", None),
        (Some(Err((code, message))), _) => (
            "Failed",
            Some(ErrorBody {
                code: Some(code.clone()),
                message: Some(message.clone()),
                ..ErrorBody::default()
            }),
        ),
        (None, _) => ("Running", None),
    };
    DeploymentExtended {
        meta: ResourceMeta {
            id: Some(record.id.clone()),
            name: Some(crate::model::arm_id_name(&record.id).to_owned()),
            kind: Some("Microsoft.Resources/deployments".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(DeploymentPropertiesExtended {
            provisioning_state: Some(state.to_owned()),
            correlation_id: Some(record.id.rsplit('/').next().unwrap_or_default().to_owned()),
            outputs: (state == "Succeeded")
                .then(|| json!({ "vmId": { "type": "String", "value": record.vm.vm_id } })),
            error,
        }),
    }
}

/// `Deployments_CreateOrUpdate`: accepts the template of a disk restore; the
/// VM appears when the deployment ends.
pub fn create(call: &Call) -> Result<Response, ArmError> {
    let id = deployment_id(call)?;
    let group = group_id(call)?;
    let body: Deployment = call.json()?;
    let template = body.properties.template.as_ref().ok_or_else(|| {
        ArmError::bad_request("InvalidTemplate", "The deployment has no inline template.")
    })?;
    let parameters = body.properties.parameters.clone().unwrap_or_default();
    let vm = TemplateVm::read(&group.to_string(), template, &parameters)
        .map_err(|(code, message)| ArmError::bad_request(&code, message))?;
    let now = call.state.time.now();
    let create = i64::try_from(call.state.settings.vm_create_time.as_secs()).unwrap_or(i64::MAX);
    let mut world = call.state.world();
    if world
        .deployments
        .iter()
        .any(|d| d.id.eq_ignore_ascii_case(&id) && d.outcome.is_none())
    {
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "DeploymentActive",
            format!(
                "Deployment '{}' is still running.",
                crate::model::arm_id_name(&id)
            ),
        ));
    }
    world
        .deployments
        .retain(|d| !d.id.eq_ignore_ascii_case(&id));
    let record = DeploymentRecord {
        id: id.clone(),
        started: now,
        ready_at: now
            .checked_add(SignedDuration::from_secs(create))
            .unwrap_or(now),
        vm,
        outcome: None,
    };
    let answer = wire_deployment(&record, now);
    world.record(
        now,
        "deployment-started",
        &id,
        format!("creates {}", record.vm.vm_id),
    );
    world.deployments.push(record);
    let mut response = (
        StatusCode::CREATED,
        axum::Json(serde_json::to_value(answer).unwrap_or_default()),
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(call.retry_after(create.min(60))),
    );
    Ok(response)
}

/// `Deployments_Get`.
pub fn get(call: &Call) -> Result<Response, ArmError> {
    let id = deployment_id(call)?;
    let world = call.state.world();
    let record = world
        .deployments
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(&id))
        .ok_or_else(|| {
            ArmError::not_found(
                "DeploymentNotFound",
                format!(
                    "Deployment '{}' could not be found.",
                    crate::model::arm_id_name(&id)
                ),
            )
        })?;
    ok(&wire_deployment(record, call.state.time.now()))
}
