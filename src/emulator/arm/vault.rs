//! Vault-level calls: the backup storage configuration.

use crate::emulator::envelope::ArmError;
use crate::emulator::state::State;
use axum::Json;
use axum::extract::{Path, State as Shared};
use serde_json::{Value, json};
use std::sync::Arc;

/// `GET {vault}/backupstorageconfig/vaultstorageconfig`.
pub async fn storage_config(
    Shared(state): Shared<Arc<State>>,
    Path((subscription, group, name)): Path<(String, String, String)>,
) -> Result<Json<Value>, ArmError> {
    let id = format!(
        "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.RecoveryServices/vaults/{name}"
    );
    let world = state.world();
    let vault = world
        .inventory
        .vault_by_id(&id)
        .ok_or_else(|| {
            ArmError::not_found(
                "ResourceNotFound",
                format!("The Resource 'Microsoft.RecoveryServices/vaults/{name}' under resource group '{group}' was not found."),
            )
        })?;
    use crate::model::StorageRedundancy as R;
    let storage_type = match vault.storage_redundancy {
        R::Lrs => "LocallyRedundant",
        R::Zrs => "ZoneRedundant",
        R::Grs => "GeoRedundant",
        R::RaGrs => "GeoRedundant",
    };
    Ok(Json(json!({
        "id": format!("{}/backupstorageconfig/vaultstorageconfig", vault.id),
        "name": "vaultstorageconfig",
        "type": "Microsoft.RecoveryServices/vaults/backupstorageconfig",
        "properties": {
            "storageModelType": storage_type,
            "storageType": storage_type,
            "storageTypeState": "Locked",
            "crossRegionRestoreFlag": vault.cross_region_restore,
        }
    })))
}
