//! Fixtures for the Azure Backup flow tests: ids, a [`Backup`] over a scripted
//! server, canned answers, and a check that every request the client sent
//! matches its spec operation (and every restore body its spec definition).

use std::sync::Arc;
use std::time::Duration;

use restoreplan::azure::backup::{Backup, BackupSettings};
use restoreplan::azure::id::{
    ProtectedItemId, RecoveryPointId, ResourceGroupId, VaultId, VirtualMachineId,
};
use restoreplan::azure::lro::PollSettings;
use serde_json::{Value, json};

use super::arm::client;
use super::azure_spec::{SchemaOptions, SpecFile, Specs};
use super::scripted_server::{Received, Reply};

/// The test subscription.
pub const SUB: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";

/// The vault.
pub fn vault() -> VaultId {
    format!("/subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod")
        .parse()
        .expect("vault id")
}

/// A resource group of the subscription.
pub fn group(name: &str) -> ResourceGroupId {
    format!("/subscriptions/{SUB}/resourceGroups/{name}")
        .parse()
        .expect("group id")
}

/// The protected VM.
pub fn vm() -> VirtualMachineId {
    format!("/subscriptions/{SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/sql-01")
        .parse()
        .expect("vm id")
}

/// Its protected item.
pub fn item() -> ProtectedItemId {
    ProtectedItemId::for_vm(vault(), &vm())
}

/// A recovery point of it.
pub fn point() -> RecoveryPointId {
    RecoveryPointId::new(item(), "20982486783671").expect("point")
}

/// Fast settings: 10 s job polls, a one-hour job deadline, 20 pages at most.
pub fn settings() -> BackupSettings {
    BackupSettings {
        operations: PollSettings {
            deadline: Duration::from_secs(600),
            ..PollSettings::default()
        },
        job_interval: Duration::from_secs(10),
        job_deadline: Duration::from_secs(3600),
        max_pages: 20,
    }
}

/// A [`Backup`] over the server at `base`, and its virtual clock.
pub fn backup(base: &str) -> (Backup, restoreplan::clock::ManualClock) {
    let (arm, clock) = client(base);
    (Backup::new(Arc::new(arm), settings()), clock)
}

/// `202` with an `Azure-AsyncOperation` header on the server.
pub fn accepted(base: &str, path: &str) -> Reply {
    Reply::text(202, "")
        .header(
            "Azure-AsyncOperation",
            &format!("{base}{path}?api-version=2026-02-01"),
        )
        .header("Retry-After", "5")
}

/// An operation status that names `job_id`.
pub fn operation_with_job(job_id: &str) -> Reply {
    Reply::json(
        200,
        json!({ "status": "Succeeded", "properties": { "objectType": "OperationStatusJobExtendedInfo", "jobId": job_id } }),
    )
}

/// A VM job in `status` with `percent` progress and extra properties.
pub fn job(status: &str, percent: f64, extra: Value) -> Reply {
    let mut properties = json!({ "jobType": "AzureIaaSVMJob", "operation": "Restore", "status": status,
        "extendedInfo": { "progressPercentage": percent,
            "tasksList": [{ "taskId": "Transfer data from vault", "status": status, "progressPercentage": percent }] } });
    if let (Some(target), Some(more)) = (properties.as_object_mut(), extra.as_object()) {
        for (key, value) in more {
            target.insert(key.clone(), value.clone());
        }
    }
    Reply::json(200, json!({ "name": "job-1", "properties": properties }))
}

/// Every request to ARM matches a spec operation (when its api-version is a bundled spec's),
/// and restore-shaped bodies validate against their closed spec definitions. Returns the operation ids.
pub fn check_against_specs(received: &[Received]) -> Vec<String> {
    let specs = Specs::load();
    let mut operations = Vec::new();
    for request in received {
        let Some(api_version) = request
            .target
            .split("api-version=")
            .nth(1)
            .map(|v| v.split('&').next().unwrap_or(v))
        else {
            operations.push(format!("{} (no api-version)", request.method));
            continue;
        };
        let Some(file) = specs.file_for_api_version(api_version) else {
            operations.push(format!("{} {}", request.method, api_version));
            continue;
        };
        // A nextLink's $skipToken is the server's own, not a parameter the client chose.
        let target = request
            .target
            .split("&$skipToken=")
            .next()
            .unwrap_or(&request.target);
        let matched = specs
            .match_request(&request.method, target)
            .unwrap_or_else(|e| panic!("{e}"));
        let definition = match matched.operation_id.as_str() {
            "Restores_Trigger" => Some("RestoreRequestResource"),
            "CrossRegionRestore_Trigger" => Some("CrossRegionRestoreRequest"),
            "ItemLevelRecoveryConnections_Provision" => Some("ILRRequestResource"),
            "Operation_Validate" => Some("ValidateOperationRequestResource"),
            "BackupCrrJobDetails_Get" => Some("CrrJobRequest"),
            "RecoveryPoints_GetAccessToken" => Some("AADPropertiesResource"),
            _ => None,
        };
        if let Some(definition) = definition {
            let body: Value = serde_json::from_str(&request.body).expect("the client sends JSON");
            let errors = specs.errors(file, definition, SchemaOptions::REQUEST, &body);
            assert!(errors.is_empty(), "{definition}: {errors:#?}\n{body:#}");
        }
        assert_eq!(file == SpecFile::Crr, api_version == "2023-01-15");
        operations.push(matched.operation_id);
    }
    operations
}
