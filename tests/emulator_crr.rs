//! Cross-region restore and file recovery over HTTPS: the secondary region
//! sees only replicated vault-tier points; a token for such a point restores
//! it into the paired region; a snapshot-only point gets Azure's refusal.
//! File recovery opens a session on the point and closes it again.

mod emulator_common;

use emulator_common::*;
use restoreplan::azure::api::{self, protected_items_list, recovery_points_list};
use restoreplan::azure::wire::restore::{IaasVmRestoreRequest, RecoveryType, RestoreRequest};
use serde_json::{Value, json};

const REPLICATED: &str = "828949212017092926";
const SNAPSHOT_ONLY: &str = "819330550323368531";

fn crr_restore_request(new_name: &str) -> Value {
    let subnet = ids::subnet("rg-net-neu", "vnet-neu", "app");
    let request = IaasVmRestoreRequest {
        recovery_point_id: Some(REPLICATED.to_owned()),
        recovery_type: Some(RecoveryType::AlternateLocation),
        source_resource_id: Some(ids::vm("sql-01").to_string()),
        region: Some("northeurope".to_owned()),
        storage_account_id: Some(ids::staging("rg-orders-neu", "stordersneu").to_string()),
        target_resource_group_id: Some(ids::group("rg-orders-neu").to_string()),
        target_virtual_machine_id: Some(
            restoreplan::azure::id::VirtualMachineId::new(ids::group("rg-orders-neu"), new_name)
                .expect("vm")
                .to_string(),
        ),
        virtual_network_id: Some(subnet.virtual_network.to_string()),
        subnet_id: Some(subnet.to_string()),
        ..IaasVmRestoreRequest::default()
    };
    serde_json::to_value(RestoreRequest::IaasVm(Box::new(request))).expect("JSON")
}

#[tokio::test]
async fn the_secondary_region_lists_only_replicated_points_and_pages_the_primary() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let (items, pages) = arm
        .list_all(&protected_items_list(&ids::vault()), None)
        .await;
    assert_eq!((items.len(), pages), (3, 2), "three items, two to a page");
    let (primary, pages) = arm
        .list_all(&recovery_points_list(&ids::item("sql-01"), None), None)
        .await;
    assert_eq!((primary.len(), pages), (4, 2));
    let times: Vec<&str> = primary
        .iter()
        .map(|p| {
            p["properties"]["recoveryPointTime"]
                .as_str()
                .unwrap_or_default()
        })
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    let window = api::TimeWindow {
        start: "2026-11-24T12:00:00Z".parse().expect("time"),
        end: "2026-11-25T12:00:00Z".parse().expect("time"),
    };
    let (windowed, _) = arm
        .list_all(
            &recovery_points_list(&ids::item("sql-01"), Some(&window)),
            None,
        )
        .await;
    let names: Vec<&str> = windowed
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, [REPLICATED]);
    let (secondary, _) = arm
        .list_all(
            &api::crr_recovery_points_list(&ids::item("sql-01"), None),
            None,
        )
        .await;
    let names: Vec<&str> = secondary
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, [REPLICATED, "570540756082628009"]);
    for point in &secondary {
        let tiers = point["properties"]["recoveryPointTierDetails"]
            .as_array()
            .expect("tiers");
        assert!(tiers.iter().all(|t| t["type"] == "HardenedRP"), "{point}");
    }
    let bad_filter = arm
        .send_url(
            "GET",
            &format!(
                "{}{}?api-version=2026-02-01&$filter=startDate%20gt%201",
                emulator.base_url,
                recovery_points_list(&ids::item("sql-01"), None).path
            ),
            None,
        )
        .await;
    assert_eq!(bad_filter.status, 400);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_cross_region_restore_creates_the_vm_in_the_paired_region() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let subscription = ids::subscription();
    let aad = arm
        .send(&api::aad_properties_get(&subscription, "northeurope"), None)
        .await;
    assert_eq!(aad.status, 200, "{}", aad.body);
    assert_eq!(aad.body["properties"]["tenantId"], TENANT);

    let refused = arm
        .send(
            &api::crr_access_token(&ids::point("sql-01", SNAPSHOT_ONLY)),
            Some(&aad.body),
        )
        .await;
    assert_eq!(
        (refused.status, refused.body["error"]["code"].as_str()),
        (
            400,
            Some("UserErrorCrrRecoveryPointNotAvailableInSecondaryRegion")
        )
    );
    let token = arm
        .send(
            &api::crr_access_token(&ids::point("sql-01", REPLICATED)),
            Some(&aad.body),
        )
        .await;
    assert_eq!(token.status, 200, "{}", token.body);
    assert_eq!(
        token.body["properties"]["objectType"],
        "WorkloadCrrAccessToken"
    );

    let body = json!({
        "crossRegionRestoreAccessDetails": token.body["properties"],
        "restoreRequest": crr_restore_request("sql-01-neu"),
    });
    let trigger = arm
        .send(&api::crr_trigger(&subscription, "northeurope"), Some(&body))
        .await;
    assert_eq!(trigger.status, 202, "{}", trigger.body);
    let status_url = trigger
        .header("azure-asyncoperation")
        .expect("Azure-AsyncOperation");
    assert!(status_url.contains("/locations/northeurope/backupCrrOperationsStatus/"));
    let operation = arm.wait_operation(&status_url).await;
    let job_id = operation["properties"]["jobId"]
        .as_str()
        .expect("jobId")
        .to_owned();
    let request = json!({ "resourceId": ids::vault().to_string(), "jobName": job_id });
    let job = arm
        .wait_job(
            &api::crr_job_get(&subscription, "northeurope"),
            Some(&request),
        )
        .await;
    assert_eq!(job["properties"]["status"], "Completed", "{job}");
    assert_eq!(job["properties"]["operation"], "CrossRegionRestore");
    let list_request = json!({ "resourceId": ids::vault().to_string() });
    let (crr_jobs, _) = arm
        .list_all(
            &api::crr_jobs_list(&subscription, "northeurope", None, None),
            Some(&list_request),
        )
        .await;
    assert_eq!(crr_jobs.len(), 1);

    let world = emulator.world();
    let vm = world["inventory"]["virtualMachines"]
        .as_array()
        .and_then(|vms| vms.iter().find(|vm| vm["name"] == "sql-01-neu"))
        .expect("the VM in the paired region");
    assert_eq!(vm["region"], "northeurope");
    assert_eq!(vm["nics"][0]["privateIp"], "10.20.1.4");
    let cancel = arm
        .send(&api::job_cancel(&ids::vault(), &job_id), None)
        .await;
    assert_eq!(
        cancel.body["error"]["code"],
        "UserErrorCrrJobCannotBeCancelled"
    );

    // A token is good for its point only; a made-up one is refused.
    let mut forged = body.clone();
    forged["crossRegionRestoreAccessDetails"]["accessTokenString"] = json!("forged");
    let refused = arm
        .send(
            &api::crr_trigger(&subscription, "northeurope"),
            Some(&forged),
        )
        .await;
    assert_eq!(
        refused.body["error"]["code"],
        "UserErrorInvalidCrrAccessToken"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn file_recovery_opens_a_session_with_a_mount_script_and_revokes_it() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let point = ids::point("sql-01", SNAPSHOT_ONLY);
    let body = json!({ "properties": {
        "objectType": "IaasVMILRRegistrationRequest",
        "recoveryPointId": SNAPSHOT_ONLY,
        "virtualMachineId": ids::vm("sql-01").to_string(),
        "initiatorName": "iqn.2016-04.com.example:restore-host",
        "renewExistingRegistration": false
    }});
    let provision = arm.send(&api::ilr_provision(&point), Some(&body)).await;
    assert_eq!(provision.status, 202, "{}", provision.body);
    let operation = arm
        .wait_operation(
            &provision
                .header("azure-asyncoperation")
                .expect("status URL"),
        )
        .await;
    assert_eq!(
        operation["properties"]["objectType"],
        "OperationStatusProvisionILRExtendedInfo"
    );
    let script = &operation["properties"]["recoveryTarget"]["clientScripts"][0];
    assert_eq!(script["osType"], "Windows");
    assert!(
        script["scriptContent"]
            .as_str()
            .is_some_and(|s| s.contains(SNAPSHOT_ONLY))
    );
    let read = arm.send(&api::recovery_point_get(&point), None).await;
    assert_eq!(read.body["properties"]["isInstantIlrSessionActive"], true);

    let revoke = arm.send(&api::ilr_revoke(&point), None).await;
    assert_eq!(revoke.status, 202);
    let read = arm.send(&api::recovery_point_get(&point), None).await;
    assert_eq!(read.body["properties"]["isInstantIlrSessionActive"], false);
    let kinds: Vec<String> = emulator.world()["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["file-recovery-provisioned", "file-recovery-revoked"]
    );
    emulator.shutdown().await;
}
