//! `then: deploy-template`: the template a disk restore leaves in the staging
//! account becomes a VM through a resource group deployment. Also Azure's own
//! validation of a restore request.

use super::Backup;
use crate::azure::api;
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{RecoveryPointId, ResourceGroupId, VaultId};
use crate::azure::lro;
use crate::azure::wire::deployment::{
    Deployment, DeploymentExtended, DeploymentMode, DeploymentProperties,
};
use crate::azure::wire::error::ErrorBody;
use crate::azure::wire::job::{Job, JobResource, TEMPLATE_BLOB_URI};
use crate::azure::wire::restore::RestoreRequest;
use crate::azure::wire::validate::{
    ValidateOperationRequest, ValidateOperationRequestResource, ValidateOperationsResponse,
};

impl Backup {
    /// Deploys the template of a finished disk restore job into `group` as deployment `name`,
    /// with `parameters` (`{ "name": { "value": … } }`), and follows it to its end.
    pub async fn deploy_restored_template(
        &self,
        job: &JobResource,
        group: &ResourceGroupId,
        name: &str,
        parameters: Option<serde_json::Value>,
    ) -> Result<DeploymentExtended, ArmError> {
        let job_id = job.meta.name.clone().unwrap_or_default();
        let uri = job
            .properties
            .as_ref()
            .and_then(Job::iaas_vm)
            .and_then(|job| job.extended_info.as_ref())
            .and_then(|info| info.property_bag.as_ref())
            .and_then(|bag| bag.get(TEMPLATE_BLOB_URI))
            .filter(|uri| !uri.trim().is_empty())
            .ok_or_else(|| {
                ArmError::new(
                    ArmErrorKind::TemplateMissing {
                        job_id: job_id.clone(),
                    },
                    "deploy-template",
                )
            })?;
        let url = url::Url::parse(uri).map_err(|e| {
            ArmError::new(
                ArmErrorKind::UntrustedUrl {
                    why: format!("the template blob URI is not a URL: {e}"),
                },
                "deploy-template",
            )
        })?;
        let template: serde_json::Value = serde_json::from_slice(&self.arm().get_blob(&url).await?)
            .map_err(|e| {
                ArmError::new(
                    ArmErrorKind::Malformed {
                        what: format!("the restored template: {e}"),
                    },
                    "deploy-template",
                )
            })?;
        let body = Deployment {
            properties: DeploymentProperties {
                mode: DeploymentMode::Incremental,
                template: Some(template),
                parameters,
            },
        };
        let body = serde_json::to_value(body).map_err(|e| {
            ArmError::new(
                ArmErrorKind::Malformed {
                    what: e.to_string(),
                },
                "Deployments_CreateOrUpdate",
            )
        })?;
        let accepted = self
            .arm()
            .send(&api::deployment_create(group, name), Some(&body))
            .await?;
        let failed = |error: Option<ErrorBody>| {
            ArmError::new(
                ArmErrorKind::DeploymentFailed {
                    name: name.to_owned(),
                    error,
                },
                "Deployments_CreateOrUpdate",
            )
        };
        if let Err(error) = lro::wait(self.arm(), accepted, &self.settings.operations).await {
            return Err(match *error.kind {
                ArmErrorKind::OperationFailed { code, message } => failed(Some(ErrorBody {
                    code,
                    message,
                    ..ErrorBody::default()
                }))
                .with_ids(error.ids.unwrap_or_default()),
                _ => error,
            });
        }
        // A PUT answered 201 without an operation to poll is followed on the
        // resource itself until its provisioning state is terminal (ARM's
        // asynchronous PUT pattern).
        let clock = self.arm().clock().clone();
        let settings = &self.settings.operations;
        let deadline = clock
            .now()
            .saturating_add(
                jiff::SignedDuration::try_from(settings.deadline)
                    .unwrap_or(jiff::SignedDuration::MAX),
            )
            .unwrap_or(jiff::Timestamp::MAX);
        loop {
            let deployment: DeploymentExtended = self
                .arm()
                .send_json(&api::deployment_get(group, name), None)
                .await?;
            let state = deployment
                .properties
                .as_ref()
                .and_then(|p| p.provisioning_state.clone())
                .unwrap_or_default();
            if state.eq_ignore_ascii_case("Failed") || state.eq_ignore_ascii_case("Canceled") {
                return Err(failed(deployment.properties.and_then(|p| p.error)));
            }
            if state.is_empty() || state.eq_ignore_ascii_case("Succeeded") {
                return Ok(deployment);
            }
            if clock.now() >= deadline {
                return Err(ArmError::new(
                    ArmErrorKind::TimedOut {
                        what: format!("deployment {name} (still {state})"),
                    },
                    "Deployments_Get",
                ));
            }
            clock
                .sleep(settings.default_interval.max(settings.min_interval))
                .await;
        }
    }

    /// Asks Azure to validate a restore request; its findings, if any, are an error listing them all.
    pub async fn validate_restore(
        &self,
        vault: &VaultId,
        point: &RecoveryPointId,
        request: RestoreRequest,
    ) -> Result<(), ArmError> {
        let body = ValidateOperationRequestResource {
            id: point.to_string(),
            properties: ValidateOperationRequest::IaasVmRestore {
                restore_request: Some(request),
            },
        };
        let body = serde_json::to_value(body).map_err(|e| {
            ArmError::new(
                ArmErrorKind::Malformed {
                    what: e.to_string(),
                },
                "Operation_Validate",
            )
        })?;
        let answer: ValidateOperationsResponse = self
            .arm()
            .send_json(&api::validate_operation(vault), Some(&body))
            .await?;
        let findings = answer
            .validate_operation_response
            .and_then(|r| r.validation_results)
            .unwrap_or_default();
        if findings.is_empty() {
            Ok(())
        } else {
            Err(ArmError::new(
                ArmErrorKind::ValidationFindings(findings),
                "Operation_Validate",
            ))
        }
    }
}
