use super::*;

fn holder(run: &str) -> Holder {
    Holder::this_process(run, Timestamp::from_second(1_790_000_000).expect("a time"))
}

fn lock_path() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("plan.lock");
    (dir, path)
}

#[test]
fn a_second_apply_is_refused_while_the_first_holds_the_lock() {
    let (_dir, path) = lock_path();
    let first = PlanLock::acquire(&path, &holder("r1"), false).expect("free");
    assert!(first.warning.is_none());
    let refused = PlanLock::acquire(&path, &holder("r2"), false).expect_err("held");
    assert_eq!(refused.code, Code::PlanLocked);
    assert!(refused.message.contains("run `r1`"), "{}", refused.message);
    assert!(refused.message.contains(&std::process::id().to_string()));
}

#[test]
fn a_released_lock_is_taken_without_a_warning() {
    let (_dir, path) = lock_path();
    drop(PlanLock::acquire(&path, &holder("r1"), false).expect("free"));
    let again = PlanLock::acquire(&path, &holder("r2"), false).expect("released");
    assert!(again.warning.is_none());
}

#[test]
fn the_lock_of_a_dead_run_on_this_host_is_taken_over_with_a_warning() {
    let (_dir, path) = lock_path();
    let dead = Holder {
        pid: 999_999,
        ..holder("crashed")
    };
    std::fs::write(&path, serde_json::to_string(&dead).expect("json")).expect("written");
    let acquired = PlanLock::acquire(&path, &holder("r2"), false).expect("stale");
    let warning = acquired.warning.expect("a warning");
    assert_eq!(warning.code, Code::StaleLock);
    assert!(warning.message.contains("999999"), "{}", warning.message);
    let now: Holder =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("text")).expect("holder");
    assert_eq!(now.run_id, "r2");
}

#[test]
fn another_hosts_lock_is_refused_unless_forced() {
    let (_dir, path) = lock_path();
    let elsewhere = Holder {
        host: "other-runner".into(),
        ..holder("remote")
    };
    std::fs::write(&path, serde_json::to_string(&elsewhere).expect("json")).expect("written");
    let refused = PlanLock::acquire(&path, &holder("r2"), false).expect_err("cannot tell");
    assert_eq!(refused.code, Code::PlanLocked);
    assert!(refused.message.contains("other-runner"));
    let forced = PlanLock::acquire(&path, &holder("r2"), true).expect("forced");
    assert_eq!(forced.warning.map(|w| w.code), Some(Code::StaleLock));
}

#[test]
fn force_unlock_breaks_a_held_lock() {
    let (_dir, path) = lock_path();
    let _first = PlanLock::acquire(&path, &holder("r1"), false).expect("free");
    let forced = PlanLock::acquire(&path, &holder("r2"), true).expect("forced");
    let warning = forced.warning.expect("a warning");
    assert!(warning.message.contains("run `r1`"), "{}", warning.message);
}
