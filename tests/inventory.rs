//! The inventory: the example estate loads clean and is as large as the
//! issue asks, the model's lookups behave on small inline inventories, and
//! every broken inventory in `tests/fixtures/inventory-invalid/` reports its
//! code (the `rpNNN` prefix of its name) at the right line.

use restoreplan::model::{
    Consistency, Inventory, PolicyType, SecurityType, StorageRedundancy, TierKind,
};
use restoreplan::pipeline::{LoadedInventory, load_inventory};
use restoreplan::report::human;
use restoreplan::source::SourceFile;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_bytes(name: &str, bytes: &[u8]) -> LoadedInventory {
    let (source, problems) = SourceFile::from_bytes(name, bytes);
    load_inventory(source, problems)
}

/// Loads an inline inventory that must be clean.
fn inventory(text: &str) -> Inventory {
    let loaded = load_bytes("inline.yaml", text.as_bytes());
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{}",
        human::render(&loaded.report, human::Style::plain())
    );
    loaded.inventory.expect("a clean inventory is read")
}

const SUB: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";

#[test]
fn the_example_estate_loads_clean_and_is_realistic() {
    let relative = "plans/inventory/contoso.yaml";
    let bytes = std::fs::read(root().join(relative)).expect("the inventory is readable");
    let loaded = load_bytes(relative, &bytes);
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{}",
        human::render(&loaded.report, human::Style::plain())
    );
    let inventory = loaded.inventory.expect("a clean inventory is read");
    assert!(inventory.virtual_machines.len() >= 25);
    assert_eq!(inventory.vaults.len(), 2);
    let mut regions: Vec<&str> = inventory.vaults.iter().map(|v| v.region.as_str()).collect();
    regions.dedup();
    assert_eq!(
        regions.len(),
        2,
        "the vaults are in two regions: {regions:?}"
    );
    let points = inventory
        .vaults
        .iter()
        .flat_map(|vault| &vault.protected_items)
        .flat_map(|item| &item.recovery_points);
    for point in points {
        assert!(
            !point.tiers.is_empty(),
            "recovery point {} has no tier",
            point.id
        );
    }
    // Every protected VM is in the estate (deleted ones with `exists: false`).
    for item in inventory.vaults.iter().flat_map(|v| &v.protected_items) {
        assert!(
            inventory.vm_by_id(&item.vm).is_some(),
            "{} is not listed",
            item.vm
        );
    }
}

#[test]
fn an_inline_inventory_reads_with_defaults() {
    let inventory = inventory(&format!(
        r#"
apiVersion: restoreplan/v1
kind: Inventory
snapshotTime: '2026-11-26T07:00:00+01:00'
vaults:
- id: /subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-a
  region: westeurope
  protectedItems:
  - name: VM;iaasvmcontainerv2;rg-app;app-01
    vm: /subscriptions/{SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/app-01
    policyType: Enhanced
    recoveryPoints:
    - id: '2'
      time: '2026-11-26T04:00:00Z'
      consistency: CrashConsistent
      securityType: TrustedLaunch
      tiers: [{{type: snapshot, status: valid, expiresAt: '2026-11-26T06:00:00Z'}}]
    - id: '1'
      time: '2026-11-25T00:00:00Z'
      tiers: [{{type: vault, status: deleted}}, {{type: archive, status: valid}}]
"#
    ));
    assert_eq!(
        inventory.snapshot_time,
        "2026-11-26T06:00:00Z".parse().expect("a time")
    );
    let vault = &inventory.vaults[0];
    assert_eq!(vault.storage_redundancy, StorageRedundancy::Grs);
    assert!(vault.storage_redundancy.is_geo_redundant());
    let item = &vault.protected_items[0];
    assert_eq!(
        (item.policy_kind(), item.vm_name()),
        (PolicyType::Enhanced, "app-01")
    );
    let newest = item.recovery_point("2").expect("point 2 exists");
    assert_eq!(newest.consistency, Consistency::CrashConsistent);
    assert_eq!(newest.security_type, Some(SecurityType::TrustedLaunch));
    // At the snapshot time the snapshot has just expired.
    assert_eq!(newest.valid_tiers(inventory.snapshot_time).count(), 0);
    let oldest = item.recovery_point("1").expect("point 1 exists");
    assert_eq!(
        oldest
            .valid_tiers(inventory.snapshot_time)
            .collect::<Vec<_>>(),
        [TierKind::Archive]
    );
}

#[test]
fn vms_are_found_by_id_name_and_protection() {
    let vm = |group: &str, name: &str, region: &str| {
        format!(
            "- id: /subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}\n  name: {name}\n  region: {region}\n"
        )
    };
    let inventory = inventory(&format!(
        "apiVersion: restoreplan/v1\nkind: Inventory\nsnapshotTime: '2026-11-26T06:00:00Z'\n\
         vaults:\n\
         - id: /subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-a\n  region: westeurope\n\
         - id: /subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-b\n  region: northeurope\n  protectedItems:\n\
         \x20 - name: VM;iaasvmcontainerv2;rg-db;db-01\n    vm: /subscriptions/{SUB}/resourcegroups/RG-DB/providers/microsoft.compute/virtualmachines/DB-01\n\
         virtualMachines:\n{}{}{}",
        vm("rg-db", "db-01", "northeurope"),
        vm("rg-web", "web-01", "westeurope"),
        vm("rg-web-2", "web-01", "northeurope"),
    ));
    let db_id = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-db/providers/Microsoft.Compute/virtualMachines/db-01"
    );
    let db = inventory.vm_by_id(&db_id).expect("db-01 by id");
    assert_eq!(db.resource_group(), Some("rg-db"));
    assert_eq!(inventory.vm_by_name("DB-01").map(|vm| &vm.id), Some(&db.id));
    let (vault, item) = inventory
        .protected_item_for_vm(&db.id)
        .expect("db-01 is protected");
    assert_eq!((vault.name(), item.vm_name()), ("rsv-b", "DB-01"));
    let web = inventory.vm_by_name("web-01").expect("web-01 by name");
    assert_eq!(web.region, "westeurope");
    assert_eq!(inventory.vms_named("web-01").count(), 2);
    assert!(inventory.protected_item_for_vm(&web.id).is_none());
    assert!(inventory.vm_by_reference("web-02").is_none());
}

fn expected_code(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("fixture names are UTF-8");
    stem.split('-')
        .next()
        .expect("fixture names start with a code")
        .to_ascii_uppercase()
}

#[test]
fn every_invalid_inventory_reports_its_code_at_the_right_place() {
    insta::glob!("fixtures/inventory-invalid/*.yaml", |path| {
        let bytes = std::fs::read(path).expect("fixture is readable");
        let name = format!(
            "tests/fixtures/inventory-invalid/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 name")
        );
        let loaded = load_bytes(&name, &bytes);
        let code = expected_code(path);
        let codes: Vec<&str> = loaded
            .report
            .diagnostics
            .iter()
            .map(|d| d.code.id())
            .collect();
        assert!(
            codes.contains(&code.as_str()),
            "{name} should report {code}, got {codes:?}"
        );
        assert!(loaded.inventory.is_none(), "{name} should not be read");
        insta::assert_snapshot!(
            "human",
            human::render(&loaded.report, human::Style::plain())
        );
    });
}

/// A large inventory is read in sections on several cores without spans; a
/// problem anywhere sends it through the whole-file parse, so it is still
/// reported at its line.
#[test]
fn a_large_inventory_reads_as_a_small_one_and_reports_a_late_problem_at_its_line() {
    let text = std::fs::read_to_string(root().join("plans/inventory/contoso.yaml"))
        .expect("the inventory is readable");
    let small = inventory(&text);
    // Comments past the size from which sections are read in parallel.
    let padding = "# padding to make the estate large\n".repeat(12_000);
    let large = text.replacen("virtualMachines:", &format!("{padding}virtualMachines:"), 1);
    assert!(large.len() > 400 * 1024);
    assert_eq!(inventory(&large), small);

    let broken = format!("{large}vaults: []\n");
    let line = broken.lines().count();
    let loaded = load_bytes("large.yaml", broken.as_bytes());
    assert!(loaded.inventory.is_none());
    let rendered = human::render(&loaded.report, human::Style::plain());
    let codes: Vec<&str> = loaded
        .report
        .diagnostics
        .iter()
        .map(|d| d.code.id())
        .collect();
    assert_eq!(codes, ["RP007"], "{rendered}");
    assert!(
        rendered.contains(&format!("large.yaml:{line}:1")),
        "{rendered}"
    );
}
