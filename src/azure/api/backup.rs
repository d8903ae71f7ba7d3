//! Azure Backup operations on a vault and its VM items (api-version 2026-02-01).

use jiff::Timestamp;

use super::{BACKUP_API_VERSION, Method, Operation, Request, odata_time};
use crate::azure::id::{ArmId, ProtectedItemId, RecoveryPointId, VaultId, encode_segment};

/// Prefixes a path template with the vault's.
macro_rules! vault_template {
    ($rest:literal) => {
        concat!(
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}",
            $rest
        )
    };
}
pub(crate) use vault_template;

/// Prefixes a path template with the protected item's.
macro_rules! item_template {
    ($rest:literal) => {
        concat!(
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}",
            "/backupFabrics/{fabricName}/protectionContainers/{containerName}/protectedItems/{protectedItemName}",
            $rest
        )
    };
}
pub(crate) use item_template;

const fn backup(
    operation_id: &'static str,
    method: Method,
    path_template: &'static str,
) -> Operation {
    Operation {
        operation_id,
        method,
        path_template,
        api_version: BACKUP_API_VERSION,
    }
}

/// Lists a vault's protected items.
pub const PROTECTED_ITEMS_LIST: Operation = backup(
    "BackupProtectedItems_List",
    Method::Get,
    vault_template!("/backupProtectedItems"),
);
/// Reads one protected item.
pub const PROTECTED_ITEM_GET: Operation =
    backup("ProtectedItems_Get", Method::Get, item_template!(""));
/// Lists an item's recovery points (pageable).
pub const RECOVERY_POINTS_LIST: Operation = backup(
    "RecoveryPoints_List",
    Method::Get,
    item_template!("/recoveryPoints"),
);
/// Reads one recovery point.
pub const RECOVERY_POINT_GET: Operation = backup(
    "RecoveryPoints_Get",
    Method::Get,
    item_template!("/recoveryPoints/{recoveryPointId}"),
);
/// Triggers a restore (202 + `Location`/`Azure-AsyncOperation`).
pub const RESTORES_TRIGGER: Operation = backup(
    "Restores_Trigger",
    Method::Post,
    item_template!("/recoveryPoints/{recoveryPointId}/restore"),
);
/// Status of an operation on a protected item (always 200; the body says where it is).
pub const PROTECTED_ITEM_OPERATION_STATUS: Operation = backup(
    "ProtectedItemOperationStatuses_Get",
    Method::Get,
    item_template!("/operationsStatus/{operationId}"),
);
/// Result of an operation on a protected item (202 while running).
pub const PROTECTED_ITEM_OPERATION_RESULT: Operation = backup(
    "ProtectedItemOperationResults_Get",
    Method::Get,
    item_template!("/operationResults/{operationId}"),
);
/// Provisions an item-level (file) recovery session.
pub const ILR_PROVISION: Operation = backup(
    "ItemLevelRecoveryConnections_Provision",
    Method::Post,
    item_template!("/recoveryPoints/{recoveryPointId}/provisionInstantItemRecovery"),
);
/// Revokes an item-level (file) recovery session.
pub const ILR_REVOKE: Operation = backup(
    "ItemLevelRecoveryConnections_Revoke",
    Method::Post,
    item_template!("/recoveryPoints/{recoveryPointId}/revokeInstantItemRecovery"),
);
/// Reads a backup job.
pub const JOB_GET: Operation = backup(
    "JobDetails_Get",
    Method::Get,
    vault_template!("/backupJobs/{jobName}"),
);
/// Lists a vault's backup jobs (pageable, `$filter`, `$skipToken`).
pub const JOBS_LIST: Operation = backup(
    "BackupJobs_List",
    Method::Get,
    vault_template!("/backupJobs"),
);
/// Cancels a backup job (202).
pub const JOB_CANCEL: Operation = backup(
    "JobCancellations_Trigger",
    Method::Post,
    vault_template!("/backupJobs/{jobName}/cancel"),
);
/// Result of a job cancellation.
pub const JOB_OPERATION_RESULT: Operation = backup(
    "JobOperationResults_Get",
    Method::Get,
    vault_template!("/backupJobs/{jobName}/operationResults/{operationId}"),
);
/// Status of a vault-level operation.
pub const BACKUP_OPERATION_STATUS: Operation = backup(
    "BackupOperationStatuses_Get",
    Method::Get,
    vault_template!("/backupOperations/{operationId}"),
);
/// Result of a vault-level operation.
pub const BACKUP_OPERATION_RESULT: Operation = backup(
    "BackupOperationResults_Get",
    Method::Get,
    vault_template!("/backupOperationResults/{operationId}"),
);
/// Azure's synchronous validation of a restore request.
pub const VALIDATE_OPERATION: Operation = backup(
    "Operation_Validate",
    Method::Post,
    vault_template!("/backupValidateOperation"),
);
/// Azure's asynchronous validation of a restore request (202 + `Location`).
pub const VALIDATE_OPERATION_TRIGGER: Operation = backup(
    "ValidateOperation_Trigger",
    Method::Post,
    vault_template!("/backupTriggerValidateOperation"),
);
/// Result of an asynchronous validation.
pub const VALIDATE_OPERATION_RESULT: Operation = backup(
    "ValidateOperationResults_Get",
    Method::Get,
    vault_template!("/backupValidateOperationResults/{operationId}"),
);
/// Status of an asynchronous validation.
pub const VALIDATE_OPERATION_STATUS: Operation = backup(
    "ValidateOperationStatuses_Get",
    Method::Get,
    vault_template!("/backupValidateOperationsStatuses/{operationId}"),
);
/// The vault's storage redundancy and cross-region-restore flag.
pub const STORAGE_CONFIG_GET: Operation = backup(
    "BackupResourceStorageConfigsNonCRR_Get",
    Method::Get,
    vault_template!("/backupstorageconfig/vaultstorageconfig"),
);

/// The `$filter` of Azure VM protected items.
pub const AZURE_VM_ITEMS_FILTER: &str =
    "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'";

/// A window of recovery point times (`BmsrpQueryObject`'s `startDate`/`endDate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    /// Earliest time included.
    pub start: Timestamp,
    /// Latest time included.
    pub end: Timestamp,
}

impl TimeWindow {
    /// The OData filter Azure Backup expects for this window.
    pub fn recovery_point_filter(&self) -> String {
        format!(
            "startDate eq '{}' and endDate eq '{}'",
            odata_time(self.start),
            odata_time(self.end)
        )
    }
}

/// Lists the Azure VM items of a vault.
pub fn protected_items_list(vault: &VaultId) -> Request {
    Request::new(
        &PROTECTED_ITEMS_LIST,
        format!("{}/backupProtectedItems", vault.url_path()),
    )
    .with("$filter", Some(AZURE_VM_ITEMS_FILTER.to_owned()))
}

/// Reads one protected item.
pub fn protected_item_get(item: &ProtectedItemId) -> Request {
    Request::new(&PROTECTED_ITEM_GET, item.url_path())
}

/// Lists an item's recovery points, optionally within a time window.
pub fn recovery_points_list(item: &ProtectedItemId, window: Option<&TimeWindow>) -> Request {
    Request::new(
        &RECOVERY_POINTS_LIST,
        format!("{}/recoveryPoints", item.url_path()),
    )
    .with("$filter", window.map(TimeWindow::recovery_point_filter))
}

/// Reads one recovery point.
pub fn recovery_point_get(point: &RecoveryPointId) -> Request {
    Request::new(&RECOVERY_POINT_GET, point.url_path())
}

/// Triggers a restore from a recovery point.
pub fn restore_trigger(point: &RecoveryPointId) -> Request {
    Request::new(&RESTORES_TRIGGER, format!("{}/restore", point.url_path()))
}

/// Status of an operation on a protected item.
pub fn protected_item_operation_status(item: &ProtectedItemId, operation_id: &str) -> Request {
    let path = format!(
        "{}/operationsStatus/{}",
        item.url_path(),
        encode_segment(operation_id)
    );
    Request::new(&PROTECTED_ITEM_OPERATION_STATUS, path)
}

/// Result of an operation on a protected item.
pub fn protected_item_operation_result(item: &ProtectedItemId, operation_id: &str) -> Request {
    let path = format!(
        "{}/operationResults/{}",
        item.url_path(),
        encode_segment(operation_id)
    );
    Request::new(&PROTECTED_ITEM_OPERATION_RESULT, path)
}

/// Provisions a file recovery session on a recovery point.
pub fn ilr_provision(point: &RecoveryPointId) -> Request {
    Request::new(
        &ILR_PROVISION,
        format!("{}/provisionInstantItemRecovery", point.url_path()),
    )
}

/// Revokes the file recovery session of a recovery point.
pub fn ilr_revoke(point: &RecoveryPointId) -> Request {
    Request::new(
        &ILR_REVOKE,
        format!("{}/revokeInstantItemRecovery", point.url_path()),
    )
}

/// Reads a backup job.
pub fn job_get(vault: &VaultId, job: &str) -> Request {
    Request::new(
        &JOB_GET,
        format!("{}/backupJobs/{}", vault.url_path(), encode_segment(job)),
    )
}

/// Lists a vault's restore jobs that started within a window.
pub fn jobs_list(vault: &VaultId, window: Option<&TimeWindow>) -> Request {
    let filter = window.map(|w| {
        format!(
            "operation eq 'Restore' and startTime eq '{}' and endTime eq '{}'",
            odata_time(w.start),
            odata_time(w.end)
        )
    });
    Request::new(&JOBS_LIST, format!("{}/backupJobs", vault.url_path())).with("$filter", filter)
}

/// Cancels a backup job.
pub fn job_cancel(vault: &VaultId, job: &str) -> Request {
    Request::new(
        &JOB_CANCEL,
        format!(
            "{}/backupJobs/{}/cancel",
            vault.url_path(),
            encode_segment(job)
        ),
    )
}

/// Result of a job cancellation.
pub fn job_operation_result(vault: &VaultId, job: &str, operation_id: &str) -> Request {
    let path = format!(
        "{}/backupJobs/{}/operationResults/{}",
        vault.url_path(),
        encode_segment(job),
        encode_segment(operation_id)
    );
    Request::new(&JOB_OPERATION_RESULT, path)
}

/// Status of a vault-level operation.
pub fn backup_operation_status(vault: &VaultId, operation_id: &str) -> Request {
    let path = format!(
        "{}/backupOperations/{}",
        vault.url_path(),
        encode_segment(operation_id)
    );
    Request::new(&BACKUP_OPERATION_STATUS, path)
}

/// Result of a vault-level operation.
pub fn backup_operation_result(vault: &VaultId, operation_id: &str) -> Request {
    let path = format!(
        "{}/backupOperationResults/{}",
        vault.url_path(),
        encode_segment(operation_id)
    );
    Request::new(&BACKUP_OPERATION_RESULT, path)
}

/// Validates a restore request synchronously.
pub fn validate_operation(vault: &VaultId) -> Request {
    Request::new(
        &VALIDATE_OPERATION,
        format!("{}/backupValidateOperation", vault.url_path()),
    )
}

/// Starts an asynchronous validation of a restore request.
pub fn validate_operation_trigger(vault: &VaultId) -> Request {
    Request::new(
        &VALIDATE_OPERATION_TRIGGER,
        format!("{}/backupTriggerValidateOperation", vault.url_path()),
    )
}

/// Result of an asynchronous validation.
pub fn validate_operation_result(vault: &VaultId, operation_id: &str) -> Request {
    let path = format!(
        "{}/backupValidateOperationResults/{}",
        vault.url_path(),
        encode_segment(operation_id)
    );
    Request::new(&VALIDATE_OPERATION_RESULT, path)
}

/// Status of an asynchronous validation.
pub fn validate_operation_status(vault: &VaultId, operation_id: &str) -> Request {
    let path = format!(
        "{}/backupValidateOperationsStatuses/{}",
        vault.url_path(),
        encode_segment(operation_id)
    );
    Request::new(&VALIDATE_OPERATION_STATUS, path)
}

/// Reads the vault's storage configuration.
pub fn storage_config_get(vault: &VaultId) -> Request {
    Request::new(
        &STORAGE_CONFIG_GET,
        format!(
            "{}/backupstorageconfig/vaultstorageconfig",
            vault.url_path()
        ),
    )
}
