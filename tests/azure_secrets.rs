//! A planted bearer token never appears in any error, Debug output or log
//! line, through retries, dropped connections and refusals. Its own test
//! binary, because it installs the global log subscriber (tracing caches
//! per-callsite interest process-wide, so a thread-local one would miss lines
//! that other tests' threads registered first).

mod support;

use std::sync::{Arc, Mutex};

use restoreplan::azure::api;
use restoreplan::azure::id::{ProtectedItemId, RecoveryPointId, VaultId, VirtualMachineId};
use serde_json::json;
use support::arm::{PLANTED_TOKEN, client};
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

/// Collects every log line into a buffer.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_planted_token_never_appears_in_errors_debug_or_logs() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only subscriber of this binary");

    let server = ScriptedServer::start(
        vec![
            Reply::text(503, ""),
            Reply::Drop,
            Reply::json(
                403,
                json!({ "error": { "code": "AuthorizationFailed", "message": "no" } }),
            ),
        ],
        ok_job(),
    )
    .await;
    let (arm, _) = client(&server.base);
    let error = arm
        .send(&api::job_get(&vault(), "job-1"), None)
        .await
        .expect_err("403 is final");
    let body = json!({ "properties": {} });
    let lost = ScriptedServer::start(vec![Reply::Drop], ok_job()).await;
    let (lost_client, _) = client(&lost.base);
    let unknown = lost_client
        .send(&api::restore_trigger(&point()), Some(&body))
        .await
        .expect_err("lost");

    let logged = String::from_utf8(logs.0.lock().expect("logs").clone()).expect("utf-8 logs");
    assert!(
        logged.contains("retrying"),
        "the test saw the retry log lines: {logged}"
    );
    for text in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{:?}", error.to_diagnostic()),
        format!("{unknown:?}"),
        format!("{arm:?}"),
        logged,
    ] {
        assert!(!text.contains(PLANTED_TOKEN), "the token leaked: {text}");
    }
    assert!(
        server
            .received()
            .iter()
            .all(|r| r.header("authorization").is_some()),
        "the token was sent, just never shown"
    );
}
