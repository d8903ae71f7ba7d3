//! The production client against the emulator: `restoreplan::azure::connect`
//! with a custom cloud pointed at the emulator, its CA as the extra trust
//! root and a client secret from the inventory signs in through the real
//! `ClientSecretCredential`, restores through the real backup calls and
//! follows the job: the code path of `apply --emulator`.

mod emulator_common;

use emulator_common::*;
use restoreplan::azure::api;
use restoreplan::azure::auth::AuthMethod;
use restoreplan::azure::backup::{Backup, BackupSettings, RestoreMode, RestoreSpec};
use restoreplan::azure::cloud::Cloud;
use restoreplan::azure::connect::{ConnectOptions, connect};
use restoreplan::azure::secret::SecretText;
use restoreplan::clock::{ScaledClock, SharedClock};
use restoreplan::emulator::EmulatorHandle;
use std::sync::Arc;

fn backup(emulator: &EmulatorHandle, secret: &str) -> Backup {
    let cloud = Cloud::custom(
        &emulator.base_url,
        &emulator.base_url,
        "https://management.azure.com",
    )
    .expect("an https cloud");
    let mut options = ConnectOptions::new(cloud, AuthMethod::ClientSecret);
    options.settings.tenant_id = Some(TENANT.to_owned());
    options.settings.client_id = Some(CLIENT_ID.to_owned());
    options.settings.client_secret = Some(SecretText::new(secret));
    options.extra_ca_pem = Some(emulator.ca_cert_pem.clone().into_bytes());
    // The client's clock runs as fast as the emulator's, so its waits keep their proportions.
    let clock: SharedClock = Arc::new(ScaledClock::new(FAST));
    let (arm, _) = connect(&options, clock).expect("connects");
    Backup::new(Arc::new(arm), BackupSettings::default())
}

#[tokio::test]
async fn the_client_restores_a_new_vm_and_follows_its_job_to_the_end() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let backup = backup(&emulator, SECRET);
    let spec = RestoreSpec {
        point: ids::point("sql-01", "819330550323368531"),
        source_vm: ids::vm("sql-01"),
        mode: RestoreMode::NewVm {
            vm: ids::vm("sql-01-dr"),
            subnet: ids::subnet("rg-net-weu", "vnet-weu", "app"),
        },
        region: "westeurope".to_owned(),
        staging: ids::staging("rg-orders-weu", "stordersweu"),
        identity: None,
        disk_encryption_set: None,
        disk_access: None,
        zone: None,
        rehydration: None,
    };
    let job_id = backup
        .trigger_restore(&spec)
        .await
        .expect("the restore is accepted");
    let mut seen = Vec::new();
    let job = backup
        .follow_job(&ids::vault(), &job_id, &mut |progress| {
            seen.push(progress.percentage)
        })
        .await
        .expect("the job completes");
    assert_eq!(job.meta.name.as_deref(), Some(job_id.as_str()));
    assert!(!seen.is_empty());
    let world = emulator.world();
    assert!(
        world["inventory"]["virtualMachines"]
            .as_array()
            .is_some_and(|vms| vms.iter().any(|vm| vm["name"] == "sql-01-dr"))
    );
    let restores = emulator
        .recorded()
        .iter()
        .filter(|r| r.path.ends_with("/restore"))
        .count();
    assert_eq!(restores, 1, "submitted exactly once");
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_client_restores_disks_and_deploys_the_template() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let backup = backup(&emulator, SECRET);
    let group = ids::group("rg-orders-weu");
    let spec = RestoreSpec {
        point: ids::point("app-01", "445566778899001122"),
        source_vm: ids::vm("app-01"),
        mode: RestoreMode::Disks {
            resource_group: group.clone(),
            luns: None,
        },
        region: "westeurope".to_owned(),
        staging: ids::staging("rg-orders-weu", "stordersweu"),
        identity: None,
        disk_encryption_set: None,
        disk_access: None,
        zone: None,
        rehydration: None,
    };
    let job_id = backup.trigger_restore(&spec).await.expect("accepted");
    let job = backup
        .follow_job(&ids::vault(), &job_id, &mut |_| {})
        .await
        .expect("completes");
    let parameters = serde_json::json!({
        "VirtualMachineName": { "value": "app-01-rebuilt" },
        "VirtualNetwork": { "value": ids::subnet("rg-net-weu", "vnet-weu", "app").virtual_network.to_string() },
        "Subnet": { "value": "app" }
    });
    backup
        .deploy_restored_template(&job, &group, "rebuild-app-01", Some(parameters))
        .await
        .expect("deploys");
    // The deployment ends on the emulator's clock; the VM is there once it has.
    let mut created = false;
    for _ in 0..200 {
        let state = backup
            .arm()
            .send_json::<serde_json::Value>(&api::deployment_get(&group, "rebuild-app-01"), None)
            .await
            .expect("deployment");
        if state["properties"]["provisioningState"] == "Succeeded" {
            created = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(created);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_stops_the_client_before_any_arm_call() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let backup = backup(&emulator, "not-the-secret");
    let error = backup
        .job(&ids::vault(), "00000000-0000-0000-0000-000000000000")
        .await
        .expect_err("refused");
    let text = format!("{error}");
    assert!(
        text.contains("AADSTS7000215") || text.to_lowercase().contains("sign"),
        "{text}"
    );
    assert!(!text.contains("not-the-secret"));
    assert!(
        emulator
            .recorded()
            .iter()
            .all(|r| !r.path.starts_with("/subscriptions/"))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_client_restores_across_regions_and_recovers_files() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let backup = backup(&emulator, SECRET);
    let target = restoreplan::azure::backup::CrossRegionTarget {
        subscription: ids::subscription(),
        region: "northeurope".to_owned(),
    };
    let dr_group = ids::group("rg-orders-neu");
    let spec = RestoreSpec {
        point: ids::point("sql-01", "828949212017092926"),
        source_vm: ids::vm("sql-01"),
        mode: RestoreMode::NewVm {
            vm: restoreplan::azure::id::VirtualMachineId::new(dr_group, "sql-01-neu").expect("vm"),
            subnet: ids::subnet("rg-net-neu", "vnet-neu", "app"),
        },
        region: "northeurope".to_owned(),
        staging: ids::staging("rg-orders-neu", "stordersneu"),
        identity: None,
        disk_encryption_set: None,
        disk_access: None,
        zone: None,
        rehydration: None,
    };
    let job_id = backup
        .trigger_cross_region_restore(&target, &spec)
        .await
        .expect("accepted");
    backup
        .follow_cross_region_job(&target, &ids::vault(), &job_id, &mut |_| {})
        .await
        .expect("completes");
    let world = emulator.world();
    let vm = world["inventory"]["virtualMachines"]
        .as_array()
        .and_then(|vms| vms.iter().find(|vm| vm["name"] == "sql-01-neu"))
        .cloned()
        .expect("the VM in the paired region");
    assert_eq!(vm["region"], "northeurope");

    let folder = tempfile::tempdir().expect("tempdir");
    let point = ids::point("sql-01", "819330550323368531");
    let scripts = backup
        .provision_file_recovery(
            &point,
            &ids::vm("sql-01"),
            "iqn.2016-04.com.example:host",
            folder.path(),
        )
        .await
        .expect("provisioned");
    assert_eq!(scripts.len(), 1);
    backup.revoke_file_recovery(&point).await.expect("revoked");
    emulator.shutdown().await;
}

#[tokio::test]
async fn under_seeded_faults_the_client_never_gets_a_restore_accepted_twice() {
    let mut completed = 0;
    for seed in 1..=4 {
        let emulator = start(move |config| {
            config.time_scale = FAST;
            config.seed = seed;
            config.faults = restoreplan::emulator::faults::FaultSpec::parse(
                "429=0.15,500=0.05,503=0.1,reset=0.05",
            )
            .expect("spec");
        })
        .await;
        let backup = backup(&emulator, SECRET);
        let spec = RestoreSpec {
            point: ids::point("sql-01", "819330550323368531"),
            source_vm: ids::vm("sql-01"),
            mode: RestoreMode::Disks {
                resource_group: ids::group("rg-orders-weu"),
                luns: None,
            },
            region: "westeurope".to_owned(),
            staging: ids::staging("rg-orders-weu", "stordersweu"),
            identity: None,
            disk_encryption_set: None,
            disk_access: None,
            zone: None,
            rehydration: None,
        };
        let outcome = match backup.trigger_restore(&spec).await {
            Ok(job_id) => backup
                .follow_job(&ids::vault(), &job_id, &mut |_| {})
                .await
                .map(|_| ()),
            Err(error) => Err(error),
        };
        let accepted = emulator
            .recorded()
            .iter()
            .filter(|r| r.path.ends_with("/restore") && r.status == 202)
            .count();
        assert!(accepted <= 1, "seed {seed}: {accepted} restores accepted");
        if outcome.is_ok() {
            completed += 1;
            assert_eq!(accepted, 1, "seed {seed}");
            assert_eq!(emulator.world_job_ids().len(), 1, "seed {seed}");
        }
        emulator.shutdown().await;
    }
    assert!(
        completed > 0,
        "the client retries its way through some of these runs"
    );
}
