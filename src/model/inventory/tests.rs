//! Unit tests of the inventory model: the enums against the schema, the
//! defaults, the lookups and the timestamp check.

use super::*;
use serde_json::json;

const SUB: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";

fn vm_id(group: &str, name: &str) -> String {
    format!(
        "/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}"
    )
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("test times are valid")
}

fn small() -> Inventory {
    let vault = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-a"
    );
    let network = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a"
    );
    Inventory::from_value(&json!({
        "apiVersion": "restoreplan/v1",
        "kind": "Inventory",
        "snapshotTime": "2026-11-26T06:00:00Z",
        "vaults": [{
            "id": vault,
            "region": "westeurope",
            "protectedItems": [{
                "name": "VM;iaasvmcontainerv2;rg-web;web-01",
                "vm": vm_id("RG-WEB", "WEB-01"),
                "recoveryPoints": [{
                    "id": "1",
                    "time": "2026-11-25T00:00:00Z",
                    "tiers": [{"type": "snapshot", "status": "valid"}],
                    "disks": [{"sizeGiB": 64}, {"lun": 3}]
                }]
            }]
        }],
        "virtualMachines": [
            {"id": vm_id("rg-web", "web-01"), "name": "web-01", "region": "westeurope"},
            {"id": vm_id("rg-other", "web-01"), "name": "Web-01", "region": "northeurope"},
        ],
        "virtualNetworks": [{
            "id": network, "region": "westeurope",
            "subnets": [{"name": "app", "freeIps": 3}]
        }],
        "resourceGroups": [{"id": format!("/subscriptions/{SUB}/resourceGroups/rg-web"),
            "region": "westeurope", "existingNames": ["web-01"]}],
        "quotas": [{"subscription": SUB, "region": "westeurope",
            "family": "standardDSv5Family", "limit": 10, "used": 12}],
    }))
    .expect("the small inventory reads")
}

#[test]
fn every_schema_enum_has_its_values_and_default() {
    fn check<T: Copy + std::fmt::Display>(def: &str, all: &[T], default: Option<T>) {
        let schema = SchemaKind::Inventory.value();
        let node = schema
            .pointer(def)
            .unwrap_or_else(|| panic!("{def} is in the schema"));
        let written: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(node["enum"], json!(written), "{def}");
        let expected = node.get("default").cloned();
        assert_eq!(expected, default.map(|d| json!(d.to_string())), "{def}");
    }
    let props = "/$defs";
    check(
        &format!("{props}/vault/properties/storageRedundancy"),
        StorageRedundancy::ALL,
        Some(StorageRedundancy::default()),
    );
    check(
        &format!("{props}/vault/properties/crossSubscriptionRestore"),
        CrossSubscriptionRestore::ALL,
        Some(CrossSubscriptionRestore::default()),
    );
    check(
        &format!("{props}/vault/properties/softDelete"),
        SoftDelete::ALL,
        Some(SoftDelete::default()),
    );
    check(
        &format!("{props}/protectedItem/properties/policyType"),
        PolicyType::ALL,
        Some(PolicyType::default()),
    );
    check(
        &format!("{props}/recoveryPoint/properties/consistency"),
        Consistency::ALL,
        Some(Consistency::default()),
    );
    check(
        &format!("{props}/tier/properties/type"),
        TierKind::ALL,
        None,
    );
    check(
        &format!("{props}/tier/properties/status"),
        TierStatus::ALL,
        None,
    );
    check(
        &format!("{props}/virtualMachine/properties/os"),
        Os::ALL,
        None,
    );
    check(
        &format!("{props}/securityType"),
        SecurityType::ALL,
        Some(SecurityType::default()),
    );
    check(
        &format!("{props}/vmDisk/properties/role"),
        DiskRole::ALL,
        Some(DiskRole::default()),
    );
    check(&format!("{props}/diskSku"), DiskSku::ALL, None);
    check(
        &format!("{props}/vmEncryption/properties/adeKeyKind"),
        AdeKeyKind::ALL,
        Some(AdeKeyKind::default()),
    );
    check(
        &format!("{props}/vmImage/properties/kind"),
        ImageKind::ALL,
        None,
    );
    check(
        &format!("{props}/storageAccount/properties/kind"),
        StorageKind::ALL,
        Some(StorageKind::default()),
    );
    check(
        &format!("{props}/storageAccount/properties/sku"),
        StorageSku::ALL,
        Some(StorageSku::default()),
    );
    check(
        &format!("{props}/storageAccount/properties/publicNetworkAccess"),
        PublicNetworkAccess::ALL,
        Some(PublicNetworkAccess::default()),
    );
    check(
        &format!("{props}/storageAccount/properties/firewallDefaultAction"),
        FirewallDefaultAction::ALL,
        Some(FirewallDefaultAction::default()),
    );
    // Defaults the model keeps on a type rather than a field.
    let schema = SchemaKind::Inventory.value();
    assert_eq!(
        schema["$defs"]["vmDisk"]["properties"]["type"]["default"],
        json!(DiskSku::default().as_str())
    );
    assert_eq!(
        schema["$defs"]["protectedItem"]["properties"]["instantRestoreRetentionDays"]["default"],
        json!(DEFAULT_INSTANT_RESTORE_RETENTION_DAYS)
    );
}

#[test]
fn the_schema_has_timestamps_only_where_the_check_looks() {
    // check_timestamps walks three places; a new timestamp field needs a line there.
    let text = SchemaKind::Inventory.text();
    assert_eq!(text.matches("\"$ref\": \"#/$defs/timestamp\"").count(), 3);
}

#[test]
fn omitted_fields_take_the_schema_defaults() {
    let inventory = small();
    let vault = &inventory.vaults[0];
    assert_eq!(vault.storage_redundancy, StorageRedundancy::Grs);
    assert!(!vault.cross_region_restore);
    let item = &vault.protected_items[0];
    assert_eq!(item.policy_kind(), PolicyType::Standard);
    assert_eq!(item.instant_restore_days(), 2);
    let point = &item.recovery_points[0];
    assert_eq!(point.consistency, Consistency::ApplicationConsistent);
    assert!(point.managed && !point.encrypted && point.security_type.is_none());
    assert!(point.disks.iter().all(|disk| disk.included));
    assert_eq!(point.luns().collect::<Vec<_>>(), [3]);
    assert!(point.disks[0].is_os_disk());
    let vm = &inventory.virtual_machines[0];
    assert!(vm.exists && !vm.spot && !vm.generalized);
    assert_eq!(vm.security_type, SecurityType::Standard);
    assert_eq!(vm.encryption, VmEncryption::default());
    assert!(vm.encryption.ade_single_pass);
    assert_eq!(vm.identity, VmIdentity::default());
}

#[test]
fn valid_tiers_skip_deleted_disabled_and_expired_ones() {
    let tier = |kind, status, expires: Option<&str>| TierInfo {
        kind,
        status,
        expires_at: expires.map(at),
    };
    let point = RecoveryPoint {
        tiers: vec![
            tier(
                TierKind::Snapshot,
                TierStatus::Valid,
                Some("2026-11-26T00:00:00Z"),
            ),
            tier(TierKind::Vault, TierStatus::Valid, None),
            tier(
                TierKind::Archive,
                TierStatus::Rehydrated,
                Some("2026-12-01T00:00:00Z"),
            ),
            tier(TierKind::Archive, TierStatus::Deleted, None),
            tier(TierKind::Snapshot, TierStatus::Disabled, None),
        ],
        ..small().vaults[0].protected_items[0].recovery_points[0].clone()
    };
    let before = at("2026-11-25T23:59:59Z");
    assert_eq!(
        point.valid_tiers(before).collect::<Vec<_>>(),
        [TierKind::Snapshot, TierKind::Vault, TierKind::Archive]
    );
    // A tier is gone at its expiry instant.
    let expiry = at("2026-11-26T00:00:00Z");
    assert_eq!(
        point.valid_tiers(expiry).collect::<Vec<_>>(),
        [TierKind::Vault, TierKind::Archive]
    );
    assert!(!point.has_valid_tier(TierKind::Snapshot, expiry));
    assert_eq!(
        point
            .valid_tiers(at("2027-01-01T00:00:00Z"))
            .collect::<Vec<_>>(),
        [TierKind::Vault]
    );
}

#[test]
fn lookups_compare_arm_ids_and_names_case_insensitively() {
    let inventory = small();
    let upper = vm_id("RG-WEB", "WEB-01").replace("/subscriptions/", "/SUBSCRIPTIONS/");
    assert_eq!(
        inventory.vm_by_id(&upper).map(|vm| vm.region.as_str()),
        Some("westeurope")
    );
    assert!(inventory.vm_by_id(&vm_id("rg-web", "web-02")).is_none());
    assert_eq!(
        inventory.vm_by_name("WEB-01").map(|vm| vm.name.as_str()),
        Some("web-01")
    );
    assert_eq!(inventory.vms_named("web-01").count(), 2);
    assert!(inventory.vm_by_name("web").is_none());
    assert_eq!(
        inventory
            .vm_by_reference(&vm_id("rg-other", "web-01"))
            .map(|vm| vm.name.as_str()),
        Some("Web-01")
    );
    assert_eq!(
        inventory
            .vm_by_reference("web-01")
            .map(|vm| vm.region.as_str()),
        Some("westeurope")
    );
    let (vault, item) = inventory
        .protected_item_for_vm(&vm_id("rg-web", "web-01"))
        .expect("web-01 is protected");
    assert_eq!((vault.name(), item.vm_name()), ("rsv-a", "WEB-01"));
    assert!(
        inventory
            .protected_item_for_vm(&vm_id("rg-other", "web-01"))
            .is_none()
    );
    assert!(
        inventory
            .vault_by_id(&vault.id.to_ascii_lowercase())
            .is_some()
    );
}

#[test]
fn arm_ids_split_into_their_parts() {
    let id = vm_id("rg-web", "web-01");
    assert_eq!(arm_id_name(&id), "web-01");
    assert_eq!(arm_id_name("web-01"), "web-01");
    assert_eq!(arm_id_segment(&id, "resourcegroups"), Some("rg-web"));
    assert_eq!(arm_id_segment(&id, "subscriptions"), Some(SUB));
    assert_eq!(arm_id_segment("/subscriptions/", "subscriptions"), None);
    assert_eq!(arm_id_segment(&id, "vaults"), None);
    let inventory = small();
    let vm = &inventory.virtual_machines[0];
    assert_eq!(
        (vm.subscription(), vm.resource_group()),
        (Some(SUB), Some("rg-web"))
    );
}

#[test]
fn network_groups_and_quotas_are_found() {
    let inventory = small();
    let subnet = format!(
        "{}/subnets/APP",
        inventory.virtual_networks[0].id.to_ascii_uppercase()
    );
    let (network, found) = inventory
        .subnet_by_id(&subnet)
        .expect("the subnet is found");
    assert_eq!(
        (network.region.as_str(), found.free_ips),
        ("westeurope", Some(3))
    );
    assert!(
        inventory
            .subnet_by_id(&inventory.virtual_networks[0].id)
            .is_none()
    );
    let group = inventory
        .resource_group_by_id(&format!("/subscriptions/{SUB}/resourcegroups/RG-WEB"))
        .expect("the group is found");
    assert!(group.has_name("WEB-01") && !group.has_name("web-02"));
    assert_eq!(group.name(), "rg-web");
    let quota = inventory
        .quota(
            &SUB.to_ascii_uppercase(),
            "westeurope",
            "standardDSv5Family",
        )
        .expect("the quota is found");
    assert_eq!(quota.available(), 0);
    assert!(
        inventory
            .quota(SUB, "northeurope", "standardDSv5Family")
            .is_none()
    );
}

#[test]
fn impossible_times_are_reported_where_they_are_written() {
    let value = json!({
        "snapshotTime": "2026-02-30T00:00:00Z",
        "vaults": [{"protectedItems": [{"recoveryPoints": [
            {"time": "2026-11-25T00:00:00Z", "tiers": [{"expiresAt": "2026-11-26T24:00:00Z"}]}
        ]}]}]
    });
    let found = Inventory::check_timestamps(&value);
    let pointers: Vec<_> = found.iter().map(|d| d.pointer.as_deref()).collect();
    assert_eq!(
        pointers,
        [
            Some("/snapshotTime"),
            Some("/vaults/0/protectedItems/0/recoveryPoints/0/tiers/0/expiresAt")
        ]
    );
    assert!(found.iter().all(|d| d.code == Code::NotARealTime));
    assert!(
        found[1]
            .message
            .contains("`vaults.0.protectedItems.0.recoveryPoints.0.tiers.0.expiresAt`")
    );
    let error = Inventory::from_value(&value).expect_err("30 February is no date");
    assert_eq!(error.pointer.as_deref(), Some("/snapshotTime"));
}

#[test]
fn an_unreadable_value_is_an_internal_error() {
    let error = Inventory::from_value(&json!({"snapshotTime": 5})).expect_err("not a time");
    assert_eq!(error.code, Code::Internal);
}
