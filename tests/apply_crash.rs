//! The promise of `apply --resume`: a run killed with SIGKILL at any moment
//! goes on from its journal, and in the end every restore was sent to Azure
//! exactly once. `apply` runs as a process against a `restoreplan emulator`
//! process (whose request record survives the kills), killed at seeded random
//! moments, then resumed until it finishes.

mod apply_support;

use apply_support::{apply_against, fast_estate, report, root, start_emulator};
use std::path::Path;
use std::time::{Duration, Instant};

const KILLS: usize = 15;

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
    let state = dir.path().join("state");
    let estate = fast_estate(dir.path(), "");
    let plan = root().join("tests/fixtures/apply/crash.yaml");
    let emulator = start_emulator(dir.path(), &estate, &["--seed", "7"]);
    let apply = |resume: Option<&str>| {
        let mut command = apply_against(&plan, &estate, &state, &emulator);
        if let Some(id) = resume {
            command.args(["--resume", id]);
        }
        command
    };
    let mut moments = Lcg(20_261_126);
    let mut kills = 0;
    let mut finished = false;
    let deadline = Instant::now() + Duration::from_secs(600);
    while kills < KILLS && Instant::now() < deadline {
        let run = latest_run(&state);
        let mut child = apply(run.as_deref()).spawn().unwrap();
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
        let output = apply(Some(&run)).output().unwrap();
        if output.status.success() {
            outcome = Some(output);
            break;
        }
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(outcome.is_some(), "the resumed run did not finish");
    let report = report(&state.join("runs").join(&run));
    assert_eq!(report["outcome"], "succeeded");
    assert_eq!(report["counts"]["succeeded"], 42, "{report:#}");
    // The emulator saw each restore once: one accepted trigger per node.
    let triggers: Vec<String> = std::fs::read_to_string(&emulator.record)
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
