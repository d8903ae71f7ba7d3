//! Protected items, recovery points (in the primary and, through the CRR
//! api-version, the secondary region), the vault's storage configuration,
//! and the secondary region's Entra properties and access tokens.

use super::call::{Call, find, find_vault, ok, page};
use super::{convert, filter};
use crate::azure::api;
use crate::azure::id::{ArmId, ProtectedItemId, RecoveryPointId, VirtualMachineId};
use crate::azure::secret::SecretText;
use crate::azure::wire::Page;
use crate::azure::wire::ResourceMeta;
use crate::azure::wire::crr::{
    AadProperties, AadPropertiesResource, CrrAccessToken, CrrAccessTokenResource,
    WorkloadCrrAccessToken,
};
use crate::azure::wire::storage_config::{
    BackupResourceConfig, BackupResourceConfigResource, StorageType,
};
use crate::emulator::envelope::ArmError;
use crate::model::{StorageRedundancy, TierKind};
use axum::response::Response;

/// Whether the call came through the secondary region's api-version.
fn secondary(call: &Call) -> bool {
    call.operation.api_version == api::CRR_API_VERSION
}

/// `BackupProtectedItems_List` (and its CRR twin), filtered and paged.
pub fn list_items(call: &Call) -> Result<Response, ArmError> {
    let vault_id = call.vault_id()?;
    for (name, value) in filter::terms(call.query("$filter").unwrap_or_default())? {
        let known = match name.as_str() {
            "backupManagementType" => value.eq_ignore_ascii_case("AzureIaasVM"),
            "itemType" => value.eq_ignore_ascii_case("VM"),
            _ => true,
        };
        if !known {
            return ok(&Page::<()> {
                value: Vec::new(),
                next_link: None,
            });
        }
    }
    let world = call.state.world();
    let vault = find_vault(&world.inventory, &vault_id)?;
    let items: Vec<_> = vault
        .protected_items
        .iter()
        .filter_map(|item| {
            let vm: VirtualMachineId = item.vm.parse().ok()?;
            let id = ProtectedItemId::for_vm(vault_id.clone(), &vm);
            let visible = !secondary(call)
                || item
                    .recovery_points
                    .iter()
                    .any(|p| p.replicated_to_paired_region);
            visible.then(|| convert::protected_item(&id, vault, item))
        })
        .collect();
    let path = format!(
        "{}/backupProtectedItems{}",
        vault_id.url_path(),
        if secondary(call) { "/" } else { "" }
    );
    let (value, next_link) = page(call, &items, &path);
    ok(&Page { value, next_link })
}

/// `ProtectedItems_Get`.
pub fn get_item(call: &Call) -> Result<Response, ArmError> {
    let item_id = call.item_id()?;
    let world = call.state.world();
    let found = find(&world.inventory, &item_id, None)?;
    ok(&convert::protected_item(&item_id, found.vault, found.item))
}

/// `RecoveryPoints_List` (and its CRR twin): newest first, within the
/// filter's `startDate`/`endDate`, paged.
pub fn list_points(call: &Call) -> Result<Response, ArmError> {
    let item_id = call.item_id()?;
    let (mut start, mut end) = (None, None);
    for (name, value) in filter::terms(call.query("$filter").unwrap_or_default())? {
        match name.as_str() {
            "startDate" => start = Some(filter::time(&name, &value)?),
            "endDate" => end = Some(filter::time(&name, &value)?),
            _ => {}
        }
    }
    let world = call.state.world();
    let found = find(&world.inventory, &item_id, None)?;
    let vm = world.inventory.vm_by_id(&found.item.vm);
    let mut points: Vec<_> = found
        .item
        .recovery_points
        .iter()
        .filter(|p| start.is_none_or(|s| p.time >= s) && end.is_none_or(|e| p.time <= e))
        .filter(|p| !secondary(call) || replicated(p))
        .collect();
    points.sort_by_key(|point| std::cmp::Reverse(point.time));
    let resources: Vec<_> = points
        .into_iter()
        .map(|p| convert::recovery_point(&item_id, p, vm, secondary(call)))
        .collect();
    let path = format!(
        "{}/recoveryPoints{}",
        item_id.url_path(),
        if secondary(call) { "/" } else { "" }
    );
    let (value, next_link) = page(call, &resources, &path);
    ok(&Page { value, next_link })
}

/// Whether the paired region holds the point (its vault tier, replicated).
pub fn replicated(point: &crate::model::RecoveryPoint) -> bool {
    point.replicated_to_paired_region && point.tiers.iter().any(|t| t.kind == TierKind::Vault)
}

/// `RecoveryPoints_Get` (and its CRR twin).
pub fn get_point(call: &Call) -> Result<Response, ArmError> {
    let item_id = call.item_id()?;
    let point_id = call.param("recoveryPointId")?;
    let world = call.state.world();
    let found = find(&world.inventory, &item_id, Some(point_id))?;
    let point = found.point.ok_or_else(|| {
        ArmError::not_found("UserErrorRecoveryPointNotFound", "No such recovery point.")
    })?;
    if secondary(call) && !replicated(point) {
        return Err(ArmError::not_found(
            "UserErrorRecoveryPointNotFound",
            format!("Recovery point '{point_id}' is not available in the secondary region."),
        ));
    }
    let vm = world.inventory.vm_by_id(&found.item.vm);
    ok(&convert::recovery_point(
        &item_id,
        point,
        vm,
        secondary(call),
    ))
}

/// `BackupResourceStorageConfigsNonCRR_Get`.
pub fn storage_config(call: &Call) -> Result<Response, ArmError> {
    let vault_id = call.vault_id()?;
    let world = call.state.world();
    let vault = find_vault(&world.inventory, &vault_id)?;
    let storage = match vault.storage_redundancy {
        StorageRedundancy::Lrs => StorageType::LocallyRedundant,
        StorageRedundancy::Zrs => StorageType::ZoneRedundant,
        StorageRedundancy::Grs | StorageRedundancy::RaGrs => StorageType::GeoRedundant,
    };
    ok(&BackupResourceConfigResource {
        meta: ResourceMeta {
            id: Some(format!("{vault_id}/backupstorageconfig/vaultstorageconfig")),
            name: Some("vaultstorageconfig".to_owned()),
            kind: Some("Microsoft.RecoveryServices/vaults/backupstorageconfig".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(BackupResourceConfig {
            storage_model_type: Some(storage.clone()),
            storage_type: Some(storage),
            storage_type_state: Some("Locked".to_owned()),
            cross_region_restore_flag: Some(vault.cross_region_restore),
            ..BackupResourceConfig::default()
        }),
    })
}

/// `AadProperties_Get`: the secondary region's Entra properties.
pub fn aad_properties(call: &Call) -> Result<Response, ArmError> {
    let subscription = call.param("subscriptionId")?;
    let region = call.param("azureRegion")?;
    let world = call.state.world();
    let tenant = world
        .inventory
        .subscription_by_id(subscription)
        .and_then(|s| s.tenant_id.clone());
    ok(&AadPropertiesResource {
        meta: ResourceMeta {
            id: Some(format!(
                "/subscriptions/{subscription}/providers/Microsoft.RecoveryServices/locations/{region}/backupAadProperties"
            )),
            name: Some("backupAadProperties".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(AadProperties {
            tenant_id: tenant,
            audience: Some(format!(
                "https://RecoveryServices/IaasCoord/aadmgmt/{region}"
            )),
            authority: Some(call.state.base_url.clone()),
            service_principal_client_id: Some("restoreplan-emulator-backup-service".to_owned()),
            service_principal_object_id: Some("00000000-0000-4000-8000-00000000b5c5".to_owned()),
        }),
    })
}

/// `RecoveryPoints_GetAccessToken`: a token that lets the secondary region
/// restore this point, remembered for the restore that presents it.
pub fn access_token(call: &Call) -> Result<Response, ArmError> {
    let item_id = call.item_id()?;
    let point_name = call.param("recoveryPointId")?;
    let _: AadPropertiesResource = call.json()?;
    let point_id = RecoveryPointId::new(item_id.clone(), point_name)
        .map_err(|e| super::call::invalid_id(&e))?;
    let mut world = call.state.world();
    let found = find(&world.inventory, &item_id, Some(point_name))?;
    let point = found.point.ok_or_else(|| {
        ArmError::not_found("UserErrorRecoveryPointNotFound", "No such recovery point.")
    })?;
    if !replicated(point) {
        return Err(ArmError::bad_request(
            "UserErrorCrrRecoveryPointNotAvailableInSecondaryRegion",
            format!("Recovery point '{point_name}' is not available in the secondary region."),
        ));
    }
    let vm = found.item.vm.clone();
    let (vault_region, time) = (found.vault.region.clone(), point.time);
    let token = format!("{:032x}", rand::random::<u128>());
    world
        .access_tokens
        .push((token.clone(), item_id.to_string(), point_name.to_owned()));
    ok(&CrrAccessTokenResource {
        meta: ResourceMeta {
            id: Some(format!("{point_id}/accessToken")),
            ..ResourceMeta::default()
        },
        properties: Some(CrrAccessToken::Workload(Box::new(WorkloadCrrAccessToken {
            access_token_string: Some(SecretText::new(token)),
            subscription_id: Some(
                item_id
                    .vault
                    .resource_group
                    .subscription
                    .as_str()
                    .to_owned(),
            ),
            resource_group_name: Some(item_id.vault.resource_group.name().to_owned()),
            resource_name: Some(item_id.vault.name().to_owned()),
            resource_id: Some(item_id.vault.to_string()),
            recovery_point_id: Some(point_name.to_owned()),
            recovery_point_time: Some(time.to_string()),
            container_name: Some(item_id.container_name()),
            container_type: Some("IaasVMContainer".to_owned()),
            backup_management_type: Some("AzureIaasVM".to_owned()),
            datasource_type: Some("VM".to_owned()),
            datasource_name: Some(item_id.vm_name().to_owned()),
            datasource_id: Some(vm),
            bms_active_region: Some(vault_region),
            ..WorkloadCrrAccessToken::default()
        }))),
    })
}
