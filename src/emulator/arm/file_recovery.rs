//! Item-level (file) recovery: a session opened on a recovery point with
//! the mount script Azure hands out, and closed again.

use super::call::{Call, OPERATION_SECONDS, accepted, find};
use super::restore::add_operation;
use crate::azure::api;
use crate::azure::wire::ilr::{IlrRequest, IlrRequestResource};
use crate::clock::Clock;
use crate::emulator::envelope::ArmError;
use crate::emulator::world::{OperationResult, World};
use crate::model::TierKind;
use axum::response::Response;
use serde_json::json;

/// `ItemLevelRecoveryConnections_Provision`: opens a file recovery session.
pub fn provision(call: &Call) -> Result<Response, ArmError> {
    let item = call.item_id()?;
    let point_name = call.param("recoveryPointId")?.to_owned();
    let body: IlrRequestResource = call.json()?;
    let IlrRequest::IaasVmRegistration { initiator_name, .. } = &body.properties;
    let now = call.state.time.now();
    let mut world = call.state.world();
    let found = find(&world.inventory, &item, Some(&point_name))?;
    let point = found.point.ok_or_else(|| {
        ArmError::not_found("UserErrorRecoveryPointNotFound", "No such recovery point.")
    })?;
    if !point.has_valid_tier(TierKind::Snapshot, now) && !point.has_valid_tier(TierKind::Vault, now)
    {
        return Err(ArmError::bad_request(
            "UserErrorIlrNotSupportedForArchivedRecoveryPoint",
            format!(
                "Files cannot be recovered from point '{point_name}': it is only in the archive tier."
            ),
        ));
    }
    let os = world
        .inventory
        .vm_by_id(&found.item.vm)
        .and_then(|vm| vm.os);
    let vm_id = found.item.vm.clone();
    set_session(&mut world, &vm_id, &point_name, true);
    let (extension, os_type) = match os {
        Some(crate::model::Os::Windows) => (".exe", "Windows"),
        _ => (".py", "Linux"),
    };
    let script = format!(
        "# restoreplan emulator: mounts recovery point {point_name} of {} for initiator {}\n",
        item.vm_name(),
        initiator_name.as_deref().unwrap_or("any")
    );
    let target = json!({ "clientScripts": [{
        "scriptContent": script,
        "scriptExtension": extension,
        "osType": os_type,
        "scriptNameSuffix": format!("_{}_{}", item.vm_name(), point_name),
    }]});
    world.record(
        now,
        "file-recovery-provisioned",
        &vm_id,
        format!("point {point_name} mounted"),
    );
    let operation = add_operation(&mut world, now, OperationResult::FileRecovery(target));
    drop(world);
    let status = api::protected_item_operation_status(&item, &operation).path_and_query();
    let result = api::protected_item_operation_result(&item, &operation).path_and_query();
    accepted(
        &call.url(&status),
        &call.url(&result),
        call.retry_after(OPERATION_SECONDS),
    )
}

/// `ItemLevelRecoveryConnections_Revoke`: closes it.
pub fn revoke(call: &Call) -> Result<Response, ArmError> {
    let item = call.item_id()?;
    let point_name = call.param("recoveryPointId")?.to_owned();
    let now = call.state.time.now();
    let mut world = call.state.world();
    let found = find(&world.inventory, &item, Some(&point_name))?;
    let vm_id = found.item.vm.clone();
    set_session(&mut world, &vm_id, &point_name, false);
    world.record(
        now,
        "file-recovery-revoked",
        &vm_id,
        format!("point {point_name} unmounted"),
    );
    let operation = add_operation(&mut world, now, OperationResult::Done);
    drop(world);
    let status = api::protected_item_operation_status(&item, &operation).path_and_query();
    let result = api::protected_item_operation_result(&item, &operation).path_and_query();
    accepted(
        &call.url(&status),
        &call.url(&result),
        call.retry_after(OPERATION_SECONDS),
    )
}

/// Marks a point's file recovery session open or closed in the inventory.
fn set_session(world: &mut World, vm_id: &str, point_name: &str, open: bool) {
    let points = world
        .inventory
        .vaults
        .iter_mut()
        .flat_map(|vault| vault.protected_items.iter_mut())
        .filter(|item| item.vm.eq_ignore_ascii_case(vm_id))
        .flat_map(|item| item.recovery_points.iter_mut())
        .filter(|point| point.id == point_name);
    for point in points {
        point.ilr_session_active = open;
    }
}
