//! Long-running operations over real HTTP: Azure-AsyncOperation and Location
//! polling with Retry-After, the operation's error, and hostile answers
//! (missing headers, malformed bodies, a Location on another host, an
//! operation that never ends).

mod support;

use std::time::Duration;

use restoreplan::azure::api;
use restoreplan::azure::id::{ProtectedItemId, RecoveryPointId, VaultId, VirtualMachineId};
use restoreplan::azure::lro::{PollSettings, wait};
use restoreplan::azure::wire::operation::OperationStatusExtendedInfo;
use restoreplan::clock::Clock;
use serde_json::json;
use support::arm::{client, start};
use support::scripted_server::{Reply, ScriptedServer};

fn point() -> RecoveryPointId {
    let vault: VaultId = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod"
        .parse()
        .expect("vault id");
    let vm: VirtualMachineId = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/sql-01"
        .parse()
        .expect("vm id");
    RecoveryPointId::new(ProtectedItemId::for_vm(vault, &vm), "1").expect("point")
}

const STATUS_PATH: &str = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupFabrics/Azure/protectionContainers/c/protectedItems/i/operationsStatus/op-1?api-version=2026-02-01";

fn accepted(base: &str) -> Reply {
    Reply::text(202, "")
        .header("Azure-AsyncOperation", &format!("{base}{STATUS_PATH}"))
        .header("Retry-After", "10")
}

fn in_progress() -> Reply {
    Reply::json(
        200,
        json!({ "id": "op-1", "name": "op-1", "status": "InProgress" }),
    )
    .header("Retry-After", "5")
}

fn succeeded() -> Reply {
    Reply::json(
        200,
        json!({ "id": "op-1", "status": "Succeeded",
        "properties": { "objectType": "OperationStatusJobExtendedInfo", "jobId": "job-42" } }),
    )
}

async fn trigger(
    base: &str,
    settings: PollSettings,
) -> (
    Result<restoreplan::azure::lro::Completed, restoreplan::azure::error::ArmError>,
    Duration,
) {
    let (client, clock) = client(base);
    let body = json!({ "properties": { "objectType": "IaasVMRestoreRequest" } });
    let accepted = client
        .send(&api::restore_trigger(&point()), Some(&body))
        .await
        .expect("accepted");
    let outcome = wait(&client, accepted, &settings).await;
    (
        outcome,
        Duration::try_from(clock.now().duration_since(start())).expect("forward"),
    )
}

#[tokio::test]
async fn the_async_operation_is_polled_with_retry_after_to_its_job_id() {
    let server = ScriptedServer::start_with(|base| {
        (
            vec![accepted(base), in_progress(), succeeded()],
            Reply::text(500, ""),
        )
    })
    .await;
    let (outcome, elapsed) = trigger(&server.base, PollSettings::default()).await;
    let completed = outcome.expect("succeeds");
    let Some(OperationStatusExtendedInfo::Job { job_id }) =
        completed.status.and_then(|s| s.properties)
    else {
        panic!("a job id")
    };
    assert_eq!(job_id.as_deref(), Some("job-42"));
    assert_eq!(completed.polls, 2);
    assert_eq!(
        elapsed,
        Duration::from_secs(15),
        "10 s from the trigger, 5 s from the first poll"
    );
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn a_location_is_polled_until_it_stops_answering_202() {
    let server = ScriptedServer::start_with(|base| {
        let location = format!(
            "{base}/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/operationResults/op-1"
        );
        (
            vec![
                Reply::text(202, "").header("Location", &location),
                Reply::text(202, "").header("Retry-After", "2"),
                succeeded(),
            ],
            Reply::text(500, ""),
        )
    })
    .await;
    let (outcome, elapsed) = trigger(&server.base, PollSettings::default()).await;
    assert_eq!(outcome.expect("done").polls, 2);
    assert_eq!(
        elapsed,
        Duration::from_secs(32),
        "30 s default, then the 2 s Retry-After"
    );
}

#[tokio::test]
async fn a_failed_operation_carries_azures_code() {
    let failed = Reply::json(
        200,
        json!({ "status": "Failed",
        "error": { "code": "UserErrorTargetDiskExists", "message": "A disk with that name exists." } }),
    );
    let server =
        ScriptedServer::start_with(|base| (vec![accepted(base), failed], Reply::text(500, "")))
            .await;
    let (outcome, _) = trigger(&server.base, PollSettings::default()).await;
    let error = outcome.expect_err("failed");
    assert_eq!(error.azure_code(), Some("UserErrorTargetDiskExists"));
    assert_eq!(error.to_diagnostic().code.id(), "EX011");
}

#[tokio::test]
async fn a_location_on_another_host_is_refused() {
    let server = ScriptedServer::start(
        vec![Reply::text(202, "").header(
            "Azure-AsyncOperation",
            "https://attacker.example/subscriptions/x/operationsStatus/1",
        )],
        Reply::text(500, ""),
    )
    .await;
    let (outcome, _) = trigger(&server.base, PollSettings::default()).await;
    assert_eq!(
        outcome.expect_err("refused").to_diagnostic().code.id(),
        "EX009"
    );
    assert_eq!(
        server.received().len(),
        1,
        "nothing was sent to the other host or back here"
    );
}

#[tokio::test]
async fn an_accepted_answer_without_poll_headers_is_an_error() {
    let server = ScriptedServer::start(vec![Reply::text(202, "")], Reply::text(500, "")).await;
    let (outcome, _) = trigger(&server.base, PollSettings::default()).await;
    assert_eq!(
        outcome.expect_err("no headers").to_diagnostic().code.id(),
        "EX008"
    );
}

#[tokio::test]
async fn a_few_malformed_status_bodies_are_tolerated_but_not_forever() {
    let broken = || Reply::text(200, "{\"status\": ");
    let server = ScriptedServer::start_with(|base| {
        (
            vec![accepted(base), broken(), broken(), succeeded()],
            Reply::text(500, ""),
        )
    })
    .await;
    let (outcome, _) = trigger(&server.base, PollSettings::default()).await;
    assert_eq!(outcome.expect("two broken bodies are survived").polls, 3);

    let server = ScriptedServer::start_with(|base| (vec![accepted(base)], broken())).await;
    let (outcome, _) = trigger(&server.base, PollSettings::default()).await;
    assert_eq!(
        outcome
            .expect_err("four in a row are not")
            .to_diagnostic()
            .code
            .id(),
        "EX008"
    );
    assert_eq!(server.received().len(), 1 + 4);
}

#[tokio::test]
async fn an_operation_stuck_in_progress_stops_at_the_deadline() {
    let server = ScriptedServer::start_with(|base| (vec![accepted(base)], in_progress())).await;
    let settings = PollSettings {
        deadline: Duration::from_secs(600),
        ..PollSettings::default()
    };
    let (outcome, elapsed) = trigger(&server.base, settings).await;
    assert_eq!(
        outcome.expect_err("deadline").to_diagnostic().code.id(),
        "EX012"
    );
    assert!(elapsed <= Duration::from_secs(600), "{elapsed:?}");
    assert_eq!(
        server.received().len(),
        1 + 119,
        "a poll at 10 s, then every 5 s up to 600 s"
    );
}
