//! Cross Region Restore operations (api-version 2023-01-15, the "passive
//! stamp"): the same vault URLs with the CRR api-version reach the secondary
//! region, and location-scoped calls carry the secondary region in the path.

use super::backup::{AZURE_VM_ITEMS_FILTER, TimeWindow, item_template, vault_template};
use super::{CRR_API_VERSION, Method, Operation, Request};
use crate::azure::id::{
    ArmId, ProtectedItemId, RecoveryPointId, SubscriptionId, VaultId, encode_segment,
};

/// Prefixes a path template with a subscription's Recovery Services location.
macro_rules! location_template {
    ($rest:literal) => {
        concat!("/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{azureRegion}", $rest)
    };
}

const fn crr(operation_id: &'static str, method: Method, path_template: &'static str) -> Operation {
    Operation {
        operation_id,
        method,
        path_template,
        api_version: CRR_API_VERSION,
    }
}

/// Lists the vault's protected items as the secondary region sees them (the spec's path ends in `/`).
pub const CRR_PROTECTED_ITEMS_LIST: Operation = crr(
    "BackupProtectedItemsCrr_List",
    Method::Get,
    vault_template!("/backupProtectedItems/"),
);
/// Lists an item's recovery points in the secondary region (the spec's path ends in `/`).
pub const CRR_RECOVERY_POINTS_LIST: Operation = crr(
    "RecoveryPointsCrr_List",
    Method::Get,
    item_template!("/recoveryPoints/"),
);
/// Reads one recovery point in the secondary region.
pub const CRR_RECOVERY_POINT_GET: Operation = crr(
    "RecoveryPointsCrr_Get",
    Method::Get,
    item_template!("/recoveryPoints/{recoveryPointId}"),
);
/// The Entra properties the secondary region's access token is issued for.
pub const AAD_PROPERTIES_GET: Operation = crr(
    "AadProperties_Get",
    Method::Get,
    location_template!("/backupAadProperties"),
);
/// Issues the access token of a recovery point for a cross-region restore.
pub const CRR_ACCESS_TOKEN: Operation = crr(
    "RecoveryPoints_GetAccessToken",
    Method::Post,
    item_template!("/recoveryPoints/{recoveryPointId}/accessToken"),
);
/// Triggers a cross-region restore (202 + `Azure-AsyncOperation`).
pub const CRR_TRIGGER: Operation = crr(
    "CrossRegionRestore_Trigger",
    Method::Post,
    location_template!("/backupCrossRegionRestore"),
);
/// Status of a cross-region restore operation.
pub const CRR_OPERATION_STATUS: Operation = crr(
    "CrrOperationStatus_Get",
    Method::Get,
    location_template!("/backupCrrOperationsStatus/{operationId}"),
);
/// Result of a cross-region restore operation.
pub const CRR_OPERATION_RESULT: Operation = crr(
    "CrrOperationResults_Get",
    Method::Get,
    location_template!("/backupCrrOperationResults/{operationId}"),
);
/// Reads a cross-region restore job (a POST with a `CrrJobRequest` body).
pub const CRR_JOB_GET: Operation = crr(
    "BackupCrrJobDetails_Get",
    Method::Post,
    location_template!("/backupCrrJob"),
);
/// Lists cross-region restore jobs (a POST with a `CrrJobRequest` body).
pub const CRR_JOBS_LIST: Operation = crr(
    "BackupCrrJobs_List",
    Method::Post,
    location_template!("/backupCrrJobs"),
);

fn location_path(subscription: &SubscriptionId, region: &str, rest: &str) -> String {
    format!(
        "{}/providers/Microsoft.RecoveryServices/locations/{}/{rest}",
        subscription.url_path(),
        encode_segment(region)
    )
}

/// Lists the vault's Azure VM items in the secondary region.
pub fn crr_protected_items_list(vault: &VaultId) -> Request {
    Request::new(
        &CRR_PROTECTED_ITEMS_LIST,
        format!("{}/backupProtectedItems/", vault.url_path()),
    )
    .with("$filter", Some(AZURE_VM_ITEMS_FILTER.to_owned()))
}

/// Lists an item's secondary-region recovery points, optionally within a window.
pub fn crr_recovery_points_list(item: &ProtectedItemId, window: Option<&TimeWindow>) -> Request {
    Request::new(
        &CRR_RECOVERY_POINTS_LIST,
        format!("{}/recoveryPoints/", item.url_path()),
    )
    .with("$filter", window.map(TimeWindow::recovery_point_filter))
}

/// Reads one recovery point in the secondary region.
pub fn crr_recovery_point_get(point: &RecoveryPointId) -> Request {
    Request::new(&CRR_RECOVERY_POINT_GET, point.url_path())
}

/// Reads the Entra properties of the secondary region.
pub fn aad_properties_get(subscription: &SubscriptionId, region: &str) -> Request {
    Request::new(
        &AAD_PROPERTIES_GET,
        location_path(subscription, region, "backupAadProperties"),
    )
}

/// Asks for a recovery point's cross-region access token.
pub fn crr_access_token(point: &RecoveryPointId) -> Request {
    Request::new(
        &CRR_ACCESS_TOKEN,
        format!("{}/accessToken", point.url_path()),
    )
}

/// Triggers a cross-region restore into `region` (the secondary region).
pub fn crr_trigger(subscription: &SubscriptionId, region: &str) -> Request {
    Request::new(
        &CRR_TRIGGER,
        location_path(subscription, region, "backupCrossRegionRestore"),
    )
}

/// Status of a cross-region restore operation.
pub fn crr_operation_status(
    subscription: &SubscriptionId,
    region: &str,
    operation_id: &str,
) -> Request {
    let rest = format!("backupCrrOperationsStatus/{}", encode_segment(operation_id));
    Request::new(
        &CRR_OPERATION_STATUS,
        location_path(subscription, region, &rest),
    )
}

/// Result of a cross-region restore operation.
pub fn crr_operation_result(
    subscription: &SubscriptionId,
    region: &str,
    operation_id: &str,
) -> Request {
    let rest = format!("backupCrrOperationResults/{}", encode_segment(operation_id));
    Request::new(
        &CRR_OPERATION_RESULT,
        location_path(subscription, region, &rest),
    )
}

/// Reads a cross-region restore job.
pub fn crr_job_get(subscription: &SubscriptionId, region: &str) -> Request {
    Request::new(
        &CRR_JOB_GET,
        location_path(subscription, region, "backupCrrJob"),
    )
}

/// Lists cross-region restore jobs.
pub fn crr_jobs_list(
    subscription: &SubscriptionId,
    region: &str,
    window: Option<&super::TimeWindow>,
    skip_token: Option<&str>,
) -> Request {
    let filter = window.map(|w| {
        format!(
            "operation eq 'CrossRegionRestore' and startTime eq '{}' and endTime eq '{}'",
            super::odata_time(w.start),
            super::odata_time(w.end)
        )
    });
    Request::new(
        &CRR_JOBS_LIST,
        location_path(subscription, region, "backupCrrJobs"),
    )
    .with("$filter", filter)
    .with("$skipToken", skip_token.map(str::to_owned))
}
