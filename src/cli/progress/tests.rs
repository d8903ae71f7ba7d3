use super::*;
use crate::azure::wire::job::JobStatus;

fn resolved() -> Resolved {
    let node = |id: &str, estimate: u64, wave: usize, depends: &[&str]| {
        serde_json::json!({
            "id": id, "kind": "restore", "vm": format!("{id}-01"),
            "estimateSeconds": estimate, "wave": wave, "dependsOn": depends,
        })
    };
    serde_json::from_value(serde_json::json!({
        "plan": "p", "hash": "sha256:0", "toolVersion": "0", "at": "2026-11-26T06:00:00Z",
        "steps": 3, "waves": 2, "estimateSeconds": 150, "criticalPath": ["db", "app"],
        // Listed out of order: the view orders them by wave.
        "nodes": [node("app", 50, 1, &["db"]), node("db", 100, 0, &[]), node("cache", 30, 0, &[])],
    }))
    .unwrap()
}

fn at(seconds: i64) -> Timestamp {
    "2026-11-26T06:00:00Z"
        .parse::<Timestamp>()
        .unwrap()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .unwrap()
}

fn live() -> Live {
    Live::new(&resolved(), ProgressDrawTarget::hidden())
}

#[test]
fn the_critical_path_left_counts_pending_work_whole_and_running_work_by_its_remainder() {
    let mut live = live();
    assert_eq!(live.critical_path_left(), Duration::from_secs(150));
    for node in ["db", "cache"] {
        live.event(&Event::StepStarted {
            at: at(0),
            node: node.into(),
            attempt: 1,
        });
    }
    live.event(&Event::StepSubmitted {
        at: at(40),
        node: "db".into(),
        attempt: 1,
        job_id: Some("job-1".into()),
        operation_url: None,
    });
    // db has 60 s of its 100 left, then app's 50.
    assert_eq!(live.critical_path_left(), Duration::from_secs(110));
    live.event(&Event::StepSucceeded {
        at: at(100),
        node: "db".into(),
        outputs: Default::default(),
    });
    assert_eq!(live.critical_path_left(), Duration::from_secs(50));
    assert_eq!(live.overall.position(), 1);
    assert!(
        live.overall
            .message()
            .contains("1 running, 0 failed, 0 skipped")
    );
}

#[test]
fn a_running_step_shows_its_jobs_current_task_and_percentage() {
    let mut live = live();
    live.event(&Event::StepStarted {
        at: at(0),
        node: "db".into(),
        attempt: 1,
    });
    assert_eq!(live.running["db"].prefix(), "restore db");
    live.job(
        "db",
        &JobProgress {
            job_id: "job-1".into(),
            status: Some(JobStatus::InProgress),
            percentage: Some(42.4),
            tasks: vec![
                (
                    "Prepare recovery point".into(),
                    Some(JobStatus::Completed),
                    None,
                ),
                (
                    "Transfer data".into(),
                    Some(JobStatus::InProgress),
                    Some(40.0),
                ),
            ],
        },
    );
    assert_eq!(live.running["db"].message(), "job job-1: Transfer data 42%");
    live.event(&Event::StepFailed {
        at: at(10),
        node: "db".into(),
        attempt: 1,
        code: "EX010".into(),
        message: "boom".into(),
        transient: false,
    });
    assert!(live.running.is_empty());
    assert!(live.overall.message().contains("1 failed"));
}
