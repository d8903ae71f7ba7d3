//! The backup side of the estate: vaults with their storage configuration
//! and settings, their Azure VM items with policy facts, and each item's
//! recovery points within the window, marked when the paired region has them.

use std::collections::{HashMap, HashSet};

use super::compute::os;
use super::estate::{from_azure, typed};
use super::{Problems, Progress, Scope, in_parallel};
use crate::azure::api::{self, TimeWindow};
use crate::azure::backup::Backup;
use crate::azure::id::{ProtectedItemId, SubscriptionId, VaultId};
use crate::azure::wire::estate::{ProtectionPolicyResource, Vault as WireVault};
use crate::azure::wire::protected_item::{ProtectedItem as WireItem, ProtectedItemResource};
use crate::azure::wire::recovery_point::{
    IaasVmRecoveryPoint, RecoveryPoint as WirePoint, RecoveryPointResource,
    TierStatus as WireStatus, TierType,
};
use crate::azure::wire::storage_config::{BackupResourceConfigResource, StorageType};
use crate::model::{
    Consistency, CrossSubscriptionRestore, Inventory, InventoryVault, Os, PolicyType,
    ProtectedItem, RecoveryPoint, RecoveryPointDisk, SecurityType, SoftDelete, StorageRedundancy,
    TierInfo, TierKind, TierStatus,
};
use jiff::Timestamp;

/// The vaults read, and the OS each protected VM had at its newest point
/// (for a VM ARM no longer has).
#[derive(Debug, Default)]
pub(super) struct Vaults {
    pub vaults: Vec<InventoryVault>,
    pub os_by_vm: HashMap<String, Os>,
}

/// A backup policy's facts: its type and days in the snapshot tier.
type PolicyFacts = (PolicyType, Option<u32>);

/// Reads the vaults of `subscription` that `scope` asks for.
pub(super) async fn vaults(
    backup: &Backup,
    subscription: &SubscriptionId,
    scope: &Scope,
    pairs: &[(String, String)],
    problems: &mut Problems,
    progress: &dyn Progress,
) -> Vaults {
    let mut wanted: Vec<WireVault> = Vec::new();
    if scope.vaults.is_empty() {
        match backup
            .list_all::<serde_json::Value>(&api::vaults_list_by_subscription(subscription))
            .await
        {
            Ok(listed) => wanted = typed(listed),
            Err(error) => problems.missing(
                &format!("the vaults of subscription {}", subscription.as_str()),
                &error,
            ),
        }
    }
    let named = scope
        .vaults
        .iter()
        .filter(|v| v.resource_group.subscription == *subscription);
    for vault in named {
        match backup.arm().send_json(&api::vault_get(vault), None).await {
            Ok(read) => wanted.push(read),
            Err(error) => problems.missing(&format!("vault {vault}"), &error),
        }
    }
    let window = TimeWindow {
        start: scope.now - scope.since,
        end: scope.now,
    };
    progress.expect(u64::try_from(wanted.len()).unwrap_or(u64::MAX));
    let mut read = Vaults::default();
    for wire in wanted {
        let Some(id) = wire
            .meta
            .id
            .as_deref()
            .and_then(|id| id.parse::<VaultId>().ok())
        else {
            continue;
        };
        if let Some(vault) = vault(
            backup,
            &id,
            &wire,
            &window,
            pairs,
            problems,
            &mut read.os_by_vm,
        )
        .await
        {
            read.vaults.push(vault);
        }
        progress.done(&format!("vault {}", id.name()));
    }
    read
}

/// One vault with its items, or `None` when its configuration cannot be read.
async fn vault(
    backup: &Backup,
    id: &VaultId,
    wire: &WireVault,
    window: &TimeWindow,
    pairs: &[(String, String)],
    problems: &mut Problems,
    os_by_vm: &mut HashMap<String, Os>,
) -> Option<InventoryVault> {
    let region = wire.meta.location.clone()?;
    let config: BackupResourceConfigResource = match backup
        .arm()
        .send_json(&api::storage_config_get(id), None)
        .await
    {
        Ok(config) => config,
        Err(error) => {
            problems.missing(&format!("the storage configuration of vault {id}"), &error);
            return None;
        }
    };
    let config = config.properties.unwrap_or_default();
    let cross_region_restore = config.cross_region_restore_flag.unwrap_or(false);
    let properties = wire.properties.clone().unwrap_or_default();
    let items: Vec<ProtectedItemResource> =
        match backup.list_all(&api::protected_items_list(id)).await {
            Ok(items) => items,
            Err(error) => {
                problems.missing(&format!("the protected items of vault {id}"), &error);
                Vec::new()
            }
        };
    let mut policies: HashMap<String, Option<PolicyFacts>> = HashMap::new();
    let mut wanted = Vec::new();
    for item in items {
        let Some(WireItem::ComputeVm(properties)) = &item.properties else {
            continue;
        };
        let Some(item_id) = item
            .meta
            .id
            .as_deref()
            .and_then(|i| i.parse::<ProtectedItemId>().ok())
        else {
            continue;
        };
        let Some(vm) = properties
            .virtual_machine_id
            .clone()
            .or_else(|| properties.source_resource_id.clone())
        else {
            continue;
        };
        let policy = properties.policy_name.clone();
        // A vault has a few policies and many items: each policy is read once.
        let facts = match &policy {
            Some(name) => match policies.get(name) {
                Some(facts) => *facts,
                None => {
                    let facts = policy_facts(backup, id, name, problems).await;
                    policies.insert(name.clone(), facts);
                    facts
                }
            },
            None => None,
        };
        wanted.push(ItemAsk {
            name: item
                .meta
                .name
                .clone()
                .unwrap_or_else(|| item_id.item_name()),
            id: item_id,
            vm,
            policy,
            facts,
        });
    }
    let read = in_parallel(wanted, |ask| {
        item(backup.clone(), ask, *window, cross_region_restore)
    })
    .await;
    let mut protected_items = Vec::new();
    for (found, os, found_problems) in read {
        problems.0.extend(found_problems);
        if let (Some(found), Some(os)) = (&found, os) {
            os_by_vm.entry(found.vm.to_ascii_lowercase()).or_insert(os);
        }
        protected_items.extend(found);
    }
    let settings = properties.restore_settings.as_ref();
    Some(InventoryVault {
        id: wire.meta.id.clone()?,
        paired_region: pairs
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(&region))
            .map(|(_, b)| b.clone()),
        region,
        storage_redundancy: match config.storage_type {
            Some(StorageType::LocallyRedundant) => StorageRedundancy::Lrs,
            Some(StorageType::ZoneRedundant) => StorageRedundancy::Zrs,
            Some(StorageType::ReadAccessGeoZoneRedundant) => StorageRedundancy::RaGrs,
            _ => StorageRedundancy::Grs,
        },
        cross_region_restore,
        cross_subscription_restore: from_azure!(
            CrossSubscriptionRestore,
            settings
                .and_then(|s| s.cross_subscription_restore_settings.as_ref())
                .and_then(|s| s.cross_subscription_restore_state.as_deref())
        )
        .unwrap_or_default(),
        soft_delete: from_azure!(
            SoftDelete,
            properties
                .security_settings
                .as_ref()
                .and_then(|s| s.soft_delete_settings.as_ref())
                .and_then(|s| s.soft_delete_state.as_deref())
        )
        .unwrap_or_default(),
        protected_items,
    })
}

/// A protected item to read the points of.
struct ItemAsk {
    name: String,
    id: ProtectedItemId,
    vm: String,
    policy: Option<String>,
    facts: Option<PolicyFacts>,
}

/// One item with its recovery points in the window (marked when the paired
/// region has them), the OS its points record, and what could not be read.
async fn item(
    backup: Backup,
    ask: ItemAsk,
    window: TimeWindow,
    cross_region_restore: bool,
) -> (
    Option<ProtectedItem>,
    Option<Os>,
    Vec<crate::diagnostic::Diagnostic>,
) {
    let mut problems = Problems::default();
    let points: Vec<RecoveryPointResource> =
        match backup.recovery_points(&ask.id, Some(&window)).await {
            Ok(points) => points,
            Err(error) => {
                problems.missing(&format!("the recovery points of {}", ask.id), &error);
                return (None, None, problems.0);
            }
        };
    let replicated: HashSet<String> = if cross_region_restore {
        match backup
            .secondary_recovery_points(&ask.id, Some(&window))
            .await
        {
            Ok(points) => points.into_iter().filter_map(|p| p.meta.name).collect(),
            Err(error) => {
                problems.detail(
                    &format!("the paired region's recovery points of {}", ask.id),
                    &error,
                );
                HashSet::new()
            }
        }
    } else {
        HashSet::new()
    };
    let instant_days = ask.facts.and_then(|(_, days)| days);
    let mut found_os = None;
    let mut recovery_points = Vec::new();
    for resource in &points {
        let Some(WirePoint::IaasVm(point)) = &resource.properties else {
            continue;
        };
        found_os = found_os.or_else(|| point.os_type.as_deref().and_then(os));
        let Some(name) = resource.meta.name.clone() else {
            continue;
        };
        if let Some(read) = recovery_point(&name, point, instant_days, replicated.contains(&name)) {
            recovery_points.push(read);
        }
    }
    recovery_points.sort_by_key(|p| std::cmp::Reverse(p.time));
    let item = ProtectedItem {
        name: ask.name,
        vm: ask.vm,
        policy: ask.policy,
        policy_type: ask.facts.map(|(kind, _)| kind.as_str().to_owned()),
        instant_restore_retention_days: instant_days,
        recovery_points,
    };
    (Some(item), found_os, problems.0)
}

/// The policy's type and snapshot days; `None` (and a warning) when it cannot be read.
async fn policy_facts(
    backup: &Backup,
    vault: &VaultId,
    name: &str,
    problems: &mut Problems,
) -> Option<PolicyFacts> {
    let read: ProtectionPolicyResource = match backup
        .arm()
        .send_json(&api::protection_policy_get(vault, name), None)
        .await
    {
        Ok(read) => read,
        Err(error) => {
            problems.detail(&format!("backup policy {name} of vault {vault}"), &error);
            return None;
        }
    };
    let policy = read.properties.unwrap_or_default();
    let kind = match policy.policy_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("V2") => PolicyType::Enhanced,
        _ => PolicyType::Standard,
    };
    Some((kind, policy.instant_rp_retention_range_in_days))
}

/// A recovery point as the inventory has it; `None` without a time.
fn recovery_point(
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
