//! `plan --live` as a process against the embedded emulator: the same dry
//! run on the estate read from ARM as on the file, Azure's own validation's
//! findings beside the dry run's, and unreadable estates as diagnostics.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const PROD: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";
const AT: &str = "2026-11-26T08:00:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn path(relative: &str) -> String {
    root().join(relative).to_string_lossy().into_owned()
}

fn plan(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("restoreplan")
        .expect("the binary is built")
        .current_dir(dir)
        .arg("plan")
        .args(args)
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `plan <file> --live --emulator` seeded with Contoso, as JSON, with `extra` flags.
fn live(dir: &Path, plan_file: &str, extra: &[&str]) -> std::process::Output {
    let plan_path = path(plan_file);
    let seed = path("plans/inventory/contoso.yaml");
    let mut args = vec![
        plan_path.as_str(),
        "--live",
        "--emulator",
        "--inventory",
        &seed,
        "--subscription",
        PROD,
        "--at",
        AT,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    plan(dir, &args)
}

/// The findings of a JSON report as `code message` lines.
fn findings(output: &std::process::Output) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&output.stderr)));
    let mut lines: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}", f["code"].as_str().unwrap_or("?"), f["message"]))
        .collect();
    lines.sort();
    lines
}

#[test]
fn a_live_dry_run_finds_what_the_dry_run_on_the_seed_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let on_live = live(dir.path(), "plans/three-tier-app.yaml", &[]);
    let seed = path("plans/inventory/contoso.yaml");
    let plan_path = path("plans/three-tier-app.yaml");
    let on_file = plan(
        dir.path(),
        &[
            &plan_path,
            "--inventory",
            &seed,
            "--at",
            AT,
            "--format",
            "json",
        ],
    );
    assert_eq!(
        on_live.status.code(),
        on_file.status.code(),
        "{}",
        text(&on_live.stderr)
    );
    let expected = findings(&on_file);
    assert!(!expected.is_empty());
    assert_eq!(findings(&on_live), expected);
}

#[test]
fn azure_refusing_a_restore_is_reported_beside_the_dry_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = live(
        dir.path(),
        "tests/fixtures/live/name-taken.yaml",
        &["--validate-with-azure"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let found = findings(&output);
    assert!(
        found.iter().any(|f| f.starts_with("EX016 ")
            && f.contains("UserErrorVmNameAlreadyExists")
            && f.contains("`restore-crm-app`")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|f| f.starts_with("AZ031 ")),
        "the dry run's own finding stays: {found:#?}"
    );
}

#[test]
fn a_restore_azure_accepts_adds_no_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = live(
        dir.path(),
        "plans/single-vm-new.yaml",
        &["--validate-with-azure"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        findings(&output).iter().all(|f| !f.starts_with("EX016")),
        "{:?}",
        findings(&output)
    );
}

#[test]
fn an_unreadable_subscription_stops_the_live_dry_run_with_a_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = live(
        dir.path(),
        "plans/single-vm-new.yaml",
        &["--subscription", "00000000-0000-4000-8000-000000000403"],
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[EX020]"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn azure_flags_without_live_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_path = path("plans/single-vm-new.yaml");
    let output = plan(dir.path(), &[&plan_path, "--subscription", PROD]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("go with `--live`"));
    let output = plan(dir.path(), &[&plan_path, "--validate-with-azure"]);
    assert_eq!(output.status.code(), Some(2), "clap refuses it");
}

#[test]
fn the_saved_live_snapshot_gives_the_same_resolved_plan_from_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = live(
        dir.path(),
        "plans/single-vm-new.yaml",
        &["--save-inventory", "snapshot.yaml", "--out", "live.json"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let plan_path = path("plans/single-vm-new.yaml");
    let output = plan(
        dir.path(),
        &[
            &plan_path,
            "--inventory",
            "snapshot.yaml",
            "--at",
            AT,
            "--out",
            "file.json",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).expect("written"))
            .expect("JSON")
    };
    let (on_live, on_file) = (read("live.json"), read("file.json"));
    assert_eq!(
        on_live["hash"], on_file["hash"],
        "the hash covers the same snapshot"
    );
    assert_eq!(on_live, on_file);
    // Unsaved, the snapshot is gone when `plan` ends: the resolved plan names no file.
    let output = live(
        dir.path(),
        "plans/single-vm-new.yaml",
        &["--out", "unsaved.json"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let unsaved = read("unsaved.json");
    assert!(
        unsaved
            .get("inventoryFile")
            .is_none_or(serde_json::Value::is_null),
        "{unsaved}"
    );
}
