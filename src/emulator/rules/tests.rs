//! Each rule refuses the restore it is about, and a sound restore passes,
//! against the emulator tests' fixture estate.

use super::*;
use crate::pipeline::load_inventory;
use crate::source::SourceFile;

macro_rules! sub {
    ($rest:literal) => {
        concat!("/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41", $rest)
    };
}

fn estate() -> Inventory {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/emulator/estate.yaml"
    );
    let (source, problems) = SourceFile::read(path).expect("fixture");
    load_inventory(source, problems)
        .inventory
        .expect("valid fixture")
}

/// The code of the first rule a restore of `vm`'s point `point` breaks.
fn verdict<'a>(
    inventory: &'a Inventory,
    vm: &str,
    point: &str,
    adjust: impl FnOnce(&mut RestoreAsk<'a>),
) -> Result<(), String> {
    let vault = &inventory.vaults[0];
    let item = vault
        .protected_items
        .iter()
        .find(|item| item.vm_name() == vm)
        .expect("item");
    let point = item.recovery_point(point).expect("point");
    let mut ask = RestoreAsk {
        kind: RestoreKind::AlternateLocation,
        vault,
        item,
        point,
        cross_region: false,
        rehydrate: false,
        region: "westeurope",
        target_vm: Some(sub!(
            "/resourceGroups/rg-orders-weu/providers/Microsoft.Compute/virtualMachines/restored"
        )),
        target_group: Some(sub!("/resourceGroups/rg-orders-weu")),
        subnet: Some(sub!(
            "/resourceGroups/rg-net-weu/providers/Microsoft.Network/virtualNetworks/vnet-weu/subnets/app"
        )),
        disk_luns: None,
        staging_account: Some(sub!(
            "/resourceGroups/rg-orders-weu/providers/Microsoft.Storage/storageAccounts/stordersweu"
        )),
        now: "2026-11-26T12:00:00Z".parse().expect("time"),
    };
    adjust(&mut ask);
    check(&ask, inventory).map_err(|error| error.code)
}

const LATEST_SQL: &str = "819330550323368531";
const REPLICATED_SQL: &str = "828949212017092926";
const ARCHIVED_SQL: &str = "112233445566778899";

#[test]
fn a_sound_restore_of_each_kind_passes() {
    let inventory = estate();
    assert_eq!(verdict(&inventory, "sql-01", LATEST_SQL, |_| {}), Ok(()));
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |ask| ask.kind =
            RestoreKind::OriginalLocation),
        Ok(())
    );
    assert_eq!(
        verdict(&inventory, "app-01", "445566778899001122", |ask| ask.kind =
            RestoreKind::RestoreDisks),
        Ok(())
    );
}

#[test]
fn an_encrypted_vm_cannot_be_restored_as_a_new_vm_or_in_place() {
    let inventory = estate();
    let point = "445566778899001122";
    assert_eq!(
        verdict(&inventory, "app-01", point, |_| {}),
        Err("UserErrorEncryptedVmNotSupportedForCreateNewVm".into())
    );
    assert_eq!(
        verdict(&inventory, "app-01", point, |ask| ask.kind =
            RestoreKind::OriginalLocation),
        Err("UserErrorOriginalLocationRestoreNotSupportedForEncryptedVm".into())
    );
}

#[test]
fn a_deleted_vm_cannot_have_its_disks_replaced() {
    let inventory = estate();
    assert_eq!(
        verdict(&inventory, "old-01", "998877665544332211", |ask| ask.kind =
            RestoreKind::OriginalLocation),
        Err("UserErrorOriginalVmDoesNotExist".into())
    );
}

#[test]
fn cross_region_restore_needs_a_replicated_vault_tier_point_in_the_paired_region() {
    let inventory = estate();
    let neu_subnet = sub!(
        "/resourceGroups/rg-net-neu/providers/Microsoft.Network/virtualNetworks/vnet-neu/subnets/app"
    );
    let neu_staging = sub!(
        "/resourceGroups/rg-orders-neu/providers/Microsoft.Storage/storageAccounts/stordersneu"
    );
    let neu_vm =
        sub!("/resourceGroups/rg-orders-neu/providers/Microsoft.Compute/virtualMachines/sql-01");
    let crr = |ask: &mut RestoreAsk<'_>| {
        ask.cross_region = true;
        ask.region = "northeurope";
    };
    let to_neu = |ask: &mut RestoreAsk<'_>| {
        ask.subnet = Some(neu_subnet);
        ask.staging_account = Some(neu_staging);
        ask.target_vm = Some(neu_vm);
    };
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |ask| {
            crr(ask);
            to_neu(ask);
        }),
        Err("UserErrorCrrRecoveryPointNotAvailableInSecondaryRegion".into())
    );
    assert_eq!(
        verdict(&inventory, "sql-01", REPLICATED_SQL, |ask| {
            crr(ask);
            to_neu(ask);
        }),
        Ok(())
    );
    assert_eq!(
        verdict(&inventory, "sql-01", REPLICATED_SQL, crr),
        Err("UserErrorVirtualNetworkRegionMismatch".into())
    );
    assert_eq!(
        verdict(&inventory, "sql-01", REPLICATED_SQL, |ask| ask.region =
            "northeurope"),
        Err("UserErrorRestoreRegionMismatch".into())
    );
}

#[test]
fn archived_points_need_rehydration() {
    let inventory = estate();
    assert_eq!(
        verdict(&inventory, "sql-01", ARCHIVED_SQL, |_| {}),
        Err("UserErrorRecoveryPointInArchiveTier".into())
    );
    assert_eq!(
        verdict(&inventory, "sql-01", ARCHIVED_SQL, |ask| ask.rehydrate =
            true),
        Ok(())
    );
}

#[test]
fn a_new_vm_needs_a_free_name_a_staging_account_in_region_and_quota() {
    let mut inventory = estate();
    let taken =
        sub!("/resourceGroups/rg-orders-weu/providers/Microsoft.Compute/virtualMachines/app-01");
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |ask| ask.target_vm =
            Some(taken)),
        Err("UserErrorVmNameAlreadyExists".into())
    );
    let far_staging = sub!(
        "/resourceGroups/rg-orders-neu/providers/Microsoft.Storage/storageAccounts/stordersneu"
    );
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |ask| ask
            .staging_account =
            Some(far_staging)),
        Err("UserErrorStorageAccountRegionMismatch".into())
    );
    inventory.quotas[1].used = 30;
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |_| {}),
        Err("QuotaExceeded".into())
    );
    inventory.quotas[1].used = 0;
    inventory.virtual_networks[0].subnets[0].free_ips = Some(0);
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |_| {}),
        Err("SubnetIsFull".into())
    );
}

#[test]
fn soft_deleted_points_and_unknown_luns_are_refused() {
    let mut inventory = estate();
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |ask| ask.disk_luns =
            Some(&[0])),
        Ok(())
    );
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |ask| ask.disk_luns =
            Some(&[0, 7])),
        Err("UserErrorInvalidRestoreDiskLunList".into())
    );
    inventory.vaults[0].protected_items[0].recovery_points[0].soft_deleted = true;
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, |_| {}),
        Err("UserErrorRecoveryPointSoftDeleted".into())
    );
}

#[test]
fn another_subscription_needs_the_vault_tier_and_the_vaults_consent() {
    let mut inventory = estate();
    let other = "/subscriptions/0d0d0d0d-0000-4000-8000-000000000000/resourceGroups/rg-other";
    let into_other = |ask: &mut RestoreAsk<'_>| {
        ask.kind = RestoreKind::RestoreDisks;
        ask.target_group = Some(other);
    };
    assert_eq!(
        verdict(&inventory, "sql-01", LATEST_SQL, into_other),
        Err("UserErrorCrossSubscriptionRestoreNotSupported".into()),
        "a snapshot-only point"
    );
    assert_eq!(
        verdict(&inventory, "sql-01", REPLICATED_SQL, into_other),
        Ok(())
    );
    inventory.vaults[0].cross_subscription_restore = CrossSubscriptionRestore::Disabled;
    assert_eq!(
        verdict(&inventory, "sql-01", REPLICATED_SQL, into_other),
        Err("UserErrorCrossSubscriptionRestoreNotAllowed".into())
    );
}
