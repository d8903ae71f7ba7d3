//! Jobs over HTTPS: progress follows the simulated clock, a running restore
//! can be cancelled (once), and listings filter by operation, status and
//! time and page with `nextLink`.

mod emulator_common;

use emulator_common::*;
use restoreplan::azure::api;
use restoreplan::azure::wire::restore::RecoveryType;

const SQL_LATEST: &str = "819330550323368531";

#[tokio::test]
async fn a_running_restore_can_be_cancelled_and_progress_follows_the_clock() {
    // Real time: the restore takes an hour, so it is still running when cancelled.
    let emulator = start(|config| config.time_scale = 1.0).await;
    let arm = Arm::new(&emulator).await;
    let body = restore_body("sql-01", SQL_LATEST, RecoveryType::RestoreDisks, None);
    let trigger = arm
        .send(
            &api::restore_trigger(&ids::point("sql-01", SQL_LATEST)),
            Some(&body),
        )
        .await;
    assert_eq!(trigger.status, 202);
    let job_id = emulator.world_job_ids().pop().expect("a job");
    let job = arm.send(&api::job_get(&ids::vault(), &job_id), None).await;
    assert_eq!(job.body["properties"]["status"], "InProgress");
    assert_eq!(
        job.body["properties"]["extendedInfo"]["tasksList"][0]["status"],
        "InProgress"
    );
    assert!(
        job.body["properties"]["extendedInfo"]["progressPercentage"]
            .as_f64()
            .is_some_and(|p| p < 1.0)
    );

    let cancel = arm
        .send(&api::job_cancel(&ids::vault(), &job_id), None)
        .await;
    assert_eq!(cancel.status, 202, "{}", cancel.body);
    assert!(
        cancel
            .header("location")
            .is_some_and(|l| l.contains("/operationResults/"))
    );
    let job = arm.send(&api::job_get(&ids::vault(), &job_id), None).await;
    assert_eq!(job.body["properties"]["status"], "Cancelled");
    let again = arm
        .send(&api::job_cancel(&ids::vault(), &job_id), None)
        .await;
    assert_eq!(
        (again.status, again.body["error"]["code"].as_str()),
        (400, Some("UserErrorJobCannotBeCancelled"))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn jobs_list_filters_by_operation_status_and_time_and_pages() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    for (name, kind) in [
        ("a-01", RecoveryType::AlternateLocation),
        ("b-01", RecoveryType::AlternateLocation),
    ] {
        let body = restore_body("sql-01", SQL_LATEST, kind, Some(name));
        restore(&arm, "sql-01", SQL_LATEST, &body).await;
    }
    let failing = restore_body("sql-01", SQL_LATEST, RecoveryType::RestoreDisks, None);
    restore(&arm, "sql-01", SQL_LATEST, &failing).await;
    let (all, pages) = arm
        .list_all(&api::jobs_list(&ids::vault(), None), None)
        .await;
    assert_eq!((all.len(), pages), (3, 2), "page size 2");
    let window = api::TimeWindow {
        start: jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1),
        end: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 30),
    };
    let (in_window, _) = arm
        .list_all(&api::jobs_list(&ids::vault(), Some(&window)), None)
        .await;
    assert_eq!(in_window.len(), 3);
    let past = api::TimeWindow {
        start: window.start - jiff::SignedDuration::from_hours(48),
        end: window.start,
    };
    let (none, _) = arm
        .list_all(&api::jobs_list(&ids::vault(), Some(&past)), None)
        .await;
    assert!(none.is_empty());
    let mut filtered = api::jobs_list(&ids::vault(), None);
    filtered.query.push((
        "$filter",
        "status eq 'Completed' and operation eq 'Restore'".to_owned(),
    ));
    let (completed, _) = arm.list_all(&filtered, None).await;
    assert_eq!(completed.len(), 3);
    emulator.shutdown().await;
}
