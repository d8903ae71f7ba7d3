//! Helpers of the tests that run `apply` as a process: the run folder it
//! leaves, its report (checked against `schemas/run-report.schema.json` on
//! every read), and a `restoreplan emulator` process to run it against.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_restoreplan");

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of the only run under the state folder `state`.
pub fn only_run(state: &Path) -> PathBuf {
    let runs: Vec<PathBuf> = std::fs::read_dir(state.join("runs"))
        .expect("a runs folder")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs[0].clone()
}

/// The run's `report.json`, checked against its documented shape.
pub fn report(run: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(run.join("report.json")).expect("report.json");
    let report: serde_json::Value = serde_json::from_str(&text).expect("report.json is JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/run-report.schema.json"))
            .expect("the report schema"),
    )
    .expect("the report schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report.json does not match its schema: {errors:#?}"
    );
    report
}

/// The example estate with restores that take a second or two of real
/// time, plus `extra` lines of its `emulator:` section.
pub fn fast_estate(dir: &Path, extra: &str) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join("plans/inventory/contoso.yaml"))
        .expect("the example inventory");
    text.push_str(
        "emulator:\n  snapshotTransferMiBps: 1000000\n  vaultTransferMiBps: 1000000\n  vmCreateTime: 1s\n  snapshotTime: 1s\n",
    );
    text.push_str(extra);
    let path = dir.join("estate.yaml");
    std::fs::write(&path, text).expect("writable");
    path
}

/// A `restoreplan emulator` process, killed when dropped; its request
/// record and CA certificate are files in the test's folder.
pub struct EmulatorProcess {
    child: Child,
    /// Its base URL.
    pub url: String,
    /// One JSON line per request it answered.
    pub record: PathBuf,
    /// Its CA certificate.
    pub ca: PathBuf,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts an emulator on `estate`, with `extra` arguments (`--faults`, `--seed`…).
pub fn start_emulator(dir: &Path, estate: &Path, extra: &[&str]) -> EmulatorProcess {
    let (record, ca) = (dir.join("record.jsonl"), dir.join("ca.pem"));
    let mut child = Command::new(BIN)
        .arg("emulator")
        .arg("--inventory")
        .arg(estate)
        .args(["--accept-any-client", "--record"])
        .arg(&record)
        .arg("--ca-out")
        .arg(&ca)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let url = first.trim_start_matches("emulator: ").to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{first}");
    EmulatorProcess {
        child,
        url,
        record,
        ca,
    }
}

/// `apply plan` against the emulator process, signed in with a client
/// secret as a pipeline would, its stderr piped.
pub fn apply_against(
    plan: &Path,
    estate: &Path,
    state: &Path,
    emulator: &EmulatorProcess,
) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("apply")
        .arg(plan)
        .arg("--inventory")
        .arg(estate)
        .args([
            "--yes",
            "--at",
            "2026-11-26T06:00:00Z",
            "--auth",
            "client-secret",
            "--job-poll-interval",
            "1s",
            "--arm-endpoint",
            &emulator.url,
            "--authority-host",
            &emulator.url,
        ])
        .arg("--state-dir")
        .arg(state)
        .arg("--ca-cert")
        .arg(&emulator.ca)
        .env("AZURE_TENANT_ID", "5e1b9c3a-7d2f-4b8e-a6c0-93f4d1e2b7a5")
        .env("AZURE_CLIENT_ID", "apply-test")
        .env("AZURE_CLIENT_SECRET", "apply-test-secret")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}
