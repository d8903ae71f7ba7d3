//! The promise of `apply --resume`: a run killed with SIGKILL at any moment
//! goes on from its journal, and in the end every restore was sent to Azure
//! exactly once. `apply` runs as a process against a `restoreplan emulator`
//! process (whose request record survives the kills), killed at seeded random
//! moments, then resumed until it finishes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_restoreplan");
const KILLS: usize = 15;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A small deterministic generator: the kill moments are the same every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// The example estate with jobs that take about two seconds of real time.
fn fast_estate(dir: &Path) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join("plans/inventory/contoso.yaml")).unwrap();
    text.push_str(
        "emulator:\n  snapshotTransferMiBps: 1000000\n  vaultTransferMiBps: 1000000\n  vmCreateTime: 1s\n  snapshotTime: 1s\n",
    );
    let path = dir.join("estate.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

struct EmulatorProcess {
    child: Child,
    url: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator(estate: &Path, record: &Path, ca: &Path) -> EmulatorProcess {
    let mut child = Command::new(BIN)
        .arg("emulator")
        .arg("--inventory")
        .arg(estate)
        .args(["--accept-any-client", "--seed", "7", "--record"])
        .arg(record)
        .arg("--ca-out")
        .arg(ca)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.trim_start_matches("emulator: ").to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{first}");
    EmulatorProcess { child, url }
}

fn apply(
    plan: &Path,
    estate: &Path,
    state: &Path,
    emulator: &EmulatorProcess,
    ca: &Path,
    resume: Option<&str>,
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
        ])
        .arg("--state-dir")
        .arg(state)
        .args([
            "--arm-endpoint",
            &emulator.url,
            "--authority-host",
            &emulator.url,
        ])
        .arg("--ca-cert")
        .arg(ca)
        .env("AZURE_TENANT_ID", "5e1b9c3a-7d2f-4b8e-a6c0-93f4d1e2b7a5")
        .env("AZURE_CLIENT_ID", "crash-test")
        .env("AZURE_CLIENT_SECRET", "crash-test-secret")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(id) = resume {
        command.args(["--resume", id]);
    }
    command
}

fn latest_run(state: &Path) -> Option<String> {
    let mut runs: Vec<String> = std::fs::read_dir(state.join("runs"))
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    runs.sort();
    runs.pop()
}

#[test]
fn a_run_killed_at_random_moments_resumes_to_the_end_restoring_each_vm_once() {
    let dir = tempfile::tempdir().unwrap();
    let (record, ca, state) = (
        dir.path().join("record.jsonl"),
        dir.path().join("ca.pem"),
        dir.path().join("state"),
    );
    let estate = fast_estate(dir.path());
    let plan = root().join("tests/fixtures/apply/crash.yaml");
    let emulator = start_emulator(&estate, &record, &ca);
    let mut moments = Lcg(20_261_126);
    let mut kills = 0;
    let mut finished = false;
    let deadline = Instant::now() + Duration::from_secs(600);
    while kills < KILLS && Instant::now() < deadline {
        let run = latest_run(&state);
        let mut child = apply(&plan, &estate, &state, &emulator, &ca, run.as_deref())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(200 + moments.next(2_500)));
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr);
            assert!(
                status.success(),
                "apply ended by itself with {status}:\n{stderr}"
            );
            finished = true;
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
    }
    assert!(
        finished || kills == KILLS,
        "only {kills} kills before the deadline"
    );
    // Now let it finish.
    let run = latest_run(&state).expect("a run folder");
    let mut outcome = None;
    for _ in 0..3 {
        let output = apply(&plan, &estate, &state, &emulator, &ca, Some(&run))
            .output()
            .unwrap();
        if output.status.success() {
            outcome = Some(output);
            break;
        }
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(outcome.is_some(), "the resumed run did not finish");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(state.join("runs").join(&run).join("report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["outcome"], "succeeded");
    assert_eq!(report["counts"]["succeeded"], 42, "{report:#}");
    // The emulator saw each restore once: one accepted trigger per node.
    let triggers: Vec<String> = std::fs::read_to_string(&record)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|r| {
            r["method"] == "POST"
                && r["path"].as_str().is_some_and(|p| p.ends_with("/restore"))
                && r["status"] == 202
        })
        .map(|r| r["body"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        triggers.len(),
        42,
        "restores sent: {} after {kills} kills",
        triggers.len()
    );
    eprintln!("{kills} kills; 42 restores, each sent once");
}
