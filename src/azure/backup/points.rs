//! Protected items and recovery points.

use super::Backup;
use crate::azure::api::{self, TimeWindow};
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{ProtectedItemId, VaultId, VirtualMachineId};
use crate::azure::wire::protected_item::{ProtectedItem, ProtectedItemResource};
use crate::azure::wire::recovery_point::RecoveryPointResource;

impl Backup {
    /// The protected item of `vm` in `vault`: read directly by its conventional name (one
    /// request), or, when Azure does not know that name, found among the vault's VM items
    /// by the VM's id (names may differ in case or in the resource group's spelling).
    pub async fn find_protected_item(
        &self,
        vault: &VaultId,
        vm: &VirtualMachineId,
    ) -> Result<(ProtectedItemId, ProtectedItemResource), ArmError> {
        let conventional = ProtectedItemId::for_vm(vault.clone(), vm);
        match self
            .arm()
            .send_json(&api::protected_item_get(&conventional), None)
            .await
        {
            Ok(item) => return Ok((conventional, item)),
            Err(error) if matches!(*error.kind, ArmErrorKind::Status { status: 404, .. }) => {}
            Err(error) => return Err(error),
        }
        let items: Vec<ProtectedItemResource> =
            self.list_all(&api::protected_items_list(vault)).await?;
        let wanted = vm.to_string();
        for item in items {
            let Some(ProtectedItem::ComputeVm(properties)) = &item.properties else {
                continue;
            };
            let same_vm = [
                &properties.virtual_machine_id,
                &properties.source_resource_id,
            ]
            .into_iter()
            .flatten()
            .any(|id| id.eq_ignore_ascii_case(&wanted));
            let Some(id) = item.meta.id.as_deref().filter(|_| same_vm) else {
                continue;
            };
            let id: ProtectedItemId = id.parse().map_err(|error| {
                ArmError::new(
                    ArmErrorKind::InvalidId {
                        id: id.to_owned(),
                        error,
                    },
                    "BackupProtectedItems_List",
                )
            })?;
            return Ok((id, item));
        }
        Err(ArmError::new(
            ArmErrorKind::NotProtected { vm: wanted },
            "BackupProtectedItems_List",
        ))
    }

    /// Every recovery point of an item, optionally within a window, all pages.
    pub async fn recovery_points(
        &self,
        item: &ProtectedItemId,
        window: Option<&TimeWindow>,
    ) -> Result<Vec<RecoveryPointResource>, ArmError> {
        self.list_all(&api::recovery_points_list(item, window))
            .await
    }

    /// One recovery point.
    pub async fn recovery_point(
        &self,
        point: &crate::azure::id::RecoveryPointId,
    ) -> Result<RecoveryPointResource, ArmError> {
        self.arm()
            .send_json(&api::recovery_point_get(point), None)
            .await
    }

    /// Every recovery point of an item as the secondary region has it (vault tier only).
    pub async fn secondary_recovery_points(
        &self,
        item: &ProtectedItemId,
        window: Option<&TimeWindow>,
    ) -> Result<Vec<RecoveryPointResource>, ArmError> {
        self.list_all(&api::crr_recovery_points_list(item, window))
            .await
    }
}
