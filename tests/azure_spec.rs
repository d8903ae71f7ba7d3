//! The spec oracle of `tests/support/azure_spec.rs` itself: a known-good body
//! validates, each kind of wrong body fails, and paths are matched to the
//! right operation only with the right api-version and query.

mod support;

use serde_json::{Value, json};
use support::azure_spec::{SchemaOptions, SpecFile, Specs};

const ITEM: &str = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupFabrics/Azure/protectionContainers/iaasvmcontainer%3Biaasvmcontainerv2%3Brg-app%3Bsql-01/protectedItems/vm%3Biaasvmcontainerv2%3Brg-app%3Bsql-01";

fn good_restore() -> Value {
    json!({
        "properties": {
            "objectType": "IaasVMRestoreRequest",
            "recoveryPointId": "20982486783671",
            "recoveryType": "RestoreDisks",
            "sourceResourceId": "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/sql-01",
            "storageAccountId": "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stapp",
            "region": "westeurope",
            "restoreDiskLunList": [0, 1]
        }
    })
}

fn restore_errors(specs: &Specs, body: &Value) -> Vec<String> {
    specs.errors(
        SpecFile::Backup,
        "RestoreRequestResource",
        SchemaOptions::REQUEST,
        body,
    )
}

#[test]
fn a_known_good_restore_body_validates() {
    let specs = Specs::load();
    assert_eq!(
        restore_errors(&specs, &good_restore()),
        Vec::<String>::new()
    );
}

/// Makes a good body wrong in one way.
type Spoil = fn(&mut Value);

#[test]
fn each_kind_of_wrong_restore_body_fails() {
    let specs = Specs::load();
    let cases: [(&str, Spoil); 7] = [
        ("misspelled field", |b| {
            b["properties"]["recoveryPointID"] = json!("1")
        }),
        ("unknown objectType", |b| {
            b["properties"]["objectType"] = json!("IaasVmRestoreRequest")
        }),
        ("missing objectType", |b| {
            b["properties"]
                .as_object_mut()
                .expect("object")
                .remove("objectType");
        }),
        ("wrong item type", |b| {
            b["properties"]["restoreDiskLunList"] = json!(["0"])
        }),
        ("unknown enum value", |b| {
            b["properties"]["recoveryType"] = json!("NewVM")
        }),
        ("read-only field sent", |b| b["id"] = json!("/x")),
        ("subtype field under the base type", |b| {
            b["properties"]["recoveryPointRehydrationInfo"] =
                json!({ "rehydrationPriority": "High" })
        }),
    ];
    for (case, spoil) in cases {
        let mut body = good_restore();
        spoil(&mut body);
        assert!(
            !restore_errors(&specs, &body).is_empty(),
            "{case}: {body:#}"
        );
    }
}

#[test]
fn the_discriminator_selects_the_subtype_with_its_inherited_fields() {
    let specs = Specs::load();
    let mut body = good_restore();
    body["properties"]["objectType"] = json!("IaasVMRestoreWithRehydrationRequest");
    body["properties"]["recoveryPointRehydrationInfo"] =
        json!({ "rehydrationRetentionDuration": "P7D", "rehydrationPriority": "Standard" });
    assert_eq!(restore_errors(&specs, &body), Vec::<String>::new());
}

#[test]
fn open_response_schemas_tolerate_unknown_fields_but_not_wrong_types() {
    let specs = Specs::load();
    let status = json!({ "id": "op", "status": "Succeeded", "newField": 1,
        "properties": { "objectType": "OperationStatusJobExtendedInfo", "jobId": "j" } });
    assert!(
        specs
            .errors(
                SpecFile::Backup,
                "OperationStatus",
                SchemaOptions::RESPONSE,
                &status
            )
            .is_empty()
    );
    let wrong = json!({ "id": "op", "startTime": "yesterday" });
    assert!(
        !specs
            .errors(
                SpecFile::Backup,
                "OperationStatus",
                SchemaOptions::RESPONSE,
                &wrong
            )
            .is_empty()
    );
}

#[test]
fn a_path_matches_its_operation_only_with_the_right_api_version_and_query() {
    let specs = Specs::load();
    let restore = format!("{ITEM}/recoveryPoints/20982486783671/restore?api-version=2026-02-01");
    let matched = specs
        .match_request("POST", &restore)
        .expect("restore path matches");
    assert_eq!(matched.operation_id, "Restores_Trigger");
    assert_eq!(matched.file, SpecFile::Backup);

    let shouted = restore.replace("/backupFabrics/", "/BACKUPFABRICS/");
    assert!(
        specs.match_request("POST", &shouted).is_ok(),
        "ARM keywords are case-insensitive"
    );
    assert!(
        specs.match_request("GET", &restore).is_err(),
        "wrong method"
    );
    let old_version = restore.replace("2026-02-01", "2019-05-13");
    assert!(
        specs.match_request("POST", &old_version).is_err(),
        "api-version of no bundled spec"
    );
    let crr_version = restore.replace("2026-02-01", "2023-01-15");
    assert!(
        specs.match_request("POST", &crr_version).is_err(),
        "the CRR spec has no restore trigger"
    );
    assert!(
        specs
            .match_request("POST", &restore.replace("/restore?", "/restores?"))
            .is_err(),
        "misspelled path"
    );
    let list = format!("{ITEM}/recoveryPoints?api-version=2026-02-01&$filtre=x");
    assert!(
        specs.match_request("GET", &list).is_err(),
        "undeclared query parameter"
    );
    let empty_segment = restore.replace("/recoveryPoints/20982486783671/", "/recoveryPoints//");
    assert!(
        specs.match_request("POST", &empty_segment).is_err(),
        "empty parameter"
    );
}

#[test]
fn the_crr_spec_is_chosen_by_its_api_version_and_keeps_its_trailing_slash() {
    let specs = Specs::load();
    let matched = specs
        .match_request(
            "GET",
            &format!("{ITEM}/recoveryPoints/?api-version=2023-01-15"),
        )
        .expect("CRR list matches");
    assert_eq!(matched.operation_id, "RecoveryPointsCrr_List");
    assert!(
        specs
            .match_request(
                "GET",
                &format!("{ITEM}/recoveryPoints?api-version=2023-01-15")
            )
            .is_err()
    );
}
