//! `restoreplan apply` as a process against the embedded emulator: a plan
//! runs to its end and leaves its journal and reports; the dry run, the
//! confirmation, the lock and a changed plan each stop a run before it starts.

mod apply_support;

use apply_support::{only_run, report};
use assert_cmd::Command;
use predicates::prelude::*;
use restoreplan::exec::lock::{Holder, PlanLock};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/apply")
        .join(name)
}

fn apply(plan: &Path, state: &Path) -> Command {
    let mut command = Command::cargo_bin("restoreplan").unwrap();
    command
        .arg("apply")
        .arg(plan)
        .args(["--emulator", "--at", "2026-11-26T06:00:00Z", "--state-dir"])
        .arg(state)
        .timeout(std::time::Duration::from_secs(120));
    command
}

#[test]
fn a_plan_runs_to_its_end_against_the_emulator_and_leaves_its_evidence() {
    let state = tempfile::tempdir().unwrap();
    apply(&fixture("smoke.yaml"), state.path())
        .args(["--yes", "--run-commands"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("web: submitted (job ")
                .and(predicate::str::contains("hello: succeeded"))
                .and(predicate::str::contains("run succeeded")),
        );
    let run = only_run(state.path());
    let report = report(&run);
    assert_eq!(report["outcome"], "succeeded");
    assert_eq!(report["counts"]["succeeded"], 3);
    let web = &report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "web")
        .unwrap();
    assert!(web["jobId"].as_str().is_some_and(|j| !j.is_empty()));
    assert_eq!(web["outputs"]["vmName"], "web-01-dr");
    // The address the emulator gave the restored VM's NIC, read back through ARM.
    let address = web["outputs"]["privateIp"].as_str().unwrap();
    assert!(address.starts_with("10."), "{address}");
    for file in ["journal.jsonl", "resolved.json", "report.md", "report.html"] {
        assert!(run.join(file).is_file(), "{file}");
    }
    let hello = std::fs::read_to_string(run.join("steps/hello/attempt-1/stdout.log")).unwrap();
    assert_eq!(hello.trim(), "web-01-dr");
    // Each restore was submitted once.
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    assert_eq!(journal.matches(r#""event":"step-submitted""#).count(), 2);
    Command::cargo_bin("restoreplan")
        .unwrap()
        .args(["runs", "list", "--state-dir"])
        .arg(state.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("apply-smoke").and(predicate::str::contains("succeeded")));
}

#[test]
fn a_restore_the_emulator_would_refuse_is_caught_by_the_dry_run_first() {
    // The emulator answered this plan with UserErrorSubnetNotFound until the
    // dry run learned the rule (AZ147): now nothing starts at all.
    let state = tempfile::tempdir().unwrap();
    apply(&fixture("missing-subnet.yaml"), state.path())
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("AZ147").and(predicate::str::contains(
                "subnet `app`, which virtual network",
            )),
        );
    assert!(!state.path().join("runs").exists());
}

#[test]
fn nothing_starts_without_confirmation_off_a_terminal() {
    let state = tempfile::tempdir().unwrap();
    apply(&fixture("smoke.yaml"), state.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass `--yes`"));
    assert!(!state.path().join("runs").exists());
}

#[test]
fn a_plan_with_dry_run_errors_is_refused() {
    let state = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("broken.yaml");
    let text = std::fs::read_to_string(fixture("smoke.yaml"))
        .unwrap()
        .replace(
            "../../../plans",
            &format!("{}/plans", env!("CARGO_MANIFEST_DIR")),
        )
        .replace("vm: app-01", "vm: no-such-vm");
    std::fs::write(&plan, text).unwrap();
    apply(&plan, state.path())
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no-such-vm").and(predicate::str::contains(
                "`apply` runs only a plan that passes",
            )),
        );
    assert!(!state.path().join("runs").exists());
}

#[test]
fn a_second_apply_of_the_same_plan_is_refused_while_the_first_holds_the_lock() {
    let state = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(state.path().join("locks")).unwrap();
    let holder = Holder::this_process("running-elsewhere", jiff::Timestamp::now());
    let _held =
        PlanLock::acquire(&state.path().join("locks/apply-smoke.lock"), &holder, false).unwrap();
    apply(&fixture("smoke.yaml"), state.path())
        .arg("--yes")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("error[EX103]")
                .and(predicate::str::contains("running-elsewhere")),
        );
    apply(&fixture("smoke.yaml"), state.path())
        .args(["--yes", "--force-unlock"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[EX104]"));
}

#[test]
fn a_run_resumes_only_with_the_plan_it_started_with() {
    let state = tempfile::tempdir().unwrap();
    apply(&fixture("smoke.yaml"), state.path())
        .arg("--yes")
        .assert()
        .success();
    let run = only_run(state.path());
    let id = run.file_name().unwrap().to_string_lossy().into_owned();
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("smoke.yaml");
    let text = std::fs::read_to_string(fixture("smoke.yaml"))
        .unwrap()
        .replace(
            "../../../plans",
            &format!("{}/plans", env!("CARGO_MANIFEST_DIR")),
        )
        .replace("name: web-01-dr", "name: web-01-other");
    std::fs::write(&changed, text).unwrap();
    apply(&changed, state.path())
        .args(["--yes", "--resume", &id])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[EX117]"));
    // Resuming a finished run with its own plan has nothing left to do.
    apply(&fixture("smoke.yaml"), state.path())
        .args(["--yes", "--resume", &id])
        .assert()
        .success();
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    assert_eq!(
        journal.matches(r#""event":"step-submitted""#).count(),
        2,
        "nothing is submitted twice"
    );
}

#[test]
fn events_json_streams_one_object_per_transition_on_stdout() {
    let state = tempfile::tempdir().unwrap();
    let output = apply(&fixture("smoke.yaml"), state.path())
        .args(["--yes", "--events", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let events: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("every stdout line is one JSON object"))
        .collect();
    assert_eq!(events.first().unwrap()["event"], "run-started");
    assert_eq!(events.last().unwrap()["event"], "run-finished");
    assert_eq!(events.last().unwrap()["outcome"], "succeeded");
    let submitted = events
        .iter()
        .filter(|e| e["event"] == "step-submitted")
        .count();
    assert_eq!(submitted, 2);
}

#[test]
fn an_interrupted_run_exits_130_and_resumes_where_it_stopped() {
    let state = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_restoreplan"))
        .arg("apply")
        .arg(fixture("gated.yaml"))
        .args([
            "--emulator",
            "--yes",
            "--at",
            "2026-11-26T06:00:00Z",
            "--state-dir",
        ])
        .arg(state.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run waits at its gate, then interrupt it as Ctrl-C would.
    let at_gate = || {
        let runs = state.path().join("runs");
        std::fs::read_dir(&runs).ok().and_then(|mut entries| {
            let run = entries.next()?.ok()?.path();
            let journal = std::fs::read_to_string(run.join("journal.jsonl")).ok()?;
            journal.contains(r#""node":"go-ahead""#).then_some(run)
        })
    };
    let mut run = None;
    for _ in 0..400 {
        run = at_gate();
        if run.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let run = run.expect("the run reached its gate");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let id = run.file_name().unwrap().to_string_lossy().into_owned();
    assert!(stderr.contains(&format!("--resume {id}")), "{stderr}");
    assert!(report(&run)["outcome"] == "interrupted");
    apply(&fixture("gated.yaml"), state.path())
        .args(["--yes", "--resume", &id, "--approve", "go-ahead"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("go-ahead: approved by")
                .and(predicate::str::contains("hello: succeeded")),
        );
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    assert_eq!(
        journal.matches(r#""event":"step-submitted""#).count(),
        1,
        "the restore is not sent again"
    );
}

#[test]
fn under_the_emulator_probes_reach_the_emulated_estate_and_commands_are_not_started() {
    let state = tempfile::tempdir().unwrap();
    apply(&fixture("probes.yaml"), state.path())
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("web-up: succeeded")
                .and(predicate::str::contains("switch-dns: succeeded"))
                .and(predicate::str::contains(
                    "no VM of the emulated estate has the address 10.10.99.250",
                )),
        );
    let run = only_run(state.path());
    let report = report(&run);
    let web = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "web")
        .unwrap()
        .clone();
    let address = web["outputs"]["privateIp"].as_str().unwrap().to_string();
    // The command was written down with its resolved arguments, not started.
    let note = std::fs::read_to_string(run.join("steps/switch-dns/attempt-1/command.txt")).unwrap();
    assert!(note.contains("--run-commands"), "{note}");
    assert!(
        note.contains(&format!(
            r#"["restoreplan-no-such-program","--set","{address}"]"#
        )),
        "{note}"
    );
    assert!(!run.join("steps/switch-dns/attempt-1/stdout.log").exists());
}

#[test]
fn an_approval_gate_nobody_answers_fails_after_the_approval_timeout() {
    let state = tempfile::tempdir().unwrap();
    apply(&fixture("gated.yaml"), state.path())
        .args(["--yes", "--approval-timeout", "30m"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("[EX118] not approved within 30m"));
    let report = report(&only_run(state.path()));
    assert_eq!(report["outcome"], "failed");
}

#[test]
fn a_reviewed_plan_is_applied_with_the_recovery_points_it_pinned() {
    let state = tempfile::tempdir().unwrap();
    let reviewed = state.path().join("resolved.json");
    Command::cargo_bin("restoreplan")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "plan",
            "tests/fixtures/apply/smoke.yaml",
            "--at",
            "2026-11-26T06:00:00Z",
            "--out",
        ])
        .arg(&reviewed)
        .assert()
        .success();
    let resolved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&reviewed).unwrap()).unwrap();
    Command::cargo_bin("restoreplan")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("apply")
        .arg(&reviewed)
        .args(["--emulator", "--yes", "--state-dir"])
        .arg(state.path())
        .assert()
        .success();
    let report = report(&only_run(state.path()));
    assert_eq!(report["planHash"], resolved["hash"]);
    for node in resolved["nodes"].as_array().unwrap() {
        let Some(point) = node["recoveryPoint"].as_object() else {
            continue;
        };
        let step = report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == node["id"])
            .unwrap();
        assert_eq!(step["recoveryPointTime"], point["time"], "{}", node["id"]);
        assert_eq!(
            step["outputs"]["recoveryPoint"], point["id"],
            "{}",
            node["id"]
        );
    }
}

#[test]
fn a_reviewed_plan_whose_files_changed_since_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = dir.path().join("plan.yaml");
    let text = std::fs::read_to_string(fixture("smoke.yaml"))
        .unwrap()
        .replace("inventory: ../../../plans/inventory/contoso.yaml\n", "");
    std::fs::write(&plan, &text).unwrap();
    let reviewed = dir.path().join("resolved.json");
    Command::cargo_bin("restoreplan")
        .unwrap()
        .arg("plan")
        .arg(&plan)
        .arg("--inventory")
        .arg(root.join("plans/inventory/contoso.yaml"))
        .args(["--at", "2026-11-26T06:00:00Z", "--out"])
        .arg(&reviewed)
        .assert()
        .success();
    // A reviewer's approval covers these bytes; an edit after review is not it.
    std::fs::write(&plan, format!("{text}# edited after review\n")).unwrap();
    Command::cargo_bin("restoreplan")
        .unwrap()
        .arg("apply")
        .arg(&reviewed)
        .args(["--emulator", "--yes", "--state-dir"])
        .arg(dir.path().join("state"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("EX117").and(predicate::str::contains("now hash to")));
    assert!(
        !dir.path().join("state/runs").exists(),
        "nothing was started"
    );
}

#[test]
fn a_time_scale_that_outruns_a_restore_timeout_is_named_before_the_run() {
    let state = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("restoreplan")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "apply",
            "plans/file-recovery.yaml",
            "--inventory",
            "plans/inventory/contoso.yaml",
            "--emulator",
            "--yes",
            "--approve",
            "copy-done",
            "--time-scale",
            "3000",
            "--state-dir",
        ])
        .arg(state.path())
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "one poll of the emulator spans 50m of emulated time, so `mount` (timeout 30m)"
        ),
        "{stderr}"
    );
}
