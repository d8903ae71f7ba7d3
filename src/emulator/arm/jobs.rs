//! Backup jobs: get, list with `$filter` (operation, status, start and end
//! time) and paging, cancel; and the cross-region restore job calls, which
//! are POSTs with a `CrrJobRequest` body.

use super::call::{Call, OPERATION_SECONDS, find_vault, ok, page};
use super::{convert, filter};
use crate::azure::api;
use crate::azure::id::{ArmId, VaultId};
use crate::azure::wire::Page;
use crate::azure::wire::job::{CrrJobRequest, JobStatus};
use crate::clock::Clock;
use crate::emulator::envelope::ArmError;
use crate::emulator::world::{JobOperation, JobOutcome, JobRecord, OperationResult};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Where the template blobs of disk restores are served.
fn blob_base(call: &Call) -> String {
    call.url("/_blob")
}

fn not_found(name: &str) -> ArmError {
    ArmError::not_found(
        "BMSUserErrorJobNotFound",
        format!("Job '{name}' was not found."),
    )
}

fn job_in_vault(job: &JobRecord, vault: &VaultId) -> bool {
    job.vault_id.eq_ignore_ascii_case(&vault.to_string())
}

/// `JobDetails_Get`.
pub fn get(call: &Call) -> Result<Response, ArmError> {
    let vault = call.vault_id()?;
    let name = call.param("jobName")?;
    let world = call.state.world();
    let job = world
        .job(name)
        .filter(|job| job_in_vault(job, &vault))
        .ok_or_else(|| not_found(name))?;
    ok(&convert::job(job, call.state.time.now(), &blob_base(call)))
}

/// `BackupJobs_List`.
pub fn list(call: &Call) -> Result<Response, ArmError> {
    let vault = call.vault_id()?;
    let path = format!("{}/backupJobs", vault.url_path());
    listing(call, &vault, &path, |_| true)
}

/// `BackupCrrJobs_List`: the vault's cross-region restore jobs.
pub fn crr_list(call: &Call) -> Result<Response, ArmError> {
    let request: CrrJobRequest = call.json()?;
    let vault = crr_vault(&request)?;
    let path = api::crr_jobs_list(
        &vault.resource_group.subscription,
        call.param("azureRegion")?,
        None,
        None,
    )
    .path;
    listing(call, &vault, &path, |job| {
        job.operation == JobOperation::CrossRegionRestore
    })
}

/// `BackupCrrJobDetails_Get`.
pub fn crr_get(call: &Call) -> Result<Response, ArmError> {
    let request: CrrJobRequest = call.json()?;
    let vault = crr_vault(&request)?;
    let name = request.job_name.as_deref().ok_or_else(|| {
        ArmError::bad_request("InvalidRequestContent", "The request has no jobName.")
    })?;
    let world = call.state.world();
    let job = world
        .job(name)
        .filter(|job| {
            job_in_vault(job, &vault) && job.operation == JobOperation::CrossRegionRestore
        })
        .ok_or_else(|| not_found(name))?;
    ok(&convert::job(job, call.state.time.now(), &blob_base(call)))
}

fn crr_vault(request: &CrrJobRequest) -> Result<VaultId, ArmError> {
    request
        .resource_id
        .as_deref()
        .ok_or_else(|| {
            ArmError::bad_request(
                "InvalidRequestContent",
                "The request has no resourceId (the vault's id).",
            )
        })?
        .parse()
        .map_err(|e| super::call::invalid_id(&e))
}

/// The jobs of a vault that pass `keep` and the call's `$filter`, paged.
fn listing(
    call: &Call,
    vault: &VaultId,
    path: &str,
    keep: impl Fn(&JobRecord) -> bool,
) -> Result<Response, ArmError> {
    let terms = filter::terms(call.query("$filter").unwrap_or_default())?;
    let mut start = None;
    let mut end = None;
    for (name, value) in &terms {
        match name.as_str() {
            "startTime" => start = Some(filter::time(name, value)?),
            "endTime" => end = Some(filter::time(name, value)?),
            _ => {}
        }
    }
    let now = call.state.time.now();
    let world = call.state.world();
    find_vault(&world.inventory, vault)?;
    let jobs: Vec<_> = world
        .jobs
        .iter()
        .rev()
        .filter(|job| job_in_vault(job, vault) && keep(job))
        .filter(|job| {
            start.is_none_or(|s| job.started >= s) && end.is_none_or(|e| job.started <= e)
        })
        .map(|job| convert::job(job, now, &blob_base(call)))
        .filter(|resource| {
            let Some(job) = resource.properties.as_ref().and_then(|p| p.iaas_vm()) else {
                return false;
            };
            terms.iter().all(|(name, value)| match name.as_str() {
                "operation" => job
                    .operation
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case(value)),
                "status" => job
                    .status
                    .as_ref()
                    .is_some_and(|s| s.as_str().eq_ignore_ascii_case(value)),
                "backupManagementType" => value.eq_ignore_ascii_case("AzureIaasVM"),
                "jobId" => resource
                    .meta
                    .name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(value)),
                _ => true,
            })
        })
        .collect();
    let (value, next_link) = page(call, &jobs, path);
    ok(&Page { value, next_link })
}

/// `JobCancellations_Trigger`: cancels a running restore (not a cross-region one).
pub fn cancel(call: &Call) -> Result<Response, ArmError> {
    let vault = call.vault_id()?;
    let name = call.param("jobName")?.to_owned();
    let now = call.state.time.now();
    let mut world = call.state.world();
    let job = world
        .job(&name)
        .filter(|job| job_in_vault(job, &vault))
        .ok_or_else(|| not_found(&name))?;
    if job.operation == JobOperation::CrossRegionRestore {
        return Err(ArmError::bad_request(
            "UserErrorCrrJobCannotBeCancelled",
            "A cross-region restore job cannot be cancelled once triggered.",
        ));
    }
    if let Some(outcome) = &job.outcome {
        let status = match outcome {
            JobOutcome::Completed { .. } => JobStatus::Completed,
            JobOutcome::Failed { .. } => JobStatus::Failed,
            JobOutcome::Cancelled { .. } => JobStatus::Cancelled,
        };
        return Err(ArmError::bad_request(
            "UserErrorJobCannotBeCancelled",
            format!(
                "Job '{name}' has ended ({}) and cannot be cancelled.",
                status.as_str()
            ),
        ));
    }
    let job_id = job.id.clone();
    world.cancel_job(&job_id, now);
    let operation = super::restore::add_operation(&mut world, now, OperationResult::Done);
    drop(world);
    let location =
        call.url(&api::job_operation_result(&vault, &job_id, &operation).path_and_query());
    let mut response = StatusCode::ACCEPTED.into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(call.retry_after(OPERATION_SECONDS)),
    );
    Ok(response)
}
