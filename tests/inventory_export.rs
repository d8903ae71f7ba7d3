//! `inventory export` as a process against the embedded emulator: the
//! round trip (seed → emulator → export → loader) keeps every fact ARM
//! exposes, the dry run finds the same on the export as on the seed, and
//! what cannot be read becomes a diagnostic, not a panic.

mod support;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use support::inventory::{comparable, first_difference, load, seed_path};

const PROD: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";
const SANDBOX: &str = "8b1d4e7a-2c9f-4a3b-b6e5-71f0c2d9e813";
/// Wide enough that every seeded recovery point is in the window, whenever the test runs.
const SINCE: &str = "36500d";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn restoreplan(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("restoreplan")
        .expect("the binary is built")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exports the seeded estate of both subscriptions to `file` in `dir`.
fn export(dir: &Path, file: &str) -> std::process::Output {
    let seed = seed_path();
    restoreplan(
        dir,
        &[
            "inventory",
            "export",
            "--emulator",
            "--inventory",
            &seed,
            "--subscription",
            PROD,
            "--subscription",
            SANDBOX,
            "--since",
            SINCE,
            "-o",
            file,
        ],
    )
}

#[test]
fn the_export_of_the_emulated_estate_equals_its_seed_on_every_fact_arm_exposes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = export(dir.path(), "contoso.yaml");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let seed = comparable(load(Path::new(&seed_path())));
    let exported = comparable(load(&dir.path().join("contoso.yaml")));
    if let Some(difference) = first_difference("", &seed, &exported) {
        panic!("{difference}");
    }
}

/// A plan's findings as `code pointer message` lines, sorted.
fn findings(dir: &Path, plan: &Path, inventory: &str) -> Vec<String> {
    let output = restoreplan(
        dir,
        &[
            "plan",
            &plan.to_string_lossy(),
            "--inventory",
            inventory,
            "--at",
            "2026-11-26T08:00:00Z",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{plan:?}: {e}: {}", text(&output.stderr)));
    let mut lines: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {} {}", f["code"], f["pointer"], f["message"]))
        .collect();
    lines.sort();
    lines
}

#[test]
fn every_example_plan_finds_the_same_on_the_export_as_on_the_seed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = export(dir.path(), "contoso.yaml");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let exported = dir
        .path()
        .join("contoso.yaml")
        .to_string_lossy()
        .into_owned();
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join("plans"))
        .expect("plans/")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.extension().is_some_and(|e| e == "yaml")
                && path.file_name().is_some_and(|n| n != "README.md")
        })
        .collect();
    plans.sort();
    assert!(plans.len() >= 6, "{plans:?}");
    let mut compared = 0;
    for plan in &plans {
        let on_seed = findings(dir.path(), plan, &seed_path());
        let on_export = findings(dir.path(), plan, &exported);
        assert_eq!(on_seed, on_export, "{plan:?}");
        compared += on_seed.len();
    }
    assert!(compared > 0, "the example plans have findings to compare");
}

#[test]
fn json_output_is_chosen_by_the_file_name_and_loads_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = export(dir.path(), "contoso.json");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(dir.path().join("contoso.json")).expect("written");
    let value: serde_json::Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(value["kind"], "Inventory");
    let seed = comparable(load(Path::new(&seed_path())));
    assert_eq!(comparable(load(&dir.path().join("contoso.json"))), seed);
}

#[test]
fn a_subscription_without_access_is_a_diagnostic_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = seed_path();
    let output = restoreplan(
        dir.path(),
        &[
            "inventory",
            "export",
            "--emulator",
            "--inventory",
            &seed,
            "--subscription",
            PROD,
            "--subscription",
            "00000000-0000-4000-8000-000000000403",
            "-o",
            "out.yaml",
        ],
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[EX020]"), "{stderr}");
    assert!(stderr.contains("HTTP 403"), "{stderr}");
    assert!(stderr.contains("AuthorizationFailed"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.path().join("out.yaml").exists());
}

#[test]
fn a_vault_that_does_not_exist_is_a_diagnostic_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = seed_path();
    let missing = format!(
        "/subscriptions/{PROD}/resourceGroups/rg-backup-weu/providers/Microsoft.RecoveryServices/vaults/rsv-gone"
    );
    let output = restoreplan(
        dir.path(),
        &[
            "inventory",
            "export",
            "--emulator",
            "--inventory",
            &seed,
            "--vault",
            &missing,
            "-o",
            "out.yaml",
        ],
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[EX020]: cannot read vault"),
        "{stderr}"
    );
    assert!(stderr.contains("rsv-gone"), "{stderr}");
    assert!(!dir.path().join("out.yaml").exists());
}

#[test]
fn a_named_vault_limits_the_backups_read_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = seed_path();
    let vault = format!(
        "/subscriptions/{PROD}/resourceGroups/rg-backup-neu/providers/Microsoft.RecoveryServices/vaults/rsv-prod-neu"
    );
    let output = restoreplan(
        dir.path(),
        &[
            "inventory",
            "export",
            "--emulator",
            "--inventory",
            &seed,
            "--vault",
            &vault,
            "--since",
            SINCE,
            "-o",
            "out.yaml",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let exported = load(&dir.path().join("out.yaml"));
    let ids: Vec<&str> = exported.vaults.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, [vault.as_str()]);
    assert!(
        exported
            .virtual_machines
            .iter()
            .any(|vm| vm.name == "dc-03")
    );
}

#[test]
fn the_snapshot_only_holds_recovery_points_within_since() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = restoreplan(
        dir.path(),
        &[
            "inventory",
            "export",
            "--emulator",
            "--inventory",
            &seed_path(),
            "--subscription",
            PROD,
            "--since",
            "1s",
            "-o",
            "out.yaml",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let exported = load(&dir.path().join("out.yaml"));
    let now = jiff::Timestamp::now();
    assert!(
        exported.snapshot_time <= now
            && exported.snapshot_time > now - jiff::SignedDuration::from_mins(5)
    );
    let points = exported
        .vaults
        .iter()
        .flat_map(|v| &v.protected_items)
        .flat_map(|i| &i.recovery_points)
        .count();
    assert_eq!(points, 0, "the seed's points are all older than a second");
    assert!(!exported.vaults.is_empty());
}

#[test]
fn an_export_must_name_what_to_read_and_ids_must_be_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = restoreplan(dir.path(), &["inventory", "export", "-o", "out.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("`--subscription <id>` or `--vault <id>`"));
    let output = restoreplan(
        dir.path(),
        &["inventory", "export", "--vault", "rsv-prod-weu"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("error[EX010]"),
        "{}",
        text(&output.stderr)
    );
    assert!(!dir.path().join("out.yaml").exists());
}
