//! The resources around a restore over HTTPS: the vault, VMs (a deleted one
//! is gone), networks with their used addresses, quota usages, staging
//! accounts; and the vault-level and validation operation URLs.

mod emulator_common;

use emulator_common::*;
use restoreplan::azure::api;
use restoreplan::azure::wire::restore::RecoveryType;
use serde_json::json;

#[tokio::test]
async fn resources_answer_from_the_world_and_follow_a_restore() {
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let vault = arm.send(&api::vault_get(&ids::vault()), None).await;
    assert_eq!(
        (vault.status, vault.body["location"].as_str()),
        (200, Some("westeurope"))
    );
    let sql = arm
        .send(&api::virtual_machine_get(&ids::vm("sql-01")), None)
        .await;
    assert_eq!(sql.status, 200);
    assert_eq!(
        sql.body["properties"]["hardwareProfile"]["vmSize"],
        "Standard_E8s_v5"
    );
    assert_eq!(
        sql.body["properties"]["storageProfile"]["dataDisks"][0]["diskSizeGB"],
        1024
    );
    let deleted = arm
        .send(&api::virtual_machine_get(&ids::vm("old-01")), None)
        .await;
    assert_eq!(
        (deleted.status, deleted.body["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );
    let (vms, _) = arm
        .list_all(&api::virtual_machines_list_all(&ids::subscription()), None)
        .await;
    assert_eq!(vms.len(), 2, "the deleted VM is not listed");

    let app = ids::subnet("rg-net-weu", "vnet-weu", "app");
    let subnet = arm.send(&api::subnet_get(&app), None).await;
    assert_eq!(subnet.status, 200, "{}", subnet.body);
    let used = subnet.body["properties"]["ipConfigurations"]
        .as_array()
        .map(Vec::len);
    assert_eq!(
        used,
        Some(51),
        "a /24 has 251 usable addresses and 200 are free"
    );
    let network = arm
        .send(&api::virtual_network_get(&app.virtual_network), None)
        .await;
    assert_eq!(
        network.body["properties"]["subnets"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let account = arm
        .send(
            &api::storage_account_get(&ids::staging("rg-orders-weu", "stordersweu")),
            None,
        )
        .await;
    assert_eq!(
        (account.status, account.body["location"].as_str()),
        (200, Some("westeurope"))
    );

    let usages = |body: &serde_json::Value| {
        body["value"]
            .as_array()
            .and_then(|all| all.iter().find(|u| u["name"]["value"] == "cores"))
            .map(|u| u["currentValue"].clone())
    };
    let before = arm
        .send(
            &api::compute_usages_list(&ids::subscription(), "westeurope"),
            None,
        )
        .await;
    assert_eq!(usages(&before.body), Some(json!(14)));
    let body = restore_body(
        "sql-01",
        "819330550323368531",
        RecoveryType::AlternateLocation,
        Some("sql-01-dr"),
    );
    restore(&arm, "sql-01", "819330550323368531", &body).await;
    let after = arm
        .send(
            &api::compute_usages_list(&ids::subscription(), "westeurope"),
            None,
        )
        .await;
    assert_eq!(usages(&after.body), Some(json!(22)));
    let subnet = arm.send(&api::subnet_get(&app), None).await;
    assert_eq!(
        subnet.body["properties"]["ipConfigurations"]
            .as_array()
            .map(Vec::len),
        Some(52)
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn vault_level_and_validation_operations_answer_on_their_own_urls() {
    let emulator = start(|config| config.time_scale = 1.0).await;
    let arm = Arm::new(&emulator).await;
    let point = ids::point("app-01", "445566778899001122");
    let body = restore_body(
        "app-01",
        "445566778899001122",
        RecoveryType::AlternateLocation,
        Some("app-01-new"),
    );
    let validate = json!({ "id": point.to_string(), "properties": {
        "objectType": "ValidateIaasVMRestoreOperationRequest",
        "restoreRequest": body["properties"],
    }});
    let sync = arm
        .send(&api::validate_operation(&ids::vault()), Some(&validate))
        .await;
    let results = &sync.body["validateOperationResponse"]["validationResults"];
    assert_eq!(
        results[0]["code"], "UserErrorEncryptedVmNotSupportedForCreateNewVm",
        "{}",
        sync.body
    );

    let trigger = arm
        .send(
            &api::validate_operation_trigger(&ids::vault()),
            Some(&validate),
        )
        .await;
    assert_eq!(trigger.status, 202);
    let status_url = trigger.header("azure-asyncoperation").expect("status URL");
    let result_url = trigger.header("location").expect("result URL");
    assert!(
        status_url.contains("/backupValidateOperationsStatuses/")
            && result_url.contains("/backupValidateOperationResults/")
    );
    // Real time: the operation takes ten seconds, so it is still running.
    let running = arm.send_url("GET", &status_url, None).await;
    assert_eq!(running.body["status"], "InProgress");
    assert!(running.header("retry-after").is_some());
    let pending = arm.send_url("GET", &result_url, None).await;
    assert_eq!(pending.status, 202);
    assert!(pending.header("location").is_some_and(|l| l == result_url));

    let operation_id = status_url
        .rsplit('/')
        .next()
        .and_then(|s| s.split('?').next())
        .expect("id");
    let vault_status = arm
        .send(
            &api::backup_operation_status(&ids::vault(), operation_id),
            None,
        )
        .await;
    assert_eq!(
        (vault_status.status, vault_status.body["status"].as_str()),
        (200, Some("InProgress"))
    );
    let unknown = arm
        .send(
            &api::backup_operation_result(&ids::vault(), "no-such-operation"),
            None,
        )
        .await;
    assert_eq!(unknown.status, 404);
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_refused_with_expired_authentication_token() {
    let emulator = start(|config| {
        config.inventory.emulator.token_lifetime = restoreplan::model::Duration::from_secs(1);
    })
    .await;
    let arm = Arm::new(&emulator).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let answer = arm.send(&api::vault_get(&ids::vault()), None).await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].as_str()),
        (401, Some("ExpiredAuthenticationToken"))
    );
    emulator.shutdown().await;
}
