//! Responses as Azure sends them deserialize into the wire types: examples
//! hand-written from the spec and the REST documentation, including integer
//! tiers of older api-versions, nulls, unknown fields and unknown subtypes.
//! Where the example uses the current spellings it must also validate
//! against the spec's (open) response schema, so the examples are honest.

mod support;

use restoreplan::azure::wire::Page;
use restoreplan::azure::wire::crr::{CrrAccessToken, CrrAccessTokenResource};
use restoreplan::azure::wire::error::ErrorResponse;
use restoreplan::azure::wire::job::{Job, JobResource, JobStatus, TEMPLATE_BLOB_URI};
use restoreplan::azure::wire::operation::{
    OperationStatus, OperationStatusExtendedInfo, OperationStatusValue,
};
use restoreplan::azure::wire::protected_item::{ProtectedItem, ProtectedItemResource};
use restoreplan::azure::wire::recovery_point::{
    RecoveryPoint, RecoveryPointResource, TierStatus, TierType,
};
use restoreplan::azure::wire::storage_config::{BackupResourceConfigResource, StorageType};
use restoreplan::azure::wire::validate::ValidateOperationsResponse;
use serde_json::{Value, json};
use support::azure_spec::{SchemaOptions, SpecFile, Specs};

const POINT_ID: &str = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-app;sql-01/protectedItems/VM;iaasvmcontainerv2;rg-app;sql-01/recoveryPoints/20982486783671";

fn recovery_point(tiers: Value) -> Value {
    json!({
        "id": POINT_ID,
        "name": "20982486783671",
        "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints",
        "properties": {
            "objectType": "IaasVMRecoveryPoint",
            "recoveryPointType": "AppConsistent",
            "recoveryPointTime": "2026-11-25T01:02:03.3219546Z",
            "recoveryPointAdditionalInfo": "",
            "sourceVMStorageType": "PremiumVMOnPremiumStorage",
            "isSourceVMEncrypted": false,
            "isInstantIlrSessionActive": false,
            "recoveryPointTierDetails": tiers,
            "isManagedVirtualMachine": true,
            "virtualMachineSize": "Standard_D4s_v5",
            "originalStorageAccountOption": false,
            "osType": "Windows",
            "recoveryPointDiskConfiguration": {
                "numberOfDisksIncludedInBackup": 2,
                "numberOfDisksAttachedToVm": 2,
                "includedDiskList": [{ "lun": -1, "name": "osdisk" }, { "lun": 0, "name": "data0" }],
                "excludedDiskList": []
            },
            "zones": ["1"],
            "recoveryPointMoveReadinessInfo": { "ArchivedRP": { "isReadyForMove": false, "additionalInfo": "Recovery point is not eligible" } },
            "securityType": "TrustedLaunch",
            "recoveryPointProperties": { "expiryTime": "2027-11-25T01:02:03Z", "ruleName": "DailyRule", "isSoftDeleted": false },
            "isPrivateAccessEnabledOnAnyDisk": false,
            "aFieldFromTheFuture": { "nested": true }
        }
    })
}

fn assert_response_valid(definition: &str, body: &Value) {
    let specs = Specs::load();
    let errors = specs.errors(SpecFile::Backup, definition, SchemaOptions::RESPONSE, body);
    assert!(errors.is_empty(), "{definition}: {errors:#?}");
}

#[test]
fn recovery_points_with_integer_tiers_of_older_api_versions_deserialize() {
    let page = json!({ "value": [recovery_point(json!([
        { "type": 1, "status": 1 },
        { "type": 2, "status": 1 },
        { "type": 3, "status": 4, "extendedInfo": { "RehydrationExpiryTime": "2026-12-01T00:00:00Z" } },
        { "type": 9, "status": 7 }
    ]))], "nextLink": null });
    // Azure sends null for absent objects although the spec does not say x-nullable.
    let mut page = page;
    page["value"][0]["properties"]["extendedLocation"] = Value::Null;
    let page: Page<RecoveryPointResource> = serde_json::from_value(page).expect("deserializes");
    let Some(RecoveryPoint::IaasVm(point)) = &page.value[0].properties else {
        panic!("a VM point")
    };
    let tiers = point.recovery_point_tier_details.as_deref().expect("tiers");
    let read: Vec<(Option<TierType>, Option<TierStatus>)> = tiers
        .iter()
        .map(|t| (t.tier.clone(), t.status.clone()))
        .collect();
    assert_eq!(
        read,
        vec![
            (Some(TierType::InstantRp), Some(TierStatus::Valid)),
            (Some(TierType::HardenedRp), Some(TierStatus::Valid)),
            (Some(TierType::ArchivedRp), Some(TierStatus::Rehydrated)),
            (
                Some(TierType::Other("9".into())),
                Some(TierStatus::Other("7".into()))
            ),
        ]
    );
    assert_eq!(page.next_link, None);
}

#[test]
fn recovery_points_with_string_tiers_deserialize_and_match_the_spec() {
    let body = recovery_point(
        json!([{ "type": "InstantRP", "status": "Valid" }, { "type": "HardenedRP", "status": "Valid" }]),
    );
    assert_response_valid("RecoveryPointResource", &body);
    let point: RecoveryPointResource = serde_json::from_value(body).expect("deserializes");
    let Some(RecoveryPoint::IaasVm(vm_point)) = &point.properties else {
        panic!("a VM point")
    };
    assert_eq!(
        vm_point
            .recovery_point_time
            .map(|t| t.to_string())
            .as_deref(),
        Some("2026-11-25T01:02:03.3219546Z")
    );
    let tiers = vm_point
        .recovery_point_tier_details
        .as_deref()
        .expect("tiers");
    assert_eq!(tiers[1].tier, Some(TierType::HardenedRp));
    // Serializing writes the current spelling, whatever was read.
    assert_eq!(
        serde_json::to_value(&tiers[1]).expect("serializes")["type"],
        "HardenedRP"
    );
}

#[test]
fn an_unknown_recovery_point_kind_is_kept_not_rejected() {
    let body = json!({ "name": "1", "properties": { "objectType": "AzureWorkloadSQLRecoveryPoint", "type": "Full" } });
    let point: RecoveryPointResource = serde_json::from_value(body).expect("deserializes");
    assert!(matches!(point.properties, Some(RecoveryPoint::Other(_))));
}

#[test]
fn operation_status_gives_the_restore_job_id() {
    let body = json!({
        "id": "781a0f18-e250-4d73-b059-5e9ffed4069e",
        "name": "781a0f18-e250-4d73-b059-5e9ffed4069e",
        "status": "Succeeded",
        "startTime": "2019-03-24T14:54:14.7123596Z",
        "endTime": "2019-03-24T14:54:14.7123596Z",
        "properties": { "objectType": "OperationStatusJobExtendedInfo", "jobId": "3021262a-fb3a-4538-9b37-e3e97a386093" }
    });
    assert_response_valid("OperationStatus", &body);
    let status: OperationStatus = serde_json::from_value(body).expect("deserializes");
    assert_eq!(status.status, Some(OperationStatusValue::Succeeded));
    let Some(OperationStatusExtendedInfo::Job { job_id }) = status.properties else {
        panic!("job info")
    };
    assert_eq!(
        job_id.as_deref(),
        Some("3021262a-fb3a-4538-9b37-e3e97a386093")
    );
}

#[test]
fn a_failed_operation_and_an_offsetless_time_deserialize() {
    let body = json!({ "status": "Failed", "startTime": "2019-03-24T14:54:14.7123596",
        "error": { "code": "UserErrorRestoreDiskAlreadyExists", "message": "A disk with that name exists." } });
    let status: OperationStatus = serde_json::from_value(body).expect("deserializes");
    assert!(
        status
            .status
            .as_ref()
            .is_some_and(OperationStatusValue::is_terminal)
    );
    assert_eq!(
        status.start_time.map(|t| t.to_string()).as_deref(),
        Some("2019-03-24T14:54:14.7123596Z")
    );
    assert_eq!(
        status.error.and_then(|e| e.code).as_deref(),
        Some("UserErrorRestoreDiskAlreadyExists")
    );
}

#[test]
fn a_file_recovery_operation_gives_the_mount_scripts() {
    let body = json!({ "status": "Succeeded", "properties": { "objectType": "OperationStatusProvisionILRExtendedInfo",
        "recoveryTarget": { "clientScripts": [{ "scriptContent": "#!/bin/sh", "scriptExtension": ".sh", "osType": "Linux",
            "url": null, "scriptNameSuffix": "sql-01_2026" }] } } });
    let status: OperationStatus = serde_json::from_value(body).expect("deserializes");
    let Some(OperationStatusExtendedInfo::ProvisionIlr {
        recovery_target: Some(target),
    }) = status.properties
    else {
        panic!("ILR info")
    };
    assert_eq!(
        target.client_scripts.expect("scripts")[0]
            .script_extension
            .as_deref(),
        Some(".sh")
    );
}

#[test]
fn a_failed_restore_job_gives_errors_tasks_and_the_template_blob() {
    let body = json!({
        "id": "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupJobs/3021262a-fb3a-4538-9b37-e3e97a386093",
        "name": "3021262a-fb3a-4538-9b37-e3e97a386093",
        "type": "Microsoft.RecoveryServices/vaults/backupJobs",
        "properties": {
            "jobType": "AzureIaaSVMJob",
            "duration": "PT12M3.5S",
            "actionsInfo": ["Cancellable"],
            "virtualMachineVersion": "Compute",
            "entityFriendlyName": "sql-01",
            "backupManagementType": "AzureIaasVM",
            "operation": "Restore",
            "status": "Failed",
            "startTime": "2026-11-26T10:00:00Z",
            "endTime": "2026-11-26T10:12:03Z",
            "activityId": "c3a9f2a4-0000-0000-0000-000000000000",
            "errorDetails": [{ "errorCode": 400207, "errorTitle": "", "errorString": "Target subnet is full.",
                "recommendations": ["Choose a subnet with free addresses."] }],
            "extendedInfo": {
                "tasksList": [{ "taskId": "Transfer data from vault", "status": "Failed", "progressPercentage": 40.5 }],
                "propertyBag": { "Job Type": "Recover disks", "Recovery point time ": "11/25/2026 1:02:03 AM",
                    "Template Blob Uri": "https://stappdr.blob.core.windows.net/sql-01-abc/azuredeploy123.json" },
                "progressPercentage": 40.5,
                "dynamicErrorMessage": "Subnet full"
            }
        }
    });
    assert_response_valid("JobResource", &body);
    let job: JobResource = serde_json::from_value(body).expect("deserializes");
    let vm_job = job
        .properties
        .as_ref()
        .and_then(Job::iaas_vm)
        .expect("a VM job");
    assert_eq!(vm_job.status, Some(JobStatus::Failed));
    assert_eq!(
        vm_job.error_details.as_deref().expect("errors")[0].error_code,
        Some(400207)
    );
    let bag = vm_job
        .extended_info
        .as_ref()
        .and_then(|i| i.property_bag.as_ref())
        .expect("bag");
    assert!(bag[TEMPLATE_BLOB_URI].ends_with("azuredeploy123.json"));
    assert!(
        bag.contains_key("Recovery point time "),
        "Azure's key keeps its trailing space"
    );
}

#[test]
fn protected_items_of_other_kinds_are_kept_beside_vm_items() {
    let body = json!({ "value": [
        { "name": "VM;iaasvmcontainerv2;rg-app;sql-01", "properties": { "protectedItemType": "Microsoft.Compute/virtualMachines",
            "friendlyName": "sql-01", "virtualMachineId": "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/sql-01",
            "protectionState": "Protected", "lastRecoveryPoint": "2026-11-25T01:02:03Z", "workloadType": "VM" } },
        { "name": "SQLDataBase;mssqlserver;db", "properties": { "protectedItemType": "AzureVmWorkloadSQLDatabase" } }
    ], "nextLink": "https://management.azure.com/next?$skipToken=2" });
    let page: Page<ProtectedItemResource> = serde_json::from_value(body).expect("deserializes");
    assert!(matches!(
        page.value[0].properties,
        Some(ProtectedItem::ComputeVm(_))
    ));
    assert!(matches!(
        page.value[1].properties,
        Some(ProtectedItem::Other(_))
    ));
    assert!(page.next_link.is_some());
}

#[test]
fn the_arm_error_envelope_deserializes_with_nested_details() {
    let body = json!({ "error": { "code": "UserErrorBmsUserErrorVmNotFound", "message": "The VM was not found.",
        "target": null, "details": [{ "code": "Inner", "message": "inner" }],
        "additionalInfo": [{ "type": "PolicyViolation", "info": { "policy": "x" } }] } });
    let error: ErrorResponse = serde_json::from_value(body).expect("deserializes");
    assert_eq!(
        error.error.code.as_deref(),
        Some("UserErrorBmsUserErrorVmNotFound")
    );
    assert_eq!(
        error.error.details.expect("details")[0].code.as_deref(),
        Some("Inner")
    );
}

#[test]
fn validation_findings_storage_config_and_crr_token_deserialize() {
    let findings: ValidateOperationsResponse = serde_json::from_value(json!({ "validateOperationResponse": {
        "validationResults": [{ "code": "UserErrorSubnetFull", "message": "full", "recommendations": ["pick another"] }] } }))
    .expect("deserializes");
    let results = findings
        .validate_operation_response
        .and_then(|r| r.validation_results)
        .expect("results");
    assert_eq!(results[0].code.as_deref(), Some("UserErrorSubnetFull"));

    let config: BackupResourceConfigResource = serde_json::from_value(json!({ "properties": {
        "storageModelType": "GeoRedundant", "storageType": "GeoRedundant", "storageTypeState": "Locked",
        "crossRegionRestoreFlag": true, "dedupState": "Disabled", "xcoolState": "Disabled" } }))
    .expect("deserializes");
    let config = config.properties.expect("properties");
    assert_eq!(config.storage_type, Some(StorageType::GeoRedundant));
    assert_eq!(config.cross_region_restore_flag, Some(true));

    let token: CrrAccessTokenResource = serde_json::from_value(json!({ "properties": {
        "objectType": "WorkloadCrrAccessToken", "accessTokenString": "planted-token-value", "recoveryPointId": "1",
        "protectionContainerId": 42, "rpTierInformation": { "HardenedRP": "Valid" } } }))
    .expect("deserializes");
    let Some(CrrAccessToken::Workload(token)) = token.properties else {
        panic!("workload token")
    };
    assert!(
        !format!("{token:?}").contains("planted-token-value"),
        "the token stays out of Debug output"
    );
    assert_eq!(
        token.access_token_string.as_ref().map(|s| s.expose()),
        Some("planted-token-value")
    );
}
