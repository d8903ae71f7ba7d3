//! Restores: the trigger in the primary region and across regions. An
//! accepted restore becomes a long-running operation and a job, whose end
//! changes the world; a refused one changes nothing.
use super::call::{Call, OPERATION_SECONDS, accepted, find, invalid_id};
use crate::azure::api;
use crate::azure::id::{ProtectedItemId, SubscriptionId};
use crate::azure::wire::crr::{CrossRegionRestoreRequest, CrrAccessToken};
use crate::azure::wire::restore::{
    RecoveryType, RehydrationPriority, RestoreRequest, RestoreRequestResource,
};
use crate::clock::Clock;
use crate::emulator::envelope::ArmError;
use crate::emulator::jobs::{Rehydration, RestoreKind, plan_restore};
use crate::emulator::rules::{RestoreAsk, check};
use crate::emulator::world::{
    CompletedRestore, JobOperation, JobRecord, OperationRecord, OperationResult, World,
};
use crate::model::TierKind;
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};

/// `Restores_Trigger`.
pub fn trigger(call: &Call) -> Result<Response, ArmError> {
    let item = call.item_id()?;
    let point = call.param("recoveryPointId")?.to_owned();
    let body: RestoreRequestResource = call.json()?;
    let operation = start_restore(call, &item, &point, &body.properties, false)?;
    let status = api::protected_item_operation_status(&item, &operation).path_and_query();
    let result = api::protected_item_operation_result(&item, &operation).path_and_query();
    accepted(
        &call.url(&status),
        &call.url(&result),
        call.retry_after(OPERATION_SECONDS),
    )
}

/// `CrossRegionRestore_Trigger`: the point comes from the access token.
pub fn trigger_cross_region(call: &Call) -> Result<Response, ArmError> {
    let subscription =
        SubscriptionId::new(call.param("subscriptionId")?).map_err(|e| invalid_id(&e))?;
    let region = call.param("azureRegion")?.to_owned();
    let body: CrossRegionRestoreRequest = call.json()?;
    let missing = |what: &str| {
        ArmError::bad_request(
            "InvalidRequestContent",
            format!("The cross-region restore request has no {what}."),
        )
    };
    let token = match &body.cross_region_restore_access_details {
        Some(CrrAccessToken::Workload(token)) => token
            .access_token_string
            .as_ref()
            .map(|t| t.expose().to_owned()),
        _ => None,
    }
    .ok_or_else(|| missing("crossRegionRestoreAccessDetails.accessTokenString"))?;
    let request = body
        .restore_request
        .as_ref()
        .ok_or_else(|| missing("restoreRequest"))?;
    let (item, point) = {
        let world = call.state.world();
        let (_, item, point) = world
            .access_tokens
            .iter()
            .find(|(known, _, _)| *known == token)
            .ok_or_else(|| {
                ArmError::bad_request(
                    "UserErrorInvalidCrrAccessToken",
                    "The access token of the cross-region restore is not valid; get a new one.",
                )
            })?;
        (
            item.parse::<ProtectedItemId>()
                .map_err(|e| invalid_id(&e))?,
            point.clone(),
        )
    };
    if !request
        .iaas_vm()
        .region
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case(&region))
    {
        return Err(ArmError::bad_request(
            "UserErrorCrossRegionRestoreRegionMismatch",
            format!("The restore request's region must be the region of the call, '{region}'."),
        ));
    }
    let operation = start_restore(call, &item, &point, request, true)?;
    let status = api::crr_operation_status(&subscription, &region, &operation).path_and_query();
    let result = api::crr_operation_result(&subscription, &region, &operation).path_and_query();
    accepted(
        &call.url(&status),
        &call.url(&result),
        call.retry_after(OPERATION_SECONDS),
    )
}

/// Checks a restore against the world and the rules, then starts its job;
/// returns the operation's id.
fn start_restore(
    call: &Call,
    item_id: &ProtectedItemId,
    point_name: &str,
    request: &RestoreRequest,
    cross_region: bool,
) -> Result<String, ArmError> {
    let now = call.state.time.now();
    let mut world = call.state.world();
    let job = plan_job(
        call,
        &world,
        item_id,
        point_name,
        request,
        cross_region,
        now,
    )?;
    let job_id = job.id.clone();
    world.record(
        now,
        "restore-started",
        &job.restore.source_vm,
        format!("job {job_id} from point {point_name}"),
    );
    world.jobs.push(job);
    Ok(add_operation(&mut world, now, OperationResult::Job(job_id)))
}

/// The job a restore request would start, or the rule it breaks.
pub(super) fn plan_job(
    call: &Call,
    world: &World,
    item_id: &ProtectedItemId,
    point_name: &str,
    request: &RestoreRequest,
    cross_region: bool,
    now: Timestamp,
) -> Result<JobRecord, ArmError> {
    let vm_request = request.iaas_vm();
    let kind = match &vm_request.recovery_type {
        Some(RecoveryType::OriginalLocation) => RestoreKind::OriginalLocation,
        Some(RecoveryType::AlternateLocation) => RestoreKind::AlternateLocation,
        Some(RecoveryType::RestoreDisks) => RestoreKind::RestoreDisks,
        other => {
            return Err(ArmError::bad_request(
                "UserErrorInvalidRecoveryType",
                format!(
                    "The recovery type {:?} is not one of OriginalLocation, AlternateLocation, RestoreDisks.",
                    other.as_ref().map(RecoveryType::as_str)
                ),
            ));
        }
    };
    if vm_request
        .recovery_point_id
        .as_deref()
        .is_some_and(|id| !id.eq_ignore_ascii_case(point_name))
    {
        return Err(ArmError::bad_request(
            "UserErrorRecoveryPointIdMismatch",
            "The request's recoveryPointId is not the recovery point of the path.",
        ));
    }
    let found = find(&world.inventory, item_id, Some(point_name))?;
    let point = found.point.ok_or_else(|| {
        ArmError::not_found("UserErrorRecoveryPointNotFound", "No such recovery point.")
    })?;
    if vm_request
        .source_resource_id
        .as_deref()
        .is_some_and(|id| !id.eq_ignore_ascii_case(&found.item.vm))
    {
        return Err(ArmError::bad_request(
            "UserErrorSourceResourceIdMismatch",
            "The request's sourceResourceId is not the VM of the protected item.",
        ));
    }
    check_target_ids(vm_request)?;
    let region = vm_request
        .region
        .clone()
        .unwrap_or_else(|| found.vault.region.clone());
    let rehydration = match request {
        RestoreRequest::IaasVmWithRehydration(r) => Some(
            match r
                .recovery_point_rehydration_info
                .as_ref()
                .and_then(|i| i.rehydration_priority.as_ref())
            {
                Some(RehydrationPriority::High) => Rehydration::High,
                _ => Rehydration::Standard,
            },
        ),
        RestoreRequest::IaasVm(_) => None,
    };
    let ask = RestoreAsk {
        kind,
        vault: found.vault,
        item: found.item,
        point,
        cross_region,
        rehydrate: rehydration.is_some(),
        region: &region,
        target_vm: vm_request.target_virtual_machine_id.as_deref(),
        target_group: vm_request.target_resource_group_id.as_deref(),
        subnet: vm_request.subnet_id.as_deref(),
        staging_account: vm_request.storage_account_id.as_deref(),
        disk_luns: vm_request.restore_disk_lun_list.as_deref(),
        now,
    };
    check(&ask, &world.inventory)?;
    let luns = vm_request.restore_disk_lun_list.as_ref();
    let disk_gib: u64 = point
        .disks
        .iter()
        .filter(|d| {
            d.included
                && (d.is_os_disk()
                    || luns.is_none_or(|l| d.lun.is_some_and(|lun| l.contains(&i32::from(lun)))))
        })
        .filter_map(|d| d.size_gib)
        .sum();
    // Cross-region and cross-subscription restores read the vault tier only.
    let vault_subscription = crate::model::arm_id_segment(&found.vault.id, "subscriptions");
    let other_subscription = vm_request
        .target_resource_group_id
        .as_deref()
        .or(vm_request.target_virtual_machine_id.as_deref())
        .and_then(|id| crate::model::arm_id_segment(id, "subscriptions"))
        .is_some_and(|target| {
            vault_subscription.is_none_or(|own| !own.eq_ignore_ascii_case(target))
        });
    let tier =
        if !cross_region && !other_subscription && point.has_valid_tier(TierKind::Snapshot, now) {
            TierKind::Snapshot
        } else if point.has_valid_tier(TierKind::Vault, now) {
            TierKind::Vault
        } else {
            TierKind::Archive
        };
    let vm_name = found.item.vm_name().to_owned();
    let fail_code = call
        .state
        .fail_jobs
        .iter()
        .find(|f| f.vm.eq_ignore_ascii_case(&vm_name))
        .map(|f| f.code.clone());
    let tasks = plan_restore(kind, disk_gib, tier, rehydration, &call.state.settings);
    Ok(JobRecord {
        id: uuid::Uuid::new_v4().to_string(),
        vault_id: found.vault.id.clone(),
        entity: vm_name,
        container: item_id.container_name(),
        operation: if cross_region {
            JobOperation::CrossRegionRestore
        } else {
            JobOperation::Restore
        },
        started: now,
        ends: JobRecord::end_of(now, &tasks),
        tasks,
        restore: CompletedRestore {
            kind,
            job_id: String::new(),
            source_vm: found.item.vm.clone(),
            point: point.clone(),
            tier,
            region,
            target_vm: vm_request.target_virtual_machine_id.clone(),
            subnet: vm_request.subnet_id.clone(),
            target_group: vm_request.target_resource_group_id.clone(),
            staging_account: vm_request.storage_account_id.clone(),
        },
        fail_code,
        outcome: None,
    })
    .map(|mut job| {
        job.restore.job_id = job.id.clone();
        job
    })
}

/// Records a long-running operation that is over after [`OPERATION_SECONDS`].
pub fn add_operation(world: &mut World, now: Timestamp, result: OperationResult) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    world.operations.push(OperationRecord {
        id: id.clone(),
        started: now,
        ready_at: now
            .checked_add(SignedDuration::from_secs(OPERATION_SECONDS))
            .unwrap_or(now),
        result,
    });
    id
}

/// Refuses target ids that are not ARM ids of their type: they name what the
/// restore creates, so they must be as valid as any id the client sends.
fn check_target_ids(
    request: &crate::azure::wire::restore::IaasVmRestoreRequest,
) -> Result<(), ArmError> {
    use crate::azure::id::{
        ResourceGroupId, StorageAccountId, SubnetId, VirtualMachineId, VirtualNetworkId,
    };
    fn valid<T: std::str::FromStr<Err = crate::azure::id::IdError>>(
        field: &str,
        value: Option<&String>,
    ) -> Result<(), ArmError> {
        match value.map(|text| text.parse::<T>()) {
            Some(Err(error)) => Err(ArmError::bad_request(
                "UserErrorInvalidTargetResourceId",
                format!("{field} is not a valid resource id: {}.", error.reason()),
            )),
            _ => Ok(()),
        }
    }
    valid::<VirtualMachineId>(
        "targetVirtualMachineId",
        request.target_virtual_machine_id.as_ref(),
    )?;
    valid::<ResourceGroupId>(
        "targetResourceGroupId",
        request.target_resource_group_id.as_ref(),
    )?;
    valid::<VirtualNetworkId>("virtualNetworkId", request.virtual_network_id.as_ref())?;
    valid::<SubnetId>("subnetId", request.subnet_id.as_ref())?;
    valid::<StorageAccountId>("storageAccountId", request.storage_account_id.as_ref())
}
