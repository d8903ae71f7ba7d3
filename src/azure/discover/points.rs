//! Recovery points as the inventory has them: Azure's tiers, consistency,
//! disks and lifecycle, with the expiries and disk sizes Azure Backup does
//! not list filled in (see the module docs of `discover`).

use std::collections::HashMap;

use super::estate::from_azure;
use crate::azure::wire::recovery_point::{IaasVmRecoveryPoint, TierStatus as WireStatus, TierType};
use crate::model::{
    Consistency, Inventory, RecoveryPoint, RecoveryPointDisk, SecurityType, TierInfo, TierKind,
    TierStatus,
};
use jiff::Timestamp;

/// A recovery point as the inventory has it; `None` without a time.
pub(super) fn recovery_point(
    name: &str,
    point: &IaasVmRecoveryPoint,
    instant_days: Option<u32>,
    replicated: bool,
) -> Option<RecoveryPoint> {
    let time = point.recovery_point_time?;
    let lifecycle = point.recovery_point_properties.clone().unwrap_or_default();
    let expiry: Option<Timestamp> = lifecycle
        .expiry_time
        .as_deref()
        .and_then(|t| t.parse().ok());
    let details = point
        .recovery_point_tier_details
        .as_deref()
        .unwrap_or_default();
    let only_tier = details.len() == 1;
    let tiers = details
        .iter()
        .filter_map(|tier| {
            let kind = match tier.tier.as_ref()? {
                TierType::InstantRp => TierKind::Snapshot,
                TierType::HardenedRp => TierKind::Vault,
                TierType::ArchivedRp => TierKind::Archive,
                TierType::Invalid | TierType::Other(_) => return None,
            };
            let status = match tier.status.as_ref()? {
                WireStatus::Valid => TierStatus::Valid,
                WireStatus::Disabled => TierStatus::Disabled,
                WireStatus::Deleted => TierStatus::Deleted,
                WireStatus::Rehydrated => TierStatus::Rehydrated,
                WireStatus::Invalid | WireStatus::Other(_) => return None,
            };
            // Azure gives one expiry per point, that of its longest-kept tier.
            let snapshot_expiry = instant_days
                .map(|days| time + jiff::SignedDuration::from_hours(24 * i64::from(days)))
                .filter(|_| !only_tier);
            let expires_at = match kind {
                TierKind::Snapshot => snapshot_expiry.or(expiry),
                TierKind::Vault | TierKind::Archive => expiry,
            };
            Some(TierInfo {
                kind,
                status,
                expires_at,
            })
        })
        .collect();
    let configuration = point
        .recovery_point_disk_configuration
        .clone()
        .unwrap_or_default();
    let disk = |included: bool| {
        move |info: &crate::azure::wire::recovery_point::DiskInformation| RecoveryPointDisk {
            lun: info.lun.and_then(|l| u8::try_from(l).ok()),
            name: info.name.clone(),
            size_gib: None,
            included,
        }
    };
    let mut disks: Vec<RecoveryPointDisk> = configuration
        .included_disk_list
        .iter()
        .flatten()
        .map(disk(true))
        .collect();
    disks.extend(
        configuration
            .excluded_disk_list
            .iter()
            .flatten()
            .map(disk(false)),
    );
    Some(RecoveryPoint {
        id: name.to_owned(),
        time,
        consistency: match point.recovery_point_type.as_deref() {
            Some("CrashConsistent") => Consistency::CrashConsistent,
            Some("FileSystemConsistent") => Consistency::FileSystemConsistent,
            _ => Consistency::ApplicationConsistent,
        },
        tiers,
        encrypted: point.is_source_vm_encrypted.unwrap_or(false),
        managed: point.is_managed_virtual_machine.unwrap_or(true),
        vm_size: point.virtual_machine_size.clone(),
        security_type: from_azure!(SecurityType, point.security_type.as_deref()),
        zones: point
            .zones
            .iter()
            .flatten()
            .filter_map(|z| z.parse().ok())
            .collect(),
        disks,
        replicated_to_paired_region: replicated,
        soft_deleted: lifecycle.is_soft_deleted.unwrap_or(false),
        ilr_session_active: point.is_instant_ilr_session_active.unwrap_or(false),
        private_access_on_any_disk: point.is_private_access_enabled_on_any_disk.unwrap_or(false),
    })
}

/// A VM disk's LUN, lower-cased name and size.
type DiskSize = (Option<u8>, String, Option<u64>);

/// Gives each recovery point's disks the size of the VM's current disk of
/// the same name (or LUN): Azure Backup does not list sizes.
pub(super) fn size_point_disks(inventory: &mut Inventory) {
    let sizes: HashMap<String, Vec<DiskSize>> = inventory
        .virtual_machines
        .iter()
        .map(|vm| {
            let disks = vm
                .disks
                .iter()
                .map(|d| (d.lun, d.name.to_ascii_lowercase(), d.size_gib))
                .collect();
            (vm.id.to_ascii_lowercase(), disks)
        })
        .collect();
    for item in inventory
        .vaults
        .iter_mut()
        .flat_map(|v| v.protected_items.iter_mut())
    {
        let Some(disks) = sizes.get(&item.vm.to_ascii_lowercase()) else {
            continue;
        };
        for disk in item
            .recovery_points
            .iter_mut()
            .flat_map(|p| p.disks.iter_mut())
        {
            let by_name = disk
                .name
                .as_ref()
                .and_then(|name| disks.iter().find(|(_, n, _)| n.eq_ignore_ascii_case(name)));
            let by_lun = || disks.iter().find(|(lun, _, _)| *lun == disk.lun);
            disk.size_gib = by_name.or_else(by_lun).and_then(|(_, _, size)| *size);
        }
    }
}
