//! Reads of the estate around the backups, for `inventory export` and
//! `plan --live`: the lists of a subscription (vaults, networks, storage
//! accounts, resource groups and their resources, VM sizes), the
//! subscription and its regions, and a vault's backup policies. Operation
//! ids and api-versions are those of each provider's public spec.

use super::backup::vault_template;
use super::{
    BACKUP_API_VERSION, Method, NETWORK_API_VERSION, Operation, RESOURCES_API_VERSION, Request,
    STORAGE_API_VERSION, VAULT_API_VERSION,
};
use crate::azure::id::{ArmId, ResourceGroupId, SubscriptionId, VaultId, encode_segment};

/// Subscriptions and their regions (`Microsoft.Resources`, subscriptions spec).
pub const SUBSCRIPTIONS_API_VERSION: &str = "2022-12-01";
/// Resource SKUs (VM sizes with their vCPUs and quota family): the newest stable version.
pub const RESOURCE_SKUS_API_VERSION: &str = "2021-07-01";

/// Lists the Recovery Services vaults of a subscription.
pub const VAULTS_LIST_BY_SUBSCRIPTION: Operation = Operation {
    operation_id: "Vaults_ListBySubscriptionId",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/vaults",
    api_version: VAULT_API_VERSION,
};
/// Reads a backup policy of a vault (policy type and snapshot retention).
pub const PROTECTION_POLICY_GET: Operation = Operation {
    operation_id: "ProtectionPolicies_Get",
    method: Method::Get,
    path_template: vault_template!("/backupPolicies/{policyName}"),
    api_version: BACKUP_API_VERSION,
};
/// Lists the virtual networks of a subscription (pageable).
pub const VIRTUAL_NETWORKS_LIST_ALL: Operation = Operation {
    operation_id: "VirtualNetworks_ListAll",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks",
    api_version: NETWORK_API_VERSION,
};
/// Lists the storage accounts of a subscription (pageable).
pub const STORAGE_ACCOUNTS_LIST: Operation = Operation {
    operation_id: "StorageAccounts_List",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts",
    api_version: STORAGE_API_VERSION,
};
/// Lists the resource groups of a subscription (pageable).
pub const RESOURCE_GROUPS_LIST: Operation = Operation {
    operation_id: "ResourceGroups_List",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourcegroups",
    api_version: RESOURCES_API_VERSION,
};
/// Lists the resources of a resource group (pageable): the names a restore may not take.
pub const RESOURCES_LIST_BY_RESOURCE_GROUP: Operation = Operation {
    operation_id: "Resources_ListByResourceGroup",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources",
    api_version: RESOURCES_API_VERSION,
};
/// Lists the compute SKUs of a region (a VM size's vCPUs and quota family).
pub const RESOURCE_SKUS_LIST: Operation = Operation {
    operation_id: "ResourceSkus_List",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/skus",
    api_version: RESOURCE_SKUS_API_VERSION,
};
/// Reads a subscription (display name and tenant).
pub const SUBSCRIPTION_GET: Operation = Operation {
    operation_id: "Subscriptions_Get",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}",
    api_version: SUBSCRIPTIONS_API_VERSION,
};
/// Lists the regions of a subscription, each with its paired region.
pub const SUBSCRIPTION_LOCATIONS_LIST: Operation = Operation {
    operation_id: "Subscriptions_ListLocations",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/locations",
    api_version: SUBSCRIPTIONS_API_VERSION,
};

/// Lists the vaults of a subscription.
pub fn vaults_list_by_subscription(subscription: &SubscriptionId) -> Request {
    Request::new(
        &VAULTS_LIST_BY_SUBSCRIPTION,
        format!(
            "{}/providers/Microsoft.RecoveryServices/vaults",
            subscription.url_path()
        ),
    )
}

/// Reads the backup policy named `name` of a vault.
pub fn protection_policy_get(vault: &VaultId, name: &str) -> Request {
    Request::new(
        &PROTECTION_POLICY_GET,
        format!(
            "{}/backupPolicies/{}",
            vault.url_path(),
            encode_segment(name)
        ),
    )
}

/// Lists the virtual networks of a subscription.
pub fn virtual_networks_list_all(subscription: &SubscriptionId) -> Request {
    Request::new(
        &VIRTUAL_NETWORKS_LIST_ALL,
        format!(
            "{}/providers/Microsoft.Network/virtualNetworks",
            subscription.url_path()
        ),
    )
}

/// Lists the storage accounts of a subscription.
pub fn storage_accounts_list(subscription: &SubscriptionId) -> Request {
    Request::new(
        &STORAGE_ACCOUNTS_LIST,
        format!(
            "{}/providers/Microsoft.Storage/storageAccounts",
            subscription.url_path()
        ),
    )
}

/// Lists the resource groups of a subscription.
pub fn resource_groups_list(subscription: &SubscriptionId) -> Request {
    Request::new(
        &RESOURCE_GROUPS_LIST,
        format!("{}/resourcegroups", subscription.url_path()),
    )
}

/// Lists the resources of a resource group.
pub fn resources_list_by_resource_group(group: &ResourceGroupId) -> Request {
    Request::new(
        &RESOURCES_LIST_BY_RESOURCE_GROUP,
        format!("{}/resources", group.url_path()),
    )
}

/// Lists the compute SKUs of one region (unfiltered, ARM answers every region's).
pub fn resource_skus_list(subscription: &SubscriptionId, region: &str) -> Request {
    Request::new(
        &RESOURCE_SKUS_LIST,
        format!(
            "{}/providers/Microsoft.Compute/skus",
            subscription.url_path()
        ),
    )
    .with("$filter", Some(format!("location eq '{region}'")))
}

/// Reads a subscription.
pub fn subscription_get(subscription: &SubscriptionId) -> Request {
    Request::new(&SUBSCRIPTION_GET, subscription.url_path())
}

/// Lists the regions of a subscription.
pub fn subscription_locations_list(subscription: &SubscriptionId) -> Request {
    Request::new(
        &SUBSCRIPTION_LOCATIONS_LIST,
        format!("{}/locations", subscription.url_path()),
    )
}
