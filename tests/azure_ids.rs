//! Typed ARM ids: parse(display(id)) == id for every valid id, hostile strings
//! never panic, and what ARM would refuse (or what could change a URL's
//! meaning) is rejected before it reaches a URL.

use proptest::prelude::*;
use restoreplan::azure::id::{
    ArmId, DiskEncryptionSetId, ProtectedItemId, RecoveryPointId, ResourceGroupId,
    StorageAccountId, SubnetId, SubscriptionId, UserAssignedIdentityId, VaultId, VirtualMachineId,
    VirtualNetworkId,
};

const ITEM: &str = "/subscriptions/3F2C8A1E-6B4D-4E8A-9C1F-2D7E5B9A0C41/resourcegroups/rg-backup/providers/microsoft.recoveryservices/Vaults/rsv-prod/backupFabrics/azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-app;sql-01/protectedItems/VM;iaasvmcontainerv2;rg-app;sql-01";

#[test]
fn ids_parse_without_regard_to_keyword_case_and_display_canonically() {
    let item: ProtectedItemId = ITEM.parse().expect("valid item id");
    assert_eq!(item.vm_resource_group(), "rg-app");
    assert_eq!(item.vm_name(), "sql-01");
    assert_eq!(
        item.to_string(),
        "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupFabrics/Azure/protectionContainers/iaasvmcontainer;iaasvmcontainerv2;rg-app;sql-01/protectedItems/vm;iaasvmcontainerv2;rg-app;sql-01"
    );
    assert!(
        item.url_path()
            .ends_with("/protectedItems/vm%3Biaasvmcontainerv2%3Brg-app%3Bsql-01")
    );
    let point: RecoveryPointId = format!("{ITEM}/recoveryPoints/20982486783671")
        .parse()
        .expect("valid point id");
    assert_eq!(point.item, item);
}

#[test]
fn what_arm_refuses_is_rejected_with_a_reason() {
    let vm = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
    assert!(vm.parse::<VirtualMachineId>().is_ok());
    let cases = [
        (vm.replace("vm1", ".."), "no '.' or '..' segments"),
        (vm.replace("/rg/", "/../"), "no '.' or '..' segments"),
        (vm.replace("/vm1", "/vm1/"), "empty segments"),
        (vm.replace("/rg/", "/rg//"), "empty segments"),
        (vm.replace("vm1", "vm\u{7}1"), "control character"),
        (vm.replace("vm1", "vm%2F1"), "cannot contain '%'"),
        (vm.replace("vm1", "vm?1"), "cannot contain '?'"),
        (vm.replace("3f2c8a1e", "3f2c8a1x"), "GUID"),
        (
            vm.replace("virtualMachines", "disks"),
            "expected 'virtualMachines'",
        ),
        (vm.trim_start_matches('/').to_owned(), "starts with '/'"),
        (format!("{vm}/extensions/x"), "unexpected segment"),
        (vm.replace("vm1", &"v".repeat(65)), "1–64 characters"),
        (vm.replace("vm1", "vm1-"), "cannot end with '-'"),
    ];
    for (input, reason) in cases {
        let error = input.parse::<VirtualMachineId>().expect_err(&input);
        assert!(error.reason().contains(reason), "{input}: {error}");
    }
    let item_of_other_vm = ITEM.replace(
        "protectedItems/VM;iaasvmcontainerv2;rg-app;sql-01",
        "protectedItems/VM;iaasvmcontainerv2;rg-app;sql-02",
    );
    assert!(
        item_of_other_vm.parse::<ProtectedItemId>().is_err(),
        "container and item must name the same VM"
    );
    assert!(
        ITEM.replace("/azure/", "/Other/")
            .parse::<ProtectedItemId>()
            .is_err(),
        "the fabric is Azure"
    );
    let storage = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/StApp";
    assert!(
        storage.parse::<StorageAccountId>().is_err(),
        "storage account names are lowercase"
    );
}

fn subscription() -> impl Strategy<Value = SubscriptionId> {
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        .prop_map(|guid| SubscriptionId::new(&guid).expect("generated GUID"))
}

fn group() -> impl Strategy<Value = ResourceGroupId> {
    (
        subscription(),
        "[a-zA-Z0-9_()ä-][a-zA-Z0-9_.()-]{0,40}[a-zA-Z0-9_)]",
    )
        .prop_map(|(subscription, name)| {
            ResourceGroupId::new(subscription, &name).expect("generated group")
        })
}

fn vault() -> impl Strategy<Value = VaultId> {
    (group(), "[a-zA-Z][a-zA-Z0-9-]{1,49}")
        .prop_map(|(group, name)| VaultId::new(group, &name).expect("generated vault"))
}

fn vm() -> impl Strategy<Value = VirtualMachineId> {
    (group(), "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,40}[a-zA-Z0-9_]")
        .prop_map(|(group, name)| VirtualMachineId::new(group, &name).expect("generated vm"))
}

fn round_trip<T>(id: &T)
where
    T: ArmId + std::str::FromStr + PartialEq + std::fmt::Debug,
    T::Err: std::fmt::Debug,
{
    let text = id.to_string();
    let parsed: T = text.parse().unwrap_or_else(|e| panic!("{text}: {e:?}"));
    assert_eq!(&parsed, id);
    assert!(!id.url_path().contains(';'), "{}", id.url_path());
}

proptest! {
    #[test]
    fn every_id_kind_survives_display_then_parse(
        vault in vault(),
        vm in vm(),
        other in group(),
        point_name in "[0-9]{1,20}",
        vnet_name in "[a-z0-9][a-z0-9_.-]{0,30}[a-z0-9_]",
        subnet_name in "[a-z0-9][a-z0-9_.-]{0,30}[a-z0-9_]",
        account in "[a-z0-9]{3,24}",
        des in "[a-zA-Z0-9][a-zA-Z0-9_-]{0,40}",
        identity in "[a-zA-Z0-9][a-zA-Z0-9_-]{2,60}",
    ) {
        let item = ProtectedItemId::for_vm(vault.clone(), &vm);
        let point = RecoveryPointId::new(item.clone(), &point_name).expect("point");
        let vnet = VirtualNetworkId::new(other.clone(), &vnet_name).expect("vnet");
        round_trip(&vault.resource_group.subscription);
        round_trip(&vault.resource_group);
        round_trip(&vault);
        round_trip(&vm);
        round_trip(&item);
        round_trip(&point);
        round_trip(&SubnetId::new(vnet.clone(), &subnet_name).expect("subnet"));
        round_trip(&vnet);
        round_trip(&StorageAccountId::new(other.clone(), &account).expect("account"));
        round_trip(&DiskEncryptionSetId::new(other.clone(), &des).expect("des"));
        round_trip(&UserAssignedIdentityId::new(other, &identity).expect("identity"));
    }

    #[test]
    fn hostile_strings_never_panic_any_parser(input in any::<String>(), tail in "[/;.%?#a-z\u{0}-\u{1f}]{0,40}") {
        for text in [input.clone(), format!("{ITEM}{tail}"), format!("{ITEM}/recoveryPoints/{input}")] {
            let _ = text.parse::<SubscriptionId>();
            let _ = text.parse::<ResourceGroupId>();
            let _ = text.parse::<VaultId>();
            let _ = text.parse::<VirtualMachineId>();
            let _ = text.parse::<SubnetId>();
            let _ = text.parse::<ProtectedItemId>();
            if let Ok(point) = text.parse::<RecoveryPointId>() {
                prop_assert!(!point.url_path().contains(['?', '#', ' ']));
            }
        }
    }
}
