//! Azure Backup flows over real HTTP against scripted servers: every request
//! the client sends is matched to its spec operation and every body validated
//! against the spec, so the flows and the contract cannot drift apart.

mod support;

use restoreplan::azure::api::TimeWindow;
use restoreplan::azure::backup::{IdentityChoice, JobProgress, RestoreMode, RestoreSpec};
use restoreplan::azure::id::{StorageAccountId, SubnetId, UserAssignedIdentityId};
use restoreplan::azure::wire::restore::RehydrationPriority;
use serde_json::json;
use support::backup::{
    SUB, accepted, backup as backup_over, check_against_specs, group, item, job,
    operation_with_job, point, vault, vm,
};
use support::scripted_server::{Reply, ScriptedServer};

const ITEM_PATH: &str = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupFabrics/Azure/protectionContainers/iaasvmcontainer%3Biaasvmcontainerv2%3Brg-app%3Bsql-01/protectedItems/vm%3Biaasvmcontainerv2%3Brg-app%3Bsql-01";

fn spec(mode: RestoreMode) -> RestoreSpec {
    let staging: StorageAccountId = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/stdr"
    )
    .parse()
    .expect("account");
    let identity: UserAssignedIdentityId =
        format!("/subscriptions/{SUB}/resourceGroups/rg-dr/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-restore")
            .parse()
            .expect("identity");
    RestoreSpec {
        point: point(),
        source_vm: vm(),
        mode,
        region: "westeurope".into(),
        staging,
        identity: Some(IdentityChoice::UserAssigned(identity)),
        disk_encryption_set: None,
        disk_access: None,
        zone: Some("2".into()),
        rehydration: None,
    }
}

fn new_vm() -> RestoreMode {
    let subnet: SubnetId =
        format!("/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/app")
            .parse()
            .expect("subnet");
    let target = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/sql-01-dr"
    );
    RestoreMode::NewVm {
        vm: target.parse().expect("vm"),
        subnet,
    }
}

#[tokio::test]
async fn every_restore_mode_runs_from_trigger_to_a_completed_job_with_progress() {
    let modes = [
        ("replace-existing", RestoreMode::ReplaceExisting, None),
        ("new-vm", new_vm(), None),
        (
            "disks",
            RestoreMode::Disks {
                resource_group: group("rg-dr"),
                luns: Some(vec![0, 1]),
            },
            None,
        ),
        (
            "rehydration",
            new_vm(),
            Some(("P7D".to_owned(), RehydrationPriority::Standard)),
        ),
    ];
    for (name, mode, rehydration) in modes {
        let server = ScriptedServer::start_with(|base| {
            let status = format!("{ITEM_PATH}/operationsStatus/op-1");
            (
                vec![
                    accepted(base, &status),
                    operation_with_job("job-1"),
                    job("InProgress", 40.0, json!({})),
                    job("Completed", 100.0, json!({})),
                ],
                Reply::text(500, ""),
            )
        })
        .await;
        let (backup, _) = backup_over(&server.base);
        let restore = RestoreSpec {
            rehydration,
            ..spec(mode)
        };
        let job_id = backup
            .trigger_restore(&restore)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(job_id, "job-1");
        let mut reports: Vec<JobProgress> = Vec::new();
        backup
            .follow_job(&vault(), &job_id, &mut |p| reports.push(p.clone()))
            .await
            .expect("completes");
        assert_eq!(
            reports.iter().map(|r| r.percentage).collect::<Vec<_>>(),
            vec![Some(40.0), Some(100.0)],
            "{name}"
        );
        assert_eq!(reports[0].tasks[0].0, "Transfer data from vault");
        let operations = check_against_specs(&server.received());
        assert_eq!(
            operations,
            [
                "Restores_Trigger",
                "ProtectedItemOperationStatuses_Get",
                "JobDetails_Get",
                "JobDetails_Get"
            ],
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_failed_job_surfaces_azures_error_and_recommendations() {
    let errors = json!({ "errorDetails": [{ "errorCode": 400207, "errorString": "Target subnet is full.",
        "recommendations": ["Choose a subnet with free addresses."] }] });
    let server =
        ScriptedServer::start(vec![job("Failed", 30.0, errors)], Reply::text(500, "")).await;
    let (backup, _) = backup_over(&server.base);
    let error = backup
        .follow_job(&vault(), "job-1", &mut |_| {})
        .await
        .expect_err("failed");
    let diagnostic = error.to_diagnostic();
    assert_eq!(diagnostic.code.id(), "EX013");
    assert!(
        diagnostic
            .message
            .contains("Azure 400207: Target subnet is full."),
        "{}",
        diagnostic.message
    );
    assert_eq!(
        diagnostic.help.as_deref(),
        Some("Choose a subnet with free addresses.")
    );
}

#[tokio::test]
async fn a_job_stuck_in_progress_stops_at_its_deadline() {
    let server = ScriptedServer::start(vec![], job("InProgress", 10.0, json!({}))).await;
    let (backup, clock) = backup_over(&server.base);
    let error = backup
        .follow_job(&vault(), "job-1", &mut |_| {})
        .await
        .expect_err("deadline");
    assert_eq!(error.to_diagnostic().code.id(), "EX012");
    assert_eq!(
        server.received().len(),
        361,
        "a read at 0, 10, …, 3600 s: every 10 s up to the one-hour deadline"
    );
    use restoreplan::clock::Clock;
    assert!(clock.now().duration_since(support::arm::start()).as_secs() <= 3600);
}

#[tokio::test]
async fn a_job_is_cancelled_through_its_location() {
    let server = ScriptedServer::start_with(|base| {
        let location = format!("{base}/subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupJobs/job-1/operationResults/c-1?api-version=2026-02-01");
        (vec![Reply::text(202, "").header("Location", &location), Reply::text(204, "")], Reply::text(500, ""))
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    backup
        .cancel_job(&vault(), "job-1")
        .await
        .expect("cancelled");
    let cancel = &server.received()[0];
    assert_eq!(
        cancel.header("content-length"),
        Some("0"),
        "ARM answers 411 to a POST without a length"
    );
    assert_eq!(
        check_against_specs(&server.received()),
        ["JobCancellations_Trigger", "JobOperationResults_Get"]
    );
}

#[tokio::test]
async fn the_protected_item_is_read_directly_or_found_by_vm_id_across_pages() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({ "id": item().to_string(), "properties": { "protectedItemType": "Microsoft.Compute/virtualMachines" } }))], Reply::text(500, "")).await;
    let (backup, _) = backup_over(&server.base);
    let (found, _) = backup
        .find_protected_item(&vault(), &vm())
        .await
        .expect("direct hit");
    assert_eq!(found, item());
    assert_eq!(server.received().len(), 1);

    let other_case = item().to_string().replace("rg-app", "RG-APP");
    let server = ScriptedServer::start_with(|base| {
        let next = format!("{base}/subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupProtectedItems?api-version=2026-02-01&$skipToken=2");
        (
            vec![
                Reply::json(404, json!({ "error": { "code": "BMSUserErrorObjectNotFound", "message": "not found" } })),
                Reply::json(200, json!({ "value": [{ "id": "x", "properties": { "protectedItemType": "AzureFileShareProtectedItem" } }], "nextLink": next })),
                Reply::json(200, json!({ "value": [{ "id": other_case, "properties": { "protectedItemType": "Microsoft.Compute/virtualMachines",
                    "virtualMachineId": vm().to_string().to_uppercase() } }] })),
            ],
            Reply::text(500, ""),
        )
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let (found, _) = backup
        .find_protected_item(&vault(), &vm())
        .await
        .expect("found by VM id");
    assert_eq!(found.vm_resource_group(), "RG-APP");
    assert_eq!(
        check_against_specs(&server.received()),
        [
            "ProtectedItems_Get",
            "BackupProtectedItems_List",
            "BackupProtectedItems_List"
        ]
    );

    let server = ScriptedServer::start(
        vec![
            Reply::json(404, json!({})),
            Reply::json(200, json!({ "value": [] })),
        ],
        Reply::text(500, ""),
    )
    .await;
    let (backup, _) = backup_over(&server.base);
    let error = backup
        .find_protected_item(&vault(), &vm())
        .await
        .expect_err("not protected");
    assert_eq!(error.to_diagnostic().code.id(), "EX017");
}

fn points_page(names: &[&str], next: Option<String>) -> Reply {
    let value: Vec<_> = names
        .iter()
        .map(|name| {
            json!({ "name": name, "properties": { "objectType": "IaasVMRecoveryPoint",
            "recoveryPointTierDetails": [{ "type": 1, "status": 1 }] } })
        })
        .collect();
    Reply::json(200, json!({ "value": value, "nextLink": next }))
}

#[tokio::test]
async fn recovery_points_are_paged_and_runaway_listings_stop() {
    let window = TimeWindow {
        start: "2026-10-27T00:00:00Z".parse().expect("time"),
        end: "2026-11-26T00:00:00Z".parse().expect("time"),
    };
    let server = ScriptedServer::start_with(|base| {
        let next = |token: u32| {
            Some(format!(
                "{base}{ITEM_PATH}/recoveryPoints?api-version=2026-02-01&$skipToken={token}"
            ))
        };
        (
            vec![
                points_page(&["1", "2"], next(1)),
                points_page(&["3"], next(2)),
                points_page(&["4"], None),
            ],
            Reply::text(500, ""),
        )
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let points = backup
        .recovery_points(&item(), Some(&window))
        .await
        .expect("three pages");
    let names: Vec<_> = points.iter().filter_map(|p| p.meta.name.clone()).collect();
    assert_eq!(names, ["1", "2", "3", "4"]);
    assert!(
        server.received()[0]
            .target
            .contains("%24filter=startDate%20eq%20"),
        "{}",
        server.received()[0].target
    );
    assert_eq!(
        check_against_specs(&server.received()),
        ["RecoveryPoints_List"; 3]
    );

    let server = ScriptedServer::start_with(|base| {
        let same = Some(format!(
            "{base}{ITEM_PATH}/recoveryPoints?api-version=2026-02-01&$skipToken=loop"
        ));
        (vec![], points_page(&["1"], same))
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let error = backup
        .recovery_points(&item(), None)
        .await
        .expect_err("loop");
    assert_eq!(error.to_diagnostic().code.id(), "EX015");
    assert_eq!(
        server.received().len(),
        2,
        "the first page and the link; the repeated link is not fetched"
    );

    let server = ScriptedServer::start_with(|base| {
        let base = base.to_owned();
        let pages = (0..100)
            .map(|n| {
                points_page(
                    &["x"],
                    Some(format!(
                        "{base}{ITEM_PATH}/recoveryPoints?api-version=2026-02-01&$skipToken={n}"
                    )),
                )
            })
            .collect();
        (pages, Reply::text(500, ""))
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let error = backup
        .recovery_points(&item(), None)
        .await
        .expect_err("endless");
    assert_eq!(error.to_diagnostic().code.id(), "EX015");
    assert_eq!(server.received().len(), 20, "max_pages");
}

#[tokio::test]
async fn a_run_finds_the_restore_jobs_of_a_vm_to_reattach_after_an_unknown_outcome() {
    let window = TimeWindow {
        start: "2026-11-26T00:00:00Z".parse().expect("time"),
        end: "2026-11-27T00:00:00Z".parse().expect("time"),
    };
    let vm_job = |name: &str, vm: &str, operation: &str, start: &str| {
        json!({ "name": name, "properties": { "jobType": "AzureIaaSVMJob", "entityFriendlyName": vm,
            "operation": operation, "status": "InProgress", "startTime": start } })
    };
    let server = ScriptedServer::start_with(|base| {
        let next = format!("{base}/subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupJobs?api-version=2026-02-01&$skipToken=2");
        (
            vec![
                Reply::json(200, json!({ "value": [
                    vm_job("old", "SQL-01", "Restore", "2026-11-26T01:00:00Z"),
                    vm_job("backup", "sql-01", "Backup", "2026-11-26T02:00:00Z"),
                    vm_job("other-vm", "web-01", "Restore", "2026-11-26T03:00:00Z") ], "nextLink": next })),
                Reply::json(200, json!({ "value": [vm_job("new", "sql-01", "CrossRegionRestore", "2026-11-26T04:00:00Z")] })),
            ],
            Reply::text(500, ""),
        )
    })
    .await;
    let (backup, _) = backup_over(&server.base);
    let jobs = backup
        .restore_jobs_of(&vault(), "sql-01", &window)
        .await
        .expect("listed");
    let names: Vec<_> = jobs.iter().filter_map(|j| j.meta.name.clone()).collect();
    assert_eq!(
        names,
        ["new", "old"],
        "restores of this VM only, newest first"
    );
    let received = server.received();
    assert!(
        received[0]
            .target
            .contains("operation%20eq%20%27Restore%27"),
        "{}",
        received[0].target
    );
    assert_eq!(
        check_against_specs(&received),
        ["BackupJobs_List", "BackupJobs_List"]
    );
}
