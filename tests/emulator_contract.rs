//! The emulator against Microsoft's published specs: every route it serves
//! exists in the spec; every request a scenario sends matches the spec's
//! operation with declared query parameters; the bodies it returns for the
//! restore, recovery point, job and operation calls validate against the
//! spec's response schemas; the bodies it accepts validate against the
//! request schemas; and a body that does not is answered 400 like Azure.

mod emulator_common;
mod support;

use emulator_common::*;
use restoreplan::azure::api;
use serde_json::{Value, json};
use support::azure_spec::{SchemaOptions, SpecFile, Specs, fits_template};

const SQL_LATEST: &str = "819330550323368531";
const REPLICATED: &str = "828949212017092926";

fn spec_file(api_version: &str) -> Option<SpecFile> {
    match api_version {
        api::BACKUP_API_VERSION => Some(SpecFile::Backup),
        api::CRR_API_VERSION => Some(SpecFile::Crr),
        _ => None,
    }
}

#[test]
fn every_backup_route_the_emulator_serves_is_in_the_spec() {
    let specs = Specs::load();
    let mut checked = 0;
    for operation in restoreplan::emulator::served_operations() {
        let Some(file) = spec_file(operation.api_version) else {
            continue; // compute, network, storage, resources: no bundled spec
        };
        let paths = specs.raw(file)["paths"].as_object().expect("paths");
        let method = operation.method.as_str().to_ascii_lowercase();
        let found = paths.iter().find(|(template, item)| {
            item.get(&method).is_some() && fits_template(template, operation.path_template)
        });
        let (_, item) = found.unwrap_or_else(|| {
            panic!(
                "{} {} is not in the spec",
                operation.method, operation.path_template
            )
        });
        assert_eq!(item[&method]["operationId"], operation.operation_id);
        checked += 1;
    }
    assert!(checked >= 29, "{checked} routes checked");
}

/// Checks `body` against definition `name` of `file` (open: Azure adds fields).
fn assert_response(specs: &Specs, file: SpecFile, name: &str, body: &Value) {
    let errors = specs.errors(file, name, SchemaOptions::RESPONSE, body);
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{body:#}");
}

/// Checks a request body against the spec, closed: nothing undeclared.
fn assert_request(specs: &Specs, file: SpecFile, name: &str, body: &Value) {
    let errors = specs.errors(file, name, SchemaOptions::REQUEST, body);
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{body:#}");
}

#[tokio::test]
async fn responses_validate_against_the_spec_and_requests_match_its_operations() {
    let specs = Specs::load();
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let vault = ids::vault();
    let item = ids::item("sql-01");
    let point = ids::point("sql-01", SQL_LATEST);

    let items = arm.send(&api::protected_items_list(&vault), None).await;
    assert_response(
        &specs,
        SpecFile::Backup,
        "ProtectedItemResourceList",
        &items.body,
    );
    let got = arm.send(&api::protected_item_get(&item), None).await;
    assert_response(&specs, SpecFile::Backup, "ProtectedItemResource", &got.body);
    let points = arm
        .send(&api::recovery_points_list(&item, None), None)
        .await;
    assert_response(
        &specs,
        SpecFile::Backup,
        "RecoveryPointResourceList",
        &points.body,
    );
    let next = points.body["nextLink"].as_str().expect("a second page");
    let second = arm.send_url("GET", next, None).await;
    assert_response(
        &specs,
        SpecFile::Backup,
        "RecoveryPointResourceList",
        &second.body,
    );
    let one = arm.send(&api::recovery_point_get(&point), None).await;
    assert_response(&specs, SpecFile::Backup, "RecoveryPointResource", &one.body);
    let config = arm.send(&api::storage_config_get(&vault), None).await;
    assert_response(
        &specs,
        SpecFile::Backup,
        "BackupResourceConfigResource",
        &config.body,
    );

    // A restore, its operation and its job.
    let body = json!({ "properties": {
        "objectType": "IaasVMRestoreRequest",
        "recoveryPointId": SQL_LATEST,
        "recoveryType": "RestoreDisks",
        "sourceResourceId": ids::vm("sql-01").to_string(),
        "storageAccountId": ids::staging("rg-orders-weu", "stordersweu").to_string(),
        "region": "westeurope",
        "createNewCloudService": false,
        "originalStorageAccountOption": false,
        "encryptionDetails": { "encryptionEnabled": false }
    }});
    assert_request(&specs, SpecFile::Backup, "RestoreRequestResource", &body);
    let trigger = arm.send(&api::restore_trigger(&point), Some(&body)).await;
    assert_eq!(trigger.status, 202, "{}", trigger.body);
    let status_url = trigger.header("azure-asyncoperation").expect("status URL");
    let running = arm.send_url("GET", &status_url, None).await;
    assert_response(&specs, SpecFile::Backup, "OperationStatus", &running.body);
    let operation = arm.wait_operation(&status_url).await;
    assert_response(&specs, SpecFile::Backup, "OperationStatus", &operation);
    let job_id = operation["properties"]["jobId"]
        .as_str()
        .expect("jobId")
        .to_owned();
    let job = arm.wait_job(&api::job_get(&vault, &job_id), None).await;
    assert_response(&specs, SpecFile::Backup, "JobResource", &job);
    let jobs = arm.send(&api::jobs_list(&vault, None), None).await;
    assert_response(&specs, SpecFile::Backup, "JobResourceList", &jobs.body);

    // Validation.
    let validate = json!({ "id": point.to_string(), "properties": {
        "objectType": "ValidateIaasVMRestoreOperationRequest",
        "restoreRequest": body["properties"],
    }});
    assert_request(
        &specs,
        SpecFile::Backup,
        "ValidateOperationRequestResource",
        &validate,
    );
    let validated = arm
        .send(&api::validate_operation(&vault), Some(&validate))
        .await;
    assert_eq!(validated.status, 200, "{}", validated.body);
    assert_response(
        &specs,
        SpecFile::Backup,
        "ValidateOperationsResponse",
        &validated.body,
    );

    // File recovery.
    let ilr = json!({ "properties": {
        "objectType": "IaasVMILRRegistrationRequest",
        "recoveryPointId": SQL_LATEST,
        "virtualMachineId": ids::vm("sql-01").to_string(),
        "initiatorName": "iqn.2016-04.com.example:host",
        "renewExistingRegistration": false
    }});
    assert_request(&specs, SpecFile::Backup, "ILRRequestResource", &ilr);
    let provision = arm.send(&api::ilr_provision(&point), Some(&ilr)).await;
    let provisioned = arm
        .wait_operation(
            &provision
                .header("azure-asyncoperation")
                .expect("status URL"),
        )
        .await;
    assert_response(&specs, SpecFile::Backup, "OperationStatus", &provisioned);

    // Cross-region restore.
    let subscription = ids::subscription();
    let aad = arm
        .send(&api::aad_properties_get(&subscription, "northeurope"), None)
        .await;
    assert_response(&specs, SpecFile::Crr, "AADPropertiesResource", &aad.body);
    let crr_point = ids::point("sql-01", REPLICATED);
    let token = arm
        .send(&api::crr_access_token(&crr_point), Some(&aad.body))
        .await;
    assert_response(&specs, SpecFile::Crr, "CrrAccessTokenResource", &token.body);
    let crr_points = arm
        .send(&api::crr_recovery_points_list(&item, None), None)
        .await;
    assert_response(
        &specs,
        SpecFile::Crr,
        "RecoveryPointResourceList",
        &crr_points.body,
    );
    let crr_items = arm.send(&api::crr_protected_items_list(&vault), None).await;
    assert_response(
        &specs,
        SpecFile::Crr,
        "ProtectedItemResourceList",
        &crr_items.body,
    );
    let mut restore = body["properties"].clone();
    restore["recoveryPointId"] = json!(REPLICATED);
    restore["region"] = json!("northeurope");
    restore["storageAccountId"] = json!(ids::staging("rg-orders-neu", "stordersneu").to_string());
    let crr = json!({ "crossRegionRestoreAccessDetails": token.body["properties"], "restoreRequest": restore });
    assert_request(&specs, SpecFile::Crr, "CrossRegionRestoreRequest", &crr);
    let crr_trigger = arm
        .send(&api::crr_trigger(&subscription, "northeurope"), Some(&crr))
        .await;
    assert_eq!(crr_trigger.status, 202, "{}", crr_trigger.body);
    let crr_operation = arm
        .wait_operation(
            &crr_trigger
                .header("azure-asyncoperation")
                .expect("status URL"),
        )
        .await;
    assert_response(&specs, SpecFile::Crr, "OperationStatus", &crr_operation);
    let crr_job_request =
        json!({ "resourceId": vault.to_string(), "jobName": crr_operation["properties"]["jobId"] });
    assert_request(&specs, SpecFile::Crr, "CrrJobRequest", &crr_job_request);
    let crr_job = arm
        .wait_job(
            &api::crr_job_get(&subscription, "northeurope"),
            Some(&crr_job_request),
        )
        .await;
    assert_response(&specs, SpecFile::Crr, "JobResource", &crr_job);
    let crr_jobs = arm
        .send(
            &api::crr_jobs_list(&subscription, "northeurope", None, None),
            Some(&json!({ "resourceId": vault.to_string() })),
        )
        .await;
    assert_response(&specs, SpecFile::Crr, "JobResourceList", &crr_jobs.body);

    // Errors wear ARM's envelope.
    let missing = arm
        .send(&api::recovery_point_get(&ids::point("sql-01", "1")), None)
        .await;
    assert_eq!(missing.status, 404);
    assert_response(&specs, SpecFile::Common, "ErrorResponse", &missing.body);

    // Every request of the session is an operation of the spec, with only
    // declared query parameters; the recovery point list's nextLink carries
    // `$skipToken` as ARM's nextLinks do although that operation does not declare it.
    let mut matched = 0;
    for request in emulator.recorded() {
        let api_version = url::form_urlencoded::parse(request.query.as_bytes())
            .find(|(k, _)| k == "api-version")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if spec_file(&api_version).is_none() {
            continue;
        }
        let query: Vec<(String, String)> = url::form_urlencoded::parse(request.query.as_bytes())
            .into_owned()
            .filter(|(k, _)| !(k == "$skipToken" && request.path.ends_with("/recoveryPoints")))
            .collect();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&query)
            .finish();
        let found = specs.match_request(&request.method, &format!("{}?{query}", request.path));
        assert!(found.is_ok(), "{found:?}");
        matched += 1;
    }
    assert!(matched >= 20, "{matched}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn bodies_that_do_not_fit_the_request_schema_get_400_and_the_server_keeps_going() {
    let specs = Specs::load();
    let emulator = start(|config| config.time_scale = FAST).await;
    let arm = Arm::new(&emulator).await;
    let point = ids::point("sql-01", SQL_LATEST);
    let url = format!(
        "{}{}",
        emulator.base_url,
        api::restore_trigger(&point).path_and_query()
    );
    let nested = "[".repeat(10_000);
    // The spec leaves `properties` optional, but a restore of nothing is refused all the same.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"{\"properties\":".to_vec()),
        (
            "no objectType",
            br#"{"properties":{"recoveryType":"RestoreDisks"}}"#.to_vec(),
        ),
        (
            "unknown objectType",
            br#"{"properties":{"objectType":"NoSuchRestoreRequest"}}"#.to_vec(),
        ),
        (
            "recoveryType a number",
            br#"{"properties":{"objectType":"IaasVMRestoreRequest","recoveryType":3}}"#.to_vec(),
        ),
        ("no properties", b"{}".to_vec()),
        ("empty", Vec::new()),
        ("deeply nested", nested.into_bytes()),
    ];
    for (what, body) in cases {
        if let Ok(value) = serde_json::from_slice::<Value>(&body)
            && what != "no properties"
        {
            let errors = specs.errors(
                SpecFile::Backup,
                "RestoreRequestResource",
                SchemaOptions::REQUEST,
                &value,
            );
            assert!(!errors.is_empty(), "{what} is invalid by the spec too");
        }
        let response = arm
            .client
            .post(&url)
            .bearer_auth(&arm.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("an answer");
        let (status, answer) = status_and_json(response).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (400, Some("InvalidRequestContent")),
            "{what}"
        );
    }
    let still = arm.send(&api::recovery_point_get(&point), None).await;
    assert_eq!(still.status, 200);
    emulator.shutdown().await;
}
