//! `restoreplan plan` as a process: formats, exit codes, and a resolved plan
//! that is deterministic and tied to its inputs by its hash.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const AT: &str = "2026-11-26T08:00:00Z";

fn plan(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("restoreplan")
        .expect("the binary is built")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .arg("plan")
        .args(args)
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

fn path(relative: &str) -> String {
    root().join(relative).to_string_lossy().into_owned()
}

#[test]
fn the_human_report_has_the_summary_the_table_and_the_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = plan(
        dir.path(),
        &[
            &path("plans/three-tier-app.yaml"),
            "--inventory",
            &path("plans/inventory/contoso.yaml"),
            "--at",
            AT,
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for expected in [
        "plan `orders-three-tier-restore`",
        "estimated recovery time:",
        "critical path:",
        "web[web-02]",
        "recovery point",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn the_resolved_plan_is_deterministic_and_its_hash_follows_the_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inventory = path("plans/inventory/contoso.yaml");
    let failover = path("plans/region-failover.yaml");
    let write = |out: &str, inventory: &str| {
        let output = plan(
            dir.path(),
            &[
                &failover,
                "--inventory",
                inventory,
                "--at",
                AT,
                "--out",
                out,
                "--format",
                "json",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        std::fs::read_to_string(dir.path().join(out)).expect("written")
    };
    let first = write("a.json", &inventory);
    let second = write("b.json", &inventory);
    assert_eq!(first, second, "same inputs, same bytes");
    let resolved: Value = serde_json::from_str(&first).expect("JSON");
    assert!(
        resolved["hash"]
            .as_str()
            .is_some_and(|h| h.starts_with("sha256:"))
    );
    let nodes = resolved["nodes"].as_array().expect("nodes");
    let pinned = nodes
        .iter()
        .filter(|n| n["recoveryPoint"]["id"].is_string())
        .count();
    assert!(
        pinned >= 12,
        "every restore node has a pinned recovery point"
    );
    // One byte more in the inventory (a comment) changes the hash.
    let changed = dir.path().join("inventory.yaml");
    std::fs::write(
        &changed,
        format!(
            "{}# touched\n",
            std::fs::read_to_string(&inventory).expect("readable")
        ),
    )
    .expect("written");
    let third: Value =
        serde_json::from_str(&write("c.json", &changed.to_string_lossy())).expect("JSON");
    assert_ne!(resolved["hash"], third["hash"]);
    // And so does one byte more in the plan.
    let plan_copy = dir.path().join("failover.yaml");
    std::fs::write(
        &plan_copy,
        format!(
            "{}# touched\n",
            std::fs::read_to_string(&failover).expect("readable")
        ),
    )
    .expect("written");
    let output = plan(
        dir.path(),
        &[
            &plan_copy.to_string_lossy(),
            "--inventory",
            &inventory,
            "--at",
            AT,
            "--out",
            "d.json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let fourth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("d.json")).expect("written"))
            .expect("JSON");
    assert_ne!(resolved["hash"], fourth["hash"]);
    assert_eq!(
        resolved["nodes"], fourth["nodes"],
        "a comment changes nothing else"
    );
}

#[test]
fn a_plan_with_errors_exits_1_and_writes_no_resolved_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("plan.yaml");
    let original =
        std::fs::read_to_string(root().join("plans/three-tier-app.yaml")).expect("readable");
    // A VM that no vault backs up: AZ001.
    std::fs::write(&broken, original.replace("vm: sql-01", "vm: jump-01")).expect("written");
    let output = plan(
        dir.path(),
        &[
            &broken.to_string_lossy(),
            "--inventory",
            &path("plans/inventory/contoso.yaml"),
            "--at",
            AT,
            "--out",
            "resolved.json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert!(!dir.path().join("resolved.json").exists());
    assert!(text(&output.stderr).contains("not writing"));
}

#[test]
fn machine_formats_and_bad_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = |format: &'static str| {
        vec![
            path("plans/region-failover.yaml"),
            "--inventory".into(),
            path("plans/inventory/contoso.yaml"),
            "--at".into(),
            AT.into(),
            "--format".into(),
            format.into(),
        ]
    };
    let run = |format| {
        let owned = args(format);
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        plan(dir.path(), &refs)
    };
    let sarif: Value = serde_json::from_slice(&run("sarif").stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "AZ006"));
    let markdown = text(&run("markdown").stdout);
    assert!(
        markdown.contains("```mermaid") && markdown.contains("| node |"),
        "{markdown}"
    );
    let github = text(&run("github").stdout);
    assert!(
        github
            .lines()
            .all(|l| l.starts_with("::warning ") || l.starts_with("::error ")),
        "{github}"
    );
    let json: Value = serde_json::from_slice(&run("json").stdout).expect("JSON");
    assert!(
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "rto-at-risk")
    );
    let bad = plan(
        dir.path(),
        &[
            &path("plans/region-failover.yaml"),
            "--inventory",
            &path("plans/inventory/contoso.yaml"),
            "--at",
            "yesterday",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_reports_of_a_small_plan_are_stable() {
    // A plan without `run` steps: its report does not depend on this machine's
    // PATH; run from the repository root so the snapshot holds a relative path.
    for format in ["human", "markdown"] {
        let output = plan(
            &root(),
            &["plans/single-vm-new.yaml", "--at", AT, "--format", format],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        insta::assert_snapshot!(format!("single_vm_new_{format}"), text(&output.stdout));
    }
}
