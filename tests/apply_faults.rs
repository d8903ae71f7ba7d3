//! `apply` under a misbehaving Azure: as a process against a `restoreplan
//! emulator` process that injects seeded 429s, 500s, 503s, dropped
//! connections and answers lost after the request was carried out, a plan
//! completes with no step failed, and the emulator's record shows that the
//! faults really happened (on restore requests too) while each restore was
//! carried out once. With one restore made to fail
//! permanently under `onFailure: skip-dependents`, what depends on it is
//! skipped, the independent branch finishes, `apply` exits 1 and both
//! reports say so.

use std::collections::BTreeMap;
mod apply_support;

use apply_support::{
    EmulatorProcess, apply_against, fast_estate, only_run, report, root, start_emulator,
};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;

const PLAN: &str = "tests/fixtures/apply/faults.yaml";
/// Every restore of the plan, by step id.
const RESTORES: [&str; 8] = [
    "db", "cache", "app", "api", "mq-1", "mq-2", "web-1", "web-2",
];

/// Applies the fault plan against `emulator` to its end.
fn apply(estate: &Path, state: &Path, emulator: &EmulatorProcess) -> Output {
    let mut child = apply_against(&root().join(PLAN), estate, state, emulator)
        .spawn()
        .expect("apply starts");
    // A hung run must fail the test, not the CI's time budget.
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    while child.try_wait().ok().flatten().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().expect("apply ends")
}

/// Each step's status in the report, by id.
fn statuses(report: &Value) -> BTreeMap<String, String> {
    report["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|step| {
            (
                step["id"].as_str().unwrap_or_default().to_string(),
                step["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The emulator's record: one JSON object per request.
fn recorded(emulator: &EmulatorProcess) -> Vec<Value> {
    std::fs::read_to_string(&emulator.record)
        .expect("the record")
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn is_restore_trigger(request: &Value) -> bool {
    request["method"] == "POST"
        && request["path"]
            .as_str()
            .is_some_and(|path| path.ends_with("/restore"))
}

/// How many requests met each status (0: the connection was dropped).
fn by_status<'a>(requests: impl Iterator<Item = &'a Value>) -> BTreeMap<u64, usize> {
    let mut counts = BTreeMap::new();
    for request in requests {
        *counts
            .entry(request["status"].as_u64().unwrap_or(0))
            .or_insert(0) += 1;
    }
    counts
}

#[test]
fn under_throttling_server_errors_and_dropped_connections_every_step_succeeds() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let estate = fast_estate(dir.path(), "  writesPerHour: 100000\n");
    let emulator = start_emulator(
        dir.path(),
        &estate,
        &[
            "--seed",
            "11",
            "--faults",
            "429=0.1,500=0.05,503=0.05,reset=0.05,lost=0.08",
        ],
    );
    let state = dir.path().join("state");
    let output = apply(&estate, &state, &emulator);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report = report(&only_run(&state));
    assert_eq!(report["outcome"], "succeeded", "{report:#}");
    let statuses = statuses(&report);
    assert_eq!(statuses.len(), 9, "{report:#}");
    assert!(
        statuses.values().all(|status| status == "succeeded"),
        "{statuses:?}"
    );
    assert_eq!(report["counts"]["succeeded"], 9, "{report:#}");

    let requests = recorded(&emulator);
    let all = by_status(requests.iter());
    for (status, what) in [
        (429, "throttled"),
        (500, "failed"),
        (503, "unavailable"),
        (0, "dropped"),
    ] {
        assert!(
            all.get(&status).is_some_and(|&n| n > 0),
            "no request was {what}: {all:?}"
        );
    }
    assert!(
        requests.iter().any(|r| r["lost"] == true),
        "no answer was lost after the request was carried out"
    );
    // The faults reached the restore requests themselves, whose outcome a
    // 500, 503 or dropped connection leaves unknown: some were not carried
    // out (to be sent again), some were (to be found, not sent again).
    let triggers: Vec<&Value> = requests.iter().filter(|r| is_restore_trigger(r)).collect();
    let not_carried_out = by_status(triggers.iter().copied().filter(|r| r["lost"] != true));
    let unknown: usize = [0, 500, 503]
        .iter()
        .filter_map(|status| not_carried_out.get(status))
        .sum();
    assert!(
        unknown > 0,
        "no restore request met a fault: {not_carried_out:?}"
    );
    let lost = triggers.iter().filter(|r| r["lost"] == true).count();
    assert!(lost > 0, "no restore's answer was lost");
    // Each step's restore was carried out once, lost answers included.
    let accepted = triggers.iter().filter(|r| r["status"] == 202).count();
    assert_eq!(
        accepted,
        RESTORES.len(),
        "restores carried out: {triggers:#?}"
    );
}

#[test]
fn a_permanently_failed_restore_skips_its_dependents_and_the_other_branch_finishes() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let estate = fast_estate(dir.path(), "  writesPerHour: 100000\n");
    let emulator = start_emulator(
        dir.path(),
        &estate,
        &["--fail-job", "app-01:UserErrorDiskQuotaExceeded"],
    );
    let state = dir.path().join("state");
    let output = apply(&estate, &state, &emulator);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let run = only_run(&state);
    let report = report(&run);
    assert_eq!(report["outcome"], "failed", "{report:#}");
    let expected: BTreeMap<String, String> = [
        ("db", "succeeded"),
        ("cache", "succeeded"),
        ("app", "failed"),
        ("api", "skipped"),
        ("smoke", "skipped"),
        ("mq-1", "succeeded"),
        ("mq-2", "succeeded"),
        ("web-1", "succeeded"),
        ("web-2", "succeeded"),
    ]
    .into_iter()
    .map(|(id, status)| (id.to_string(), status.to_string()))
    .collect();
    assert_eq!(statuses(&report), expected, "{report:#}");
    assert_eq!(report["counts"]["succeeded"], 6, "{report:#}");
    assert_eq!(report["counts"]["failed"], 1, "{report:#}");
    assert_eq!(report["counts"]["skipped"], 2, "{report:#}");
    // A permanent error is not retried: the failing restore was sent once.
    let app_triggers = recorded(&emulator)
        .iter()
        .filter(|r| is_restore_trigger(r) && r["status"] == 202)
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.contains("app-01/recoveryPoints/"))
        })
        .count();
    assert_eq!(app_triggers, 1);

    let markdown = std::fs::read_to_string(run.join("report.md")).expect("report.md");
    for expected in ["UserErrorDiskQuotaExceeded", "app", "api", "smoke"] {
        assert!(
            markdown.contains(expected),
            "report.md does not name `{expected}`:\n{markdown}"
        );
    }
    assert!(
        markdown.to_lowercase().contains("skipped"),
        "report.md does not say what was skipped:\n{markdown}"
    );
}
