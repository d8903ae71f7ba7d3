//! The HTTP layer against scripted servers over real HTTP: waits for
//! Retry-After, retries 5xx and dropped connections where that is safe,
//! never repeats an acting POST that may have landed, gives up at the
//! deadline. The planted-token test is in `azure_secrets.rs` (it owns the global log subscriber).

mod support;

use std::time::Duration;

use restoreplan::azure::api;
use restoreplan::azure::error::ArmErrorKind;
use restoreplan::azure::http::retry::RetryPolicy;
use restoreplan::azure::id::{ProtectedItemId, RecoveryPointId, VaultId, VirtualMachineId};
use restoreplan::clock::Clock;
use serde_json::json;
use support::arm::{PLANTED_TOKEN, client, client_with, start};
use support::scripted_server::{Reply, ScriptedServer};

fn vault() -> VaultId {
    "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod"
        .parse()
        .expect("vault id")
}

fn point() -> RecoveryPointId {
    let vm: VirtualMachineId = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/sql-01"
        .parse()
        .expect("vm id");
    RecoveryPointId::new(ProtectedItemId::for_vm(vault(), &vm), "20982486783671").expect("point")
}

fn ok_job() -> Reply {
    Reply::json(
        200,
        json!({ "name": "job-1", "properties": { "jobType": "AzureIaaSVMJob", "status": "Completed" } }),
    )
}

fn elapsed(clock: &impl Clock) -> Duration {
    Duration::try_from(clock.now().duration_since(start())).expect("time moves forward")
}

#[tokio::test]
async fn a_429_is_waited_out_for_exactly_its_retry_after_and_then_succeeds() {
    let server = ScriptedServer::start(
        vec![
            Reply::json(
                429,
                json!({ "error": { "code": "TooManyRequests", "message": "slow down" } }),
            )
            .header("Retry-After", "17"),
        ],
        ok_job(),
    )
    .await;
    let (client, clock) = client(&server.base);
    let answer = client
        .send(&api::job_get(&vault(), "job-1"), None)
        .await
        .expect("succeeds after the wait");
    assert_eq!(answer.status, 200);
    assert_eq!(elapsed(&clock), Duration::from_secs(17));
    let received = server.received();
    assert_eq!(received.len(), 2, "one 429, one retry");
    let ids: Vec<_> = received
        .iter()
        .map(|r| {
            r.header("x-ms-client-request-id")
                .expect("client request id")
        })
        .collect();
    assert_eq!(ids[0], ids[1], "a retry keeps the request's client id");
    assert!(
        received[0]
            .header("user-agent")
            .is_some_and(|agent| agent.starts_with("restoreplan/"))
    );
    assert!(
        received
            .iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {PLANTED_TOKEN}")))
    );
}

#[tokio::test]
async fn retry_after_ms_headers_win_over_seconds() {
    let server = ScriptedServer::start(
        vec![
            Reply::text(503, "")
                .header("Retry-After", "30")
                .header("x-ms-retry-after-ms", "250"),
        ],
        ok_job(),
    )
    .await;
    let (client, clock) = client(&server.base);
    client
        .send(&api::job_get(&vault(), "job-1"), None)
        .await
        .expect("succeeds");
    assert_eq!(elapsed(&clock), Duration::from_millis(250));
}

#[tokio::test]
async fn a_503_and_a_dropped_connection_are_retried_for_a_read() {
    let server = ScriptedServer::start(vec![Reply::text(503, "busy"), Reply::Drop], ok_job()).await;
    let (client, clock) = client(&server.base);
    let answer = client
        .send(&api::job_get(&vault(), "job-1"), None)
        .await
        .expect("third attempt succeeds");
    assert_eq!(answer.status, 200);
    assert_eq!(server.received().len(), 3);
    assert!(
        elapsed(&clock) > Duration::ZERO,
        "backed off between attempts"
    );
}

#[tokio::test]
async fn an_acting_post_is_never_repeated_once_it_may_have_landed() {
    for first in [Reply::Drop, Reply::text(500, "oops"), Reply::text(503, "")] {
        let server = ScriptedServer::start(vec![first], Reply::text(202, "")).await;
        let (client, _) = client(&server.base);
        let body = json!({ "properties": { "objectType": "IaasVMRestoreRequest" } });
        let error = client
            .send(&api::restore_trigger(&point()), Some(&body))
            .await
            .expect_err("outcome unknown");
        assert!(
            matches!(*error.kind, ArmErrorKind::OutcomeUnknown { .. }),
            "{error}"
        );
        assert_eq!(error.to_diagnostic().code.id(), "EX007");
        assert_eq!(server.received().len(), 1, "not sent a second time");
    }
}

#[tokio::test]
async fn an_acting_post_throttled_with_429_is_retried() {
    let server = ScriptedServer::start(
        vec![Reply::text(429, "").header("Retry-After", "5")],
        Reply::text(202, ""),
    )
    .await;
    let (client, clock) = client(&server.base);
    let body = json!({ "properties": { "objectType": "IaasVMRestoreRequest" } });
    let answer = client
        .send(&api::restore_trigger(&point()), Some(&body))
        .await
        .expect("accepted after the wait");
    assert_eq!(answer.status, 202);
    assert_eq!(elapsed(&clock), Duration::from_secs(5));
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[1].body,
        body.to_string(),
        "the same body is sent again"
    );
}

#[tokio::test]
async fn a_permanent_user_error_is_not_retried_and_names_code_and_correlation_id() {
    let error_body = json!({ "error": { "code": "UserErrorRecoveryPointNotFound", "message": "The recovery point was not found." } });
    let server = ScriptedServer::start(
        vec![
            Reply::json(400, error_body)
                .header("x-ms-correlation-request-id", "corr-77")
                .header("x-ms-request-id", "req-88"),
        ],
        ok_job(),
    )
    .await;
    let (client, _) = client(&server.base);
    let error = client
        .send(&api::recovery_point_get(&point()), None)
        .await
        .expect_err("a 400 is final");
    assert_eq!(server.received().len(), 1);
    assert_eq!(error.azure_code(), Some("UserErrorRecoveryPointNotFound"));
    let diagnostic = error.to_diagnostic();
    assert_eq!(diagnostic.code.id(), "EX002");
    assert!(
        diagnostic
            .message
            .contains("correlation id corr-77; request id req-88"),
        "{}",
        diagnostic.message
    );
}

#[tokio::test]
async fn malformed_json_is_an_error_not_a_panic() {
    let server = ScriptedServer::start(
        vec![Reply::text(200, "{\"name\": \"job-1\", \"properties\": {")],
        ok_job(),
    )
    .await;
    let (client, _) = client(&server.base);
    let request = api::job_get(&vault(), "job-1");
    let error = client
        .send_json::<restoreplan::azure::wire::job::JobResource>(&request, None)
        .await
        .expect_err("broken JSON");
    assert_eq!(error.to_diagnostic().code.id(), "EX008");
}

#[tokio::test]
async fn endless_throttling_stops_at_the_deadline() {
    let server =
        ScriptedServer::start(vec![], Reply::text(429, "").header("Retry-After", "60")).await;
    let retry = RetryPolicy {
        seed: Some(1),
        max_attempts: 100,
        deadline: Duration::from_secs(200),
        ..RetryPolicy::default()
    };
    let (client, clock) = client_with(&server.base, retry);
    let error = client
        .send(&api::job_get(&vault(), "job-1"), None)
        .await
        .expect_err("gives up");
    assert_eq!(error.to_diagnostic().code.id(), "EX005");
    assert_eq!(
        server.received().len(),
        4,
        "at 0, 60, 120 and 180 s; 240 s is past the deadline"
    );
    assert_eq!(elapsed(&clock), Duration::from_secs(180));
}

#[tokio::test]
async fn a_url_to_another_host_or_over_http_is_refused() {
    let server = ScriptedServer::start(vec![], ok_job()).await;
    let (client, _) = client(&server.base);
    for url in [
        "https://evil.example.com/subscriptions/x",
        "http://10.0.0.1/x",
        "ftp://127.0.0.1/x",
        "not a url",
    ] {
        let error = client.follow(url).await.expect_err(url);
        assert_eq!(error.to_diagnostic().code.id(), "EX009", "{url}");
    }
    assert!(server.received().is_empty());
    let same_host = format!(
        "{}/subscriptions/x/operations/1?api-version=2026-02-01",
        server.base
    );
    client
        .follow(&same_host)
        .await
        .expect("same host is followed");
}
