//! Every path api.rs builds matches the spec's path template for its
//! operation with the right api-version and only declared query parameters;
//! operations outside the bundled specs at least fit their own template.

mod support;

use restoreplan::azure::api::{self, ALL_OPERATIONS, Request, TimeWindow};
use restoreplan::azure::id::SubscriptionId;
use support::azure_spec::{Specs, fits_template};
use support::sample_ids::{SUB, group, item, point, staging, subnet, vault, vm};

/// One request per builder, so every operation the client can call is checked.
fn every_request() -> Vec<Request> {
    let window = TimeWindow {
        start: "2026-10-27T00:00:00Z".parse().expect("time"),
        end: "2026-11-26T00:00:00Z".parse().expect("time"),
    };
    let subscription = SubscriptionId::new(SUB).expect("guid");
    vec![
        api::protected_items_list(&vault()),
        api::protected_item_get(&item()),
        api::recovery_points_list(&item(), Some(&window)),
        api::recovery_points_list(&item(), None),
        api::recovery_point_get(&point()),
        api::restore_trigger(&point()),
        api::protected_item_operation_status(&item(), "781a0f18-e250-4d73-b059-5e9ffed4069e"),
        api::protected_item_operation_result(&item(), "781a0f18-e250-4d73-b059-5e9ffed4069e"),
        api::ilr_provision(&point()),
        api::ilr_revoke(&point()),
        api::job_get(&vault(), "3021262a-fb3a-4538-9b37-e3e97a386093"),
        api::jobs_list(&vault(), Some(&window)),
        api::job_cancel(&vault(), "3021262a-fb3a-4538-9b37-e3e97a386093"),
        api::job_operation_result(&vault(), "3021262a-fb3a-4538-9b37-e3e97a386093", "op-1"),
        api::backup_operation_status(&vault(), "op-1"),
        api::backup_operation_result(&vault(), "op-1"),
        api::validate_operation(&vault()),
        api::validate_operation_trigger(&vault()),
        api::validate_operation_result(&vault(), "op-1"),
        api::validate_operation_status(&vault(), "op-1"),
        api::storage_config_get(&vault()),
        api::crr_protected_items_list(&vault()),
        api::crr_recovery_points_list(&item(), Some(&window)),
        api::crr_recovery_point_get(&point()),
        api::aad_properties_get(&subscription, "northeurope"),
        api::crr_access_token(&point()),
        api::crr_trigger(&subscription, "northeurope"),
        api::crr_operation_status(&subscription, "northeurope", "op-1"),
        api::crr_operation_result(&subscription, "northeurope", "op-1"),
        api::crr_job_get(&subscription, "northeurope"),
        api::crr_jobs_list(&subscription, "northeurope", None, None),
        api::vault_get(&vault()),
        api::virtual_machine_get(&vm()),
        api::virtual_machines_list_all(&subscription),
        api::virtual_machines_status_list_all(&subscription),
        api::virtual_machine_extension_create(&vm(), "AzureDiskEncryptionForLinux"),
        api::virtual_network_get(&subnet().virtual_network),
        api::subnet_get(&subnet()),
        api::network_interface_get(&"/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-app-dr/providers/Microsoft.Network/networkInterfaces/sql-01-dr-nic".parse().unwrap()),
        api::compute_usages_list(&subscription, "westeurope"),
        api::storage_account_get(&staging()),
        api::deployment_create(&group("rg-app-dr"), "restore-sql-01"),
        api::deployment_get(&group("rg-app-dr"), "restore-sql-01"),
        api::vaults_list_by_subscription(&subscription),
        api::protection_policy_get(&vault(), "OrdersPolicy-Enhanced"),
        api::virtual_networks_list_all(&subscription),
        api::storage_accounts_list(&subscription),
        api::resource_groups_list(&subscription),
        api::resources_list_by_resource_group(&group("rg-app")),
        api::resource_skus_list(&subscription, "westeurope"),
        api::subscription_get(&subscription),
        api::subscription_locations_list(&subscription),
    ]
}

#[test]
fn every_built_path_matches_its_spec_operation_with_the_right_api_version() {
    let specs = Specs::load();
    let mut checked_against_spec = 0;
    for request in every_request() {
        let operation = request.operation;
        let wire = request.path_and_query();
        assert!(
            fits_template(operation.path_template, &request.path),
            "{wire} does not fit {}",
            operation.path_template
        );
        if specs.file_for_api_version(operation.api_version).is_none() {
            continue;
        }
        let matched = specs
            .match_request(operation.method.as_str(), &wire)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(matched.operation_id, operation.operation_id, "{wire}");
        assert_eq!(
            matched.template, operation.path_template,
            "the template constant is the spec's own"
        );
        checked_against_spec += 1;
    }
    assert_eq!(
        checked_against_spec, 32,
        "every Azure Backup and CRR builder is checked against the spec"
    );
}

#[test]
fn every_operation_has_a_builder_under_test() {
    let built: Vec<&str> = every_request()
        .iter()
        .map(|r| r.operation.operation_id)
        .collect();
    for operation in ALL_OPERATIONS {
        assert!(
            built.contains(&operation.operation_id),
            "{} has no request in every_request()",
            operation.operation_id
        );
    }
}

#[test]
fn protected_item_names_are_percent_encoded_in_paths() {
    let path = api::restore_trigger(&point()).path;
    assert!(
        path.contains(
            "/protectionContainers/iaasvmcontainer%3Biaasvmcontainerv2%3Brg-app%3Bsql-01/"
        ),
        "{path}"
    );
    assert!(!path.contains(';'), "{path}");
}

#[test]
fn recovery_point_filter_uses_azure_backups_odata_form() {
    let window = TimeWindow {
        start: "2026-10-27T13:05:00Z".parse().expect("time"),
        end: "2026-11-26T00:00:00Z".parse().expect("time"),
    };
    let wire = api::recovery_points_list(&item(), Some(&window)).path_and_query();
    let query = wire.split_once('?').expect("query").1;
    let filter: String = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "$filter")
        .map(|(_, value)| value.into_owned())
        .expect("filter");
    assert_eq!(
        filter,
        "startDate eq '2026-10-27 01:05:00 PM' and endDate eq '2026-11-26 12:00:00 AM'"
    );
    assert!(!query.contains('+'), "spaces are %20 in the query: {query}");
}
