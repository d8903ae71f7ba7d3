//! Comparing inventories on the facts ARM exposes: the round trip of
//! `inventory export` against the emulator's seed.

use restoreplan::model::{DiskSku, Inventory, StorageRedundancy, VmEncryption};
use restoreplan::pipeline::load_inventory;
use restoreplan::source::SourceFile;
use std::path::Path;

/// The Contoso inventory every example plan is checked against.
pub fn seed_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("plans/inventory/contoso.yaml")
        .to_string_lossy()
        .into_owned()
}

/// Loads an inventory file as `plan` does; one that does not load fails the test.
pub fn load(path: &Path) -> Inventory {
    let (source, problems) = SourceFile::read(&path.to_string_lossy()).expect("readable");
    let loaded = load_inventory(source, problems);
    loaded
        .inventory
        .unwrap_or_else(|| panic!("{path:?} loads: {:?}", loaded.report.diagnostics))
}

/// The facts ARM cannot tell, set alike on both sides (see
/// `restoreplan::azure::discover` for how export fills each), and the
/// orders that carry no meaning made one.
pub fn comparable(mut inventory: Inventory) -> serde_json::Value {
    inventory.snapshot_time = "2026-11-26T06:00:00Z".parse().expect("time");
    // The subscriptions' names and tenants are what Subscriptions_Get says; the seed has none.
    inventory.subscriptions.clear();
    let deleted: Vec<String> = inventory
        .virtual_machines
        .iter()
        .filter(|vm| !vm.exists)
        .map(|vm| vm.id.to_ascii_lowercase())
        .collect();
    for vault in &mut inventory.vaults {
        // The storage configuration says GeoRedundant for GRS and RA-GRS alike.
        if vault.storage_redundancy == StorageRedundancy::RaGrs {
            vault.storage_redundancy = StorageRedundancy::Grs;
        }
        for item in &mut vault.protected_items {
            // Item names compare without case, as ARM's do.
            item.name = item.name.to_ascii_lowercase();
            item.policy_type = Some(item.policy_kind().as_str().to_owned());
            item.instant_restore_retention_days = Some(item.instant_restore_days());
            if deleted.contains(&item.vm.to_ascii_lowercase()) {
                // Azure Backup lists no disk sizes; export takes them from the VM, which is gone.
                for disk in item.recovery_points.iter_mut().flat_map(|p| &mut p.disks) {
                    disk.size_gib = None;
                }
            }
        }
    }
    for vm in &mut inventory.virtual_machines {
        // From Azure Monitor, the ADE extension and the disk resource.
        vm.diagnostic_settings = false;
        vm.encryption = VmEncryption {
            ade_key_kind: Default::default(),
            ade_single_pass: true,
            ..vm.encryption.clone()
        };
        for disk in &mut vm.disks {
            disk.shared = false;
            if !disk.managed {
                // ARM gives a storage type for managed disks only.
                disk.kind = DiskSku::default();
            }
        }
        if !vm.exists {
            // A deleted VM is known only from its newest recovery point.
            vm.disks.iter_mut().for_each(|d| {
                d.kind = DiskSku::default();
                d.size_gib = None;
            });
            vm.image = None;
            vm.nics.clear();
            vm.tags.clear();
            vm.license_type = None;
            vm.identity = Default::default();
            vm.encryption.host_encryption = false;
            vm.generalized = false;
        }
    }
    inventory.virtual_machines.sort_by(|a, b| a.id.cmp(&b.id));
    inventory.vaults.sort_by(|a, b| a.id.cmp(&b.id));
    inventory.virtual_networks.sort_by(|a, b| a.id.cmp(&b.id));
    inventory.storage_accounts.sort_by(|a, b| a.id.cmp(&b.id));
    inventory.resource_groups.sort_by(|a, b| a.id.cmp(&b.id));
    for group in &mut inventory.resource_groups {
        group.existing_names.sort();
    }
    inventory.quotas.sort_by(|a, b| {
        (&a.subscription, &a.region, &a.family).cmp(&(&b.subscription, &b.region, &b.family))
    });
    serde_json::to_value(&inventory).expect("serializable")
}

/// The first differing member, as a JSON pointer with both values.
pub fn first_difference(
    path: &str,
    a: &serde_json::Value,
    b: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            first_difference(
                &format!("{path}/{k}"),
                x.get(k).unwrap_or(&Value::Null),
                y.get(k).unwrap_or(&Value::Null),
            )
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(&format!("{path}/{i}"), p, q)),
        _ if a == b => None,
        _ => Some(format!("{path}: seed {a} ≠ export {b}")),
    }
}
