//! Restore scenarios over HTTPS, through the shared contract: trigger → poll
//! the operation → poll the job → the world changed as Azure would have it;
//! and the server-side rules refuse what Azure refuses.

mod emulator_common;

use emulator_common::*;
use restoreplan::azure::api;
use restoreplan::azure::wire::restore::{
    IaasVmRestoreRequest, IaasVmRestoreWithRehydrationRequest, RecoveryType, RehydrationInfo,
    RehydrationPriority, RestoreRequest, RestoreRequestResource,
};
use serde_json::{Value, json};

const SQL_LATEST: &str = "819330550323368531";
const SQL_ARCHIVED: &str = "112233445566778899";
const APP_POINT: &str = "445566778899001122";
const OLD_POINT: &str = "998877665544332211";

fn vm_in_world<'a>(world: &'a Value, name: &str) -> Option<&'a Value> {
    world["inventory"]["virtualMachines"]
        .as_array()?
        .iter()
        .find(|vm| vm["name"] == name)
}

#[tokio::test]
async fn a_new_vm_restore_creates_the_vm_with_its_nic_and_consumes_quota() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let body = restore_body(
        "sql-01",
        SQL_LATEST,
        RecoveryType::AlternateLocation,
        Some("sql-01-dr"),
    );
    let job = restore(&arm, "sql-01", SQL_LATEST, &body).await;
    let properties = &job["properties"];
    assert_eq!(properties["status"], "Completed", "{job}");
    assert_eq!(properties["operation"], "Restore");
    assert_eq!(properties["extendedInfo"]["progressPercentage"], 100.0);
    let tasks: Vec<&str> = properties["extendedInfo"]["tasksList"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["taskId"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        tasks,
        [
            "Prepare recovery point",
            "Transfer data",
            "Create virtual machine"
        ]
    );

    let world = emulator.world();
    let vm = vm_in_world(&world, "sql-01-dr").expect("the new VM");
    assert_eq!(vm["region"], "westeurope");
    assert_eq!(
        vm["nics"][0]["subnet"],
        ids::subnet("rg-net-weu", "vnet-weu", "app").to_string()
    );
    assert_eq!(
        vm["nics"][0]["privateIp"], "10.10.1.5",
        "10.10.1.4 is app-01's"
    );
    let quota = world["inventory"]["quotas"]
        .as_array()
        .and_then(|q| {
            q.iter()
                .find(|q| q["region"] == "westeurope" && q["family"] == "cores")
        })
        .expect("cores quota");
    assert_eq!(quota["used"], 22, "14 + the 8 vCPUs of sql-01");
    let app = &world["inventory"]["virtualNetworks"][0]["subnets"][0];
    assert_eq!(app["freeIps"], 199);
    let kinds: Vec<&str> = world["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["restore-started", "vm-created", "nic-created"]);

    let got = arm
        .send(&api::virtual_machine_get(&ids::vm("sql-01-dr")), None)
        .await;
    assert_eq!(got.status, 200, "{}", got.body);
    let restores = emulator
        .recorded()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/restore"))
        .count();
    assert_eq!(restores, 1, "the restore was submitted exactly once");

    let again = arm
        .send(
            &api::restore_trigger(&ids::point("sql-01", SQL_LATEST)),
            Some(&body),
        )
        .await;
    assert_eq!(
        (again.status, again.body["error"]["code"].as_str()),
        (400, Some("UserErrorVmNameAlreadyExists"))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn replacing_disks_swaps_them_and_keeps_the_originals() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let body = restore_body("sql-01", SQL_LATEST, RecoveryType::OriginalLocation, None);
    let job = restore(&arm, "sql-01", SQL_LATEST, &body).await;
    assert_eq!(job["properties"]["status"], "Completed", "{job}");
    let tasks = job["properties"]["extendedInfo"]["tasksList"]
        .as_array()
        .expect("tasks");
    assert_eq!(
        tasks.last().map(|t| t["taskId"].clone()),
        Some(json!("Replace disks"))
    );
    let world = emulator.world();
    let vm = vm_in_world(&world, "sql-01").expect("sql-01");
    let short = &job["name"].as_str().expect("id")[..8];
    assert_eq!(vm["disks"][0]["name"], format!("sql-01-osdisk-{short}"));
    let kept: Vec<&str> = world["looseDisks"]
        .as_array()
        .expect("loose")
        .iter()
        .map(|d| d["origin"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kept, ["kept-original", "kept-original"]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_disk_restore_writes_a_template_that_deploys_into_a_vm() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let body = restore_body("app-01", APP_POINT, RecoveryType::RestoreDisks, None);
    let job = restore(&arm, "app-01", APP_POINT, &body).await;
    assert_eq!(job["properties"]["status"], "Completed", "{job}");
    let bag = &job["properties"]["extendedInfo"]["propertyBag"];
    let blob = bag["Template Blob Uri"]
        .as_str()
        .expect("Template Blob Uri");
    assert!(blob.starts_with(&emulator.base_url));
    let template = arm.send_url("GET", blob, None).await;
    assert_eq!(template.status, 200, "{}", template.body);
    let unauthenticated = client(&emulator).get(blob).send().await.expect("blob");
    assert_eq!(unauthenticated.status(), 401);

    let deployment = json!({ "properties": {
        "mode": "Incremental",
        "template": template.body,
        "parameters": {
            "VirtualMachineName": { "value": "app-01-rebuilt" },
            "VirtualNetwork": { "value": ids::subnet("rg-net-weu", "vnet-weu", "app").virtual_network.to_string() },
            "Subnet": { "value": "app" }
        }
    }});
    let group = ids::group("rg-orders-weu");
    let put = arm
        .send(
            &api::deployment_create(&group, "rebuild-app-01"),
            Some(&deployment),
        )
        .await;
    assert_eq!(put.status, 201, "{}", put.body);
    let mut state = String::new();
    for _ in 0..200 {
        let got = arm
            .send(&api::deployment_get(&group, "rebuild-app-01"), None)
            .await;
        state = got.body["properties"]["provisioningState"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if state != "Running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(state, "Succeeded");
    let world = emulator.world();
    let vm = vm_in_world(&world, "app-01-rebuilt").expect("the deployed VM");
    assert_eq!(vm["disks"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        world["looseDisks"],
        json!([]),
        "the restored disks are now the VM's"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn server_side_rules_refuse_what_azure_refuses() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let cases = [
        (
            "app-01",
            APP_POINT,
            RecoveryType::AlternateLocation,
            Some("app-01-new"),
            "UserErrorEncryptedVmNotSupportedForCreateNewVm",
        ),
        (
            "old-01",
            OLD_POINT,
            RecoveryType::OriginalLocation,
            None,
            "UserErrorOriginalVmDoesNotExist",
        ),
        (
            "sql-01",
            SQL_ARCHIVED,
            RecoveryType::RestoreDisks,
            None,
            "UserErrorRecoveryPointInArchiveTier",
        ),
    ];
    for (vm, point, kind, name, code) in cases {
        let body = restore_body(vm, point, kind, name);
        let answer = arm
            .send(&api::restore_trigger(&ids::point(vm, point)), Some(&body))
            .await;
        assert_eq!(
            (answer.status, answer.body["error"]["code"].as_str()),
            (400, Some(code)),
            "{vm}"
        );
    }
    assert_eq!(
        emulator.world()["changes"],
        json!([]),
        "a refused restore changes nothing"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_archived_point_restores_with_rehydration_first() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let Value::Object(mut plain) =
        restore_body("sql-01", SQL_ARCHIVED, RecoveryType::RestoreDisks, None)["properties"]
            .clone()
    else {
        panic!("object");
    };
    plain.remove("objectType");
    let restore: IaasVmRestoreRequest =
        serde_json::from_value(Value::Object(plain)).expect("request");
    let body = serde_json::to_value(RestoreRequestResource {
        location: None,
        tags: None,
        e_tag: None,
        properties: RestoreRequest::IaasVmWithRehydration(Box::new(
            IaasVmRestoreWithRehydrationRequest {
                restore,
                recovery_point_rehydration_info: Some(RehydrationInfo {
                    rehydration_retention_duration: Some("P7D".to_owned()),
                    rehydration_priority: Some(RehydrationPriority::High),
                }),
            },
        )),
    })
    .expect("JSON");
    let job = self::restore(&arm, "sql-01", SQL_ARCHIVED, &body).await;
    assert_eq!(job["properties"]["status"], "Completed", "{job}");
    assert_eq!(
        job["properties"]["extendedInfo"]["tasksList"][0]["taskId"],
        "Rehydrate recovery point"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_named_restore_fails_permanently_with_its_code() {
    let emulator = start(|config| {
        config.time_scale = FAST;
        config.fail_jobs = vec![restoreplan::emulator::FailJob {
            vm: "SQL-01".into(),
            code: "UserErrorDiskQuota".into(),
        }];
    })
    .await;
    let arm = Arm::new(&emulator).await;
    let body = restore_body(
        "sql-01",
        SQL_LATEST,
        RecoveryType::AlternateLocation,
        Some("sql-01-dr"),
    );
    let job = restore(&arm, "sql-01", SQL_LATEST, &body).await;
    assert_eq!(job["properties"]["status"], "Failed");
    assert_eq!(
        job["properties"]["errorDetails"][0]["errorTitle"],
        "UserErrorDiskQuota"
    );
    assert!(vm_in_world(&emulator.world(), "sql-01-dr").is_none());
    emulator.shutdown().await;
}
