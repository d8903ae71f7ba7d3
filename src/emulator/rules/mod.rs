//! The restore rules as Azure Backup enforces them when a restore is
//! triggered, written independently of the dry run (`src/check`): when the dry
//! run misses a rule, the emulator still refuses the restore, and a test that
//! runs the plan against the emulator catches the gap. Refusals carry
//! Azure-style `UserError…` codes in ARM's envelope.

use super::envelope::ArmError;
use super::jobs::RestoreKind;
use crate::model::{
    CrossSubscriptionRestore, Inventory, InventoryVault, ProtectedItem, RecoveryPoint, TierKind,
    arm_id_name, arm_id_segment, same_arm_id,
};
use jiff::Timestamp;

/// A restore as it was asked for, in the emulator's own terms.
#[derive(Debug, Clone)]
pub struct RestoreAsk<'a> {
    /// What the restore produces.
    pub kind: RestoreKind,
    /// The vault the point belongs to.
    pub vault: &'a InventoryVault,
    /// The protected item.
    pub item: &'a ProtectedItem,
    /// The recovery point.
    pub point: &'a RecoveryPoint,
    /// Whether it came through the cross-region restore call.
    pub cross_region: bool,
    /// Whether it asked for rehydration of an archived point.
    pub rehydrate: bool,
    /// The region of the restore (`region` in the request).
    pub region: &'a str,
    /// The new VM's ARM id (alternate location).
    pub target_vm: Option<&'a str>,
    /// The target resource group's ARM id.
    pub target_group: Option<&'a str>,
    /// The target subnet's ARM id (alternate location).
    pub subnet: Option<&'a str>,
    /// The staging storage account's ARM id.
    pub staging_account: Option<&'a str>,
    /// The LUNs of the data disks to restore (`restoreDiskLunList`); all when absent.
    pub disk_luns: Option<&'a [i32]>,
    /// When it was asked, in simulated time.
    pub now: Timestamp,
}

/// Refuses a restore that Azure would refuse, with the first rule it breaks.
pub fn check(ask: &RestoreAsk<'_>, inventory: &Inventory) -> Result<(), ArmError> {
    let refuse = |code: &str, message: String| Err(ArmError::bad_request(code, message));
    let source = inventory.vm_by_id(&ask.item.vm);
    let vm_name = ask.item.vm_name();
    let point = ask.point;

    if point.soft_deleted {
        return refuse(
            "UserErrorRecoveryPointSoftDeleted",
            format!(
                "Recovery point '{}' belongs to a soft-deleted backup item. Undelete the item before restoring from it.",
                point.id
            ),
        );
    }
    if let Some(luns) = ask.disk_luns
        && let Some(missing) = luns
            .iter()
            .find(|lun| !point.luns().any(|known| i32::from(known) == **lun))
    {
        return refuse(
            "UserErrorInvalidRestoreDiskLunList",
            format!(
                "LUN {missing} is not a data disk of recovery point '{}'.",
                point.id
            ),
        );
    }

    // The tier the restore would read from.
    let usable = |kind| point.has_valid_tier(kind, ask.now);
    let archived_only = !usable(TierKind::Snapshot) && !usable(TierKind::Vault);
    if archived_only && !usable(TierKind::Archive) {
        return refuse(
            "UserErrorRecoveryPointNotFound",
            format!(
                "Recovery point '{}' of '{vm_name}' has no tier that can be restored from; it has expired or been deleted.",
                point.id
            ),
        );
    }
    if archived_only && !ask.rehydrate {
        return refuse(
            "UserErrorRecoveryPointInArchiveTier",
            format!(
                "Recovery point '{}' is in the archive tier only. Restore it with an IaasVMRestoreWithRehydrationRequest.",
                point.id
            ),
        );
    }

    if ask.cross_region {
        if !ask.vault.cross_region_restore || !ask.vault.storage_redundancy.is_geo_redundant() {
            return refuse(
                "UserErrorCrossRegionRestoreNotEnabled",
                format!(
                    "Cross Region Restore is not enabled on vault '{}'. Enable it on a geo-redundant vault first.",
                    ask.vault.name()
                ),
            );
        }
        if !(point.replicated_to_paired_region && usable(TierKind::Vault)) {
            return refuse(
                "UserErrorCrrRecoveryPointNotAvailableInSecondaryRegion",
                format!(
                    "Recovery point '{}' is not available in the secondary region: only vault-tier points replicated to the paired region can be restored across regions; snapshot-only points cannot.",
                    point.id
                ),
            );
        }
        if let Some(paired) = &ask.vault.paired_region
            && !paired.eq_ignore_ascii_case(ask.region)
        {
            return refuse(
                "UserErrorCrossRegionRestoreRegionMismatch",
                format!(
                    "A cross-region restore of vault '{}' restores into its paired region '{paired}', not '{}'.",
                    ask.vault.name(),
                    ask.region
                ),
            );
        }
    } else if !ask.vault.region.eq_ignore_ascii_case(ask.region) {
        return refuse(
            "UserErrorRestoreRegionMismatch",
            format!(
                "The restore region '{}' is not the vault's region '{}'. Use cross-region restore to restore into the paired region.",
                ask.region, ask.vault.region
            ),
        );
    }

    match ask.kind {
        RestoreKind::OriginalLocation => {
            if !source.is_some_and(|vm| vm.exists) {
                return refuse(
                    "UserErrorOriginalVmDoesNotExist",
                    format!(
                        "Virtual machine '{vm_name}' no longer exists, so its disks cannot be replaced. Restore it as a new VM or restore its disks."
                    ),
                );
            }
            if point.encrypted {
                return refuse(
                    "UserErrorOriginalLocationRestoreNotSupportedForEncryptedVm",
                    format!(
                        "Replacing the disks of '{vm_name}' is not supported for a point encrypted with Azure Disk Encryption. Restore the disks and create the VM from them."
                    ),
                );
            }
        }
        RestoreKind::AlternateLocation => {
            if point.encrypted {
                return refuse(
                    "UserErrorEncryptedVmNotSupportedForCreateNewVm",
                    format!(
                        "Creating a new VM from recovery point '{}' of '{vm_name}' is not supported: the VM was encrypted with Azure Disk Encryption. Restore the disks and create the VM from them.",
                        point.id
                    ),
                );
            }
            check_new_vm(ask, inventory)?;
        }
        RestoreKind::RestoreDisks => {}
    }
    if matches!(
        ask.kind,
        RestoreKind::AlternateLocation | RestoreKind::RestoreDisks
    ) {
        check_staging(ask, inventory)?;
    }
    check_subscription(ask, usable(TierKind::Vault))
}

/// The target of a new VM: a free name, a subnet with a free address, quota.
fn check_new_vm(ask: &RestoreAsk<'_>, inventory: &Inventory) -> Result<(), ArmError> {
    let refuse = |code: &str, message: String| Err(ArmError::bad_request(code, message));
    let (Some(target_vm), Some(subnet)) = (ask.target_vm, ask.subnet) else {
        return refuse(
            "UserErrorTargetDetailsMissing",
            "A restore as a new VM needs targetVirtualMachineId, virtualNetworkId and subnetId."
                .to_owned(),
        );
    };
    let name = arm_id_name(target_vm);
    let group_id = target_vm.split("/providers/").next().unwrap_or_default();
    let taken = inventory
        .vms_in_group_named(group_id, name)
        .any(|vm| vm.exists)
        || inventory
            .resource_group_by_id(group_id)
            .is_some_and(|group| group.has_name(name));
    if taken {
        return refuse(
            "UserErrorVmNameAlreadyExists",
            format!(
                "A resource named '{name}' already exists in resource group '{}'. Choose another name for the restored VM.",
                arm_id_name(group_id)
            ),
        );
    }
    let Some((network, found)) = inventory.subnet_by_id(subnet) else {
        return refuse(
            "UserErrorSubnetNotFound",
            format!("Subnet '{subnet}' was not found."),
        );
    };
    if !network.region.eq_ignore_ascii_case(ask.region) {
        return refuse(
            "UserErrorVirtualNetworkRegionMismatch",
            format!(
                "Virtual network '{}' is in '{}', not in the restore region '{}'.",
                arm_id_name(&network.id),
                network.region,
                ask.region
            ),
        );
    }
    if found.free_ips == Some(0) {
        return refuse(
            "SubnetIsFull",
            format!(
                "Subnet '{}' has no free IP address for the restored VM's network interface.",
                found.name
            ),
        );
    }
    let source = inventory.vm_by_id(&ask.item.vm);
    let subscription = arm_id_segment(target_vm, "subscriptions").unwrap_or_default();
    let cores = source.and_then(|vm| vm.v_cpus).unwrap_or(0);
    let families = ["cores"]
        .into_iter()
        .chain(source.and_then(|vm| vm.family.as_deref()));
    for family in families {
        if let Some(quota) = inventory.quota(subscription, ask.region, family)
            && quota.available() < cores
        {
            return refuse(
                "QuotaExceeded",
                format!(
                    "Operation could not be completed as it results in exceeding approved {family} quota in {}: limit {}, in use {}, requested {cores}.",
                    ask.region, quota.limit, quota.used
                ),
            );
        }
    }
    Ok(())
}

/// The staging storage account: there, and in the restore's region.
fn check_staging(ask: &RestoreAsk<'_>, inventory: &Inventory) -> Result<(), ArmError> {
    let Some(account_id) = ask.staging_account else {
        return Err(ArmError::bad_request(
            "UserErrorStorageAccountMissing",
            "This restore needs a staging storage account (storageAccountId).",
        ));
    };
    let Some(account) = inventory.storage_account_by_id(account_id) else {
        return Err(ArmError::bad_request(
            "UserErrorStorageAccountNotFound",
            format!(
                "Storage account '{}' was not found.",
                arm_id_name(account_id)
            ),
        ));
    };
    if !account.region.eq_ignore_ascii_case(ask.region) {
        return Err(ArmError::bad_request(
            "UserErrorStorageAccountRegionMismatch",
            format!(
                "Staging storage account '{}' is in '{}'; it must be in the restore region '{}'.",
                arm_id_name(account_id),
                account.region,
                ask.region
            ),
        ));
    }
    Ok(())
}

/// Restoring into another subscription needs the vault to allow it, and a
/// vault-tier point in the primary region: Azure does not restore snapshots
/// or secondary-region copies into another subscription.
fn check_subscription(ask: &RestoreAsk<'_>, vault_tier: bool) -> Result<(), ArmError> {
    let vault_subscription = arm_id_segment(&ask.vault.id, "subscriptions").unwrap_or_default();
    let target = ask.target_group.or(ask.target_vm);
    let Some(target_subscription) = target.and_then(|id| arm_id_segment(id, "subscriptions"))
    else {
        return Ok(());
    };
    let crosses = !same_arm_id(vault_subscription, target_subscription);
    if crosses && ask.vault.cross_subscription_restore != CrossSubscriptionRestore::Enabled {
        return Err(ArmError::bad_request(
            "UserErrorCrossSubscriptionRestoreNotAllowed",
            format!(
                "Vault '{}' does not allow restoring into another subscription (cross-subscription restore is {}).",
                ask.vault.name(),
                ask.vault.cross_subscription_restore
            ),
        ));
    }
    if crosses && (ask.cross_region || !vault_tier) {
        return Err(ArmError::bad_request(
            "UserErrorCrossSubscriptionRestoreNotSupported",
            format!(
                "Recovery point '{}' cannot be restored into another subscription: cross-subscription restore needs a vault-tier point and is not supported for cross-region restore.",
                ask.point.id
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
