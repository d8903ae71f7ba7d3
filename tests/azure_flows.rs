//! The remaining Azure Backup flows over real HTTP: cross-region restore,
//! file recovery with its mount scripts, Azure's own validation, and the
//! deployment of a disk restore's template (fetched from blob storage).

mod support;

use restoreplan::azure::backup::{CrossRegionTarget, IdentityChoice, RestoreMode, RestoreSpec};
use restoreplan::azure::id::{StorageAccountId, SubscriptionId};
use restoreplan::azure::wire::job::JobResource;
use restoreplan::azure::wire::restore::TargetDiskNetworkAccessOption;
use serde_json::json;
use support::arm::PLANTED_TOKEN;
use support::backup::{
    SUB, accepted, backup as backup_over, check_against_specs, group, job, operation_with_job,
    point, vault, vm,
};
use support::scripted_server::{Reply, ScriptedServer};

const ITEM_PATH: &str = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupFabrics/Azure/protectionContainers/iaasvmcontainer%3Biaasvmcontainerv2%3Brg-app%3Bsql-01/protectedItems/vm%3Biaasvmcontainerv2%3Brg-app%3Bsql-01";

fn disks_spec(region: &str) -> RestoreSpec {
    let staging: StorageAccountId = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/stdr"
    )
    .parse()
    .expect("account");
    RestoreSpec {
        point: point(),
        source_vm: vm(),
        mode: RestoreMode::Disks {
            resource_group: group("rg-dr"),
            luns: None,
        },
        region: region.into(),
        staging,
        identity: Some(IdentityChoice::SystemAssigned),
        disk_encryption_set: None,
        disk_access: None,
        zone: None,
        rehydration: None,
    }
}

fn target() -> CrossRegionTarget {
    CrossRegionTarget {
        subscription: SubscriptionId::new(SUB).expect("guid"),
        region: "northeurope".into(),
    }
}

#[tokio::test]
async fn a_cross_region_restore_runs_from_aad_properties_to_a_completed_crr_job() {
    let server = ScriptedServer::start_with(|base| {
        let status = format!("{base}/subscriptions/{SUB}/providers/Microsoft.RecoveryServices/locations/northeurope/backupCrrOperationsStatus/op-9?api-version=2023-01-15");
        (
            vec![
                Reply::json(200, json!({ "id": format!("/subscriptions/{SUB}/providers/Microsoft.RecoveryServices/locations/northeurope/backupAadProperties/default"),
                    "name": "default", "type": "Microsoft.RecoveryServices/locations/backupAadProperties",
                    "properties": { "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                    "audience": "https://RecoveryServices/IaasCoord/aadmgmt/neu", "servicePrincipalObjectId": "spn" } })),
                Reply::json(200, json!({ "properties": { "objectType": "WorkloadCrrAccessToken",
                    "accessTokenString": "crr-token-value", "recoveryPointId": "20982486783671", "protectionContainerId": 7 } })),
                Reply::text(202, "").header("Azure-AsyncOperation", &status).header("Retry-After", "60"),
                operation_with_job("crr-job-1"),
                job("InProgress", 50.0, json!({ "operation": "CrossRegionRestore" })),
                job("Completed", 100.0, json!({ "operation": "CrossRegionRestore" })),
            ],
            Reply::text(500, ""),
        )
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let job_id = backup
        .trigger_cross_region_restore(&target(), &disks_spec("northeurope"))
        .await
        .expect("triggered");
    assert_eq!(job_id, "crr-job-1");
    let mut percentages = Vec::new();
    backup
        .follow_cross_region_job(&target(), &vault(), &job_id, &mut |p| {
            percentages.push(p.percentage)
        })
        .await
        .expect("completes");
    assert_eq!(percentages, [Some(50.0), Some(100.0)]);
    let received = server.received();
    assert_eq!(
        check_against_specs(&received),
        [
            "AadProperties_Get",
            "RecoveryPoints_GetAccessToken",
            "CrossRegionRestore_Trigger",
            "CrrOperationStatus_Get",
            "BackupCrrJobDetails_Get",
            "BackupCrrJobDetails_Get"
        ]
    );
    assert!(
        received[2]
            .body
            .contains("\"accessTokenString\":\"crr-token-value\""),
        "the token travels to Azure in the body"
    );
    assert!(received[4].body.contains("\"jobName\":\"crr-job-1\""));
}

#[tokio::test]
async fn a_cross_region_restore_refuses_options_its_api_version_lacks() {
    let server = ScriptedServer::start(vec![], Reply::text(500, "")).await;
    let (backup, _) = backup_over(&server.base);
    let spec = RestoreSpec {
        disk_access: Some((
            TargetDiskNetworkAccessOption::EnablePublicAccessForAllDisks,
            None,
        )),
        ..disks_spec("northeurope")
    };
    let error = backup
        .trigger_cross_region_restore(&target(), &spec)
        .await
        .expect_err("refused");
    assert_eq!(error.to_diagnostic().code.id(), "EX002");
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn file_recovery_saves_the_mount_scripts_and_is_revoked() {
    let folder = tempfile::tempdir().expect("run folder");
    let server = ScriptedServer::start_with(|base| {
        let status = format!("{ITEM_PATH}/operationsStatus/ilr-1");
        let scripts = json!({ "status": "Succeeded", "properties": { "objectType": "OperationStatusProvisionILRExtendedInfo",
            "recoveryTarget": { "clientScripts": [
                { "scriptContent": "#!/bin/sh\necho mount\n", "scriptExtension": ".sh", "osType": "Linux", "scriptNameSuffix": "_a1/../b" },
                { "scriptContent": "", "scriptExtension": ".ps1", "osType": "Windows", "url": "https://download.example/ilr.exe" } ] } } });
        let revoke_status = format!("{ITEM_PATH}/operationsStatus/ilr-2");
        (
            vec![accepted(base, &status), Reply::json(200, scripts), accepted(base, &revoke_status), Reply::json(200, json!({ "status": "Succeeded" }))],
            Reply::text(500, ""),
        )
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let saved = backup
        .provision_file_recovery(
            &point(),
            &vm(),
            "iqn.2016-01.microsoft.azure.backup:restoreplan",
            folder.path(),
        )
        .await
        .expect("provisioned");
    assert_eq!(saved.len(), 2);
    let linux = std::fs::read_to_string(&saved[0].path).expect("script written");
    assert_eq!(linux, "#!/bin/sh\necho mount\n");
    assert_eq!(
        saved[0].path.parent(),
        Some(folder.path()),
        "a hostile suffix cannot leave the run folder"
    );
    assert_eq!(
        saved[0].path.file_name().and_then(|n| n.to_str()),
        Some("sql-01_20982486783671_0_a1..b.sh")
    );
    assert_eq!(
        saved[1].download_url.as_deref(),
        Some("https://download.example/ilr.exe")
    );
    backup
        .revoke_file_recovery(&point())
        .await
        .expect("revoked");
    assert_eq!(
        check_against_specs(&server.received()),
        [
            "ItemLevelRecoveryConnections_Provision",
            "ProtectedItemOperationStatuses_Get",
            "ItemLevelRecoveryConnections_Revoke",
            "ProtectedItemOperationStatuses_Get"
        ]
    );
}

#[tokio::test]
async fn azures_validation_findings_become_one_diagnostic() {
    let findings = json!({ "validateOperationResponse": { "validationResults": [
        { "code": "UserErrorStorageAccountNotFound", "message": "The staging account does not exist.", "recommendations": ["Create it."] } ] } });
    let server = ScriptedServer::start(
        vec![
            Reply::json(200, findings),
            Reply::json(200, json!({ "validateOperationResponse": {} })),
        ],
        Reply::text(500, ""),
    )
    .await;
    let (backup, _) = backup_over(&server.base);
    let spec = disks_spec("westeurope");
    let error = backup
        .validate_restore(&vault(), &point(), spec.request())
        .await
        .expect_err("a finding");
    let diagnostic = error.to_diagnostic();
    assert_eq!(diagnostic.code.id(), "EX016");
    assert!(
        diagnostic
            .message
            .contains("UserErrorStorageAccountNotFound")
    );
    assert_eq!(diagnostic.help.as_deref(), Some("Create it."));
    backup
        .validate_restore(&vault(), &point(), spec.request())
        .await
        .expect("no findings");
    assert_eq!(
        check_against_specs(&server.received()),
        ["Operation_Validate", "Operation_Validate"]
    );
}

fn finished_disk_job(template_uri: &str) -> JobResource {
    serde_json::from_value(
        json!({ "name": "job-7", "properties": { "jobType": "AzureIaaSVMJob", "status": "Completed",
        "extendedInfo": { "propertyBag": { "Template Blob Uri": template_uri } } } }),
    )
    .expect("job")
}

#[tokio::test]
async fn the_restored_template_is_fetched_with_a_storage_token_and_deployed() {
    let template = json!({ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "resources": [] });
    let server = ScriptedServer::start_with(|base| {
        let status = format!("{base}/subscriptions/{SUB}/resourcegroups/rg-dr/providers/Microsoft.Resources/deployments/restore-sql-01/operationStatuses/d-1?api-version=2024-03-01");
        (
            vec![
                Reply::json(200, template.clone()),
                Reply::json(201, json!({ "name": "restore-sql-01", "properties": { "provisioningState": "Accepted" } }))
                    .header("Azure-AsyncOperation", &status),
                Reply::json(200, json!({ "status": "Running" })),
                Reply::json(200, json!({ "status": "Succeeded" })),
                Reply::json(200, json!({ "name": "restore-sql-01", "properties": { "provisioningState": "Succeeded" } })),
            ],
            Reply::text(500, ""),
        )
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let uri = format!(
        "{}/stdr-container/azuredeploy1234.json?sv=2024&sig=SAS-SECRET",
        server.base
    );
    let parameters = json!({ "VirtualMachineName": { "value": "sql-01-dr" } });
    let deployment = backup
        .deploy_restored_template(
            &finished_disk_job(&uri),
            &group("rg-dr"),
            "restore-sql-01",
            Some(parameters.clone()),
        )
        .await
        .expect("deployed");
    assert_eq!(
        deployment
            .properties
            .and_then(|p| p.provisioning_state)
            .as_deref(),
        Some("Succeeded")
    );
    let received = server.received();
    assert_eq!(
        received[0].header("authorization"),
        Some(format!("Bearer {PLANTED_TOKEN}").as_str())
    );
    assert!(
        received[0].header("x-ms-version").is_some(),
        "blob reads carry a storage service version"
    );
    let put: serde_json::Value = serde_json::from_str(&received[1].body).expect("deployment body");
    assert_eq!(
        put,
        json!({ "properties": { "mode": "Incremental", "template": template, "parameters": parameters } })
    );
    assert_eq!(received[1].method, "PUT");
}

#[tokio::test]
async fn a_job_without_a_template_and_a_failed_deployment_are_diagnostics() {
    let server = ScriptedServer::start(vec![], Reply::text(500, "")).await;
    let (backup, _) = backup_over(&server.base);
    let no_template: JobResource = serde_json::from_value(
        json!({ "name": "job-7", "properties": { "jobType": "AzureIaaSVMJob" } }),
    )
    .expect("job");
    let error = backup
        .deploy_restored_template(&no_template, &group("rg-dr"), "d", None)
        .await
        .expect_err("no template");
    assert_eq!(error.to_diagnostic().code.id(), "EX018");

    let server = ScriptedServer::start_with(|base| {
        let status = format!("{base}/subscriptions/{SUB}/resourcegroups/rg-dr/providers/Microsoft.Resources/deployments/d/operationStatuses/d-1?api-version=2024-03-01");
        (
            vec![
                Reply::json(200, json!({ "resources": [] })),
                Reply::json(201, json!({})).header("Azure-AsyncOperation", &status),
                Reply::json(200, json!({ "status": "Failed", "error": { "code": "InvalidTemplateDeployment", "message": "quota" } })),
            ],
            Reply::text(500, ""),
        )
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let uri = format!("{}/c/azuredeploy.json?sig=SAS-SECRET", server.base);
    let error = backup
        .deploy_restored_template(&finished_disk_job(&uri), &group("rg-dr"), "d", None)
        .await
        .expect_err("failed");
    let diagnostic = error.to_diagnostic();
    assert_eq!(diagnostic.code.id(), "EX019");
    assert!(
        diagnostic.message.contains("InvalidTemplateDeployment"),
        "{}",
        diagnostic.message
    );
    assert!(!format!("{error:?}").contains("SAS-SECRET"));
}
