//! The backup side of the estate: vaults with their storage configuration
//! and settings, their Azure VM items with policy facts, and each item's
//! recovery points within the window, marked when the paired region has them.

use std::collections::{HashMap, HashSet};

use super::compute::os;
use super::estate::{from_azure, typed};
use super::points::recovery_point;
use super::{Problems, Progress, Scope, in_parallel};
use crate::azure::api::{self, TimeWindow};
use crate::azure::backup::Backup;
use crate::azure::id::{ProtectedItemId, SubscriptionId, VaultId};
use crate::azure::wire::estate::{ProtectionPolicyResource, Vault as WireVault};
use crate::azure::wire::protected_item::{ProtectedItem as WireItem, ProtectedItemResource};
use crate::azure::wire::recovery_point::{RecoveryPoint as WirePoint, RecoveryPointResource};
use crate::azure::wire::storage_config::{BackupResourceConfigResource, StorageType};
use crate::model::{
    CrossSubscriptionRestore, InventoryVault, Os, PolicyType, ProtectedItem, SoftDelete,
    StorageRedundancy,
};

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
