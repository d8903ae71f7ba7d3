//! Operations outside Azure Backup: vaults, VMs, networks, storage accounts,
//! compute quotas and template deployments. Their specs are not bundled; the
//! operation ids are those of the public specs of each provider.

use super::{
    COMPUTE_API_VERSION, Method, NETWORK_API_VERSION, Operation, RESOURCES_API_VERSION, Request,
    STORAGE_API_VERSION, VAULT_API_VERSION,
};
use crate::azure::id::{
    ArmId, NetworkInterfaceId, ResourceGroupId, StorageAccountId, SubnetId, SubscriptionId,
    VaultId, VirtualMachineId, VirtualNetworkId, encode_segment,
};

/// Reads a Recovery Services vault.
pub const VAULT_GET: Operation = Operation {
    operation_id: "Vaults_Get",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}",
    api_version: VAULT_API_VERSION,
};
/// Reads a virtual machine.
pub const VIRTUAL_MACHINE_GET: Operation = Operation {
    operation_id: "VirtualMachines_Get",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}",
    api_version: COMPUTE_API_VERSION,
};
/// Lists the virtual machines of a subscription (pageable).
pub const VIRTUAL_MACHINES_LIST_ALL: Operation = Operation {
    operation_id: "VirtualMachines_ListAll",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/virtualMachines",
    api_version: COMPUTE_API_VERSION,
};
/// Creates or updates an extension of a virtual machine (the disk-encryption
/// extension a restored ADE VM needs again).
pub const VIRTUAL_MACHINE_EXTENSION_CREATE: Operation = Operation {
    operation_id: "VirtualMachineExtensions_CreateOrUpdate",
    method: Method::Put,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/extensions/{vmExtensionName}",
    api_version: COMPUTE_API_VERSION,
};
/// Reads a virtual network with its subnets.
pub const VIRTUAL_NETWORK_GET: Operation = Operation {
    operation_id: "VirtualNetworks_Get",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}",
    api_version: NETWORK_API_VERSION,
};
/// Reads a subnet.
pub const SUBNET_GET: Operation = Operation {
    operation_id: "Subnets_Get",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}",
    api_version: NETWORK_API_VERSION,
};
/// Reads a network interface (a restored VM's private address).
pub const NETWORK_INTERFACE_GET: Operation = Operation {
    operation_id: "NetworkInterfaces_Get",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkInterfaces/{networkInterfaceName}",
    api_version: NETWORK_API_VERSION,
};
/// Lists compute quota usages of a region.
pub const COMPUTE_USAGES_LIST: Operation = Operation {
    operation_id: "Usage_List",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/usages",
    api_version: COMPUTE_API_VERSION,
};
/// Reads a storage account.
pub const STORAGE_ACCOUNT_GET: Operation = Operation {
    operation_id: "StorageAccounts_GetProperties",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}",
    api_version: STORAGE_API_VERSION,
};
/// Creates or updates a resource group deployment (201 + `Azure-AsyncOperation`).
pub const DEPLOYMENT_CREATE: Operation = Operation {
    operation_id: "Deployments_CreateOrUpdate",
    method: Method::Put,
    path_template: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Resources/deployments/{deploymentName}",
    api_version: RESOURCES_API_VERSION,
};
/// Reads a resource group deployment.
pub const DEPLOYMENT_GET: Operation = Operation {
    operation_id: "Deployments_Get",
    method: Method::Get,
    path_template: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Resources/deployments/{deploymentName}",
    api_version: RESOURCES_API_VERSION,
};

/// Reads a vault.
pub fn vault_get(vault: &VaultId) -> Request {
    Request::new(&VAULT_GET, vault.url_path())
}

/// Reads a virtual machine, with its instance view left out (one cheap read).
pub fn virtual_machine_get(vm: &VirtualMachineId) -> Request {
    Request::new(&VIRTUAL_MACHINE_GET, vm.url_path())
}

/// Lists every virtual machine of a subscription.
pub fn virtual_machines_list_all(subscription: &SubscriptionId) -> Request {
    Request::new(
        &VIRTUAL_MACHINES_LIST_ALL,
        format!(
            "{}/providers/Microsoft.Compute/virtualMachines",
            subscription.url_path()
        ),
    )
}

/// Lists the instance views of every virtual machine of a subscription
/// (`statusOnly=true`): whether each is generalized, in one paged list.
pub fn virtual_machines_status_list_all(subscription: &SubscriptionId) -> Request {
    virtual_machines_list_all(subscription).with("statusOnly", Some("true".to_owned()))
}

/// Creates or updates the extension `name` of `vm`.
pub fn virtual_machine_extension_create(vm: &VirtualMachineId, name: &str) -> Request {
    Request::new(
        &VIRTUAL_MACHINE_EXTENSION_CREATE,
        format!("{}/extensions/{}", vm.url_path(), encode_segment(name)),
    )
}

/// Reads a virtual network.
pub fn virtual_network_get(vnet: &VirtualNetworkId) -> Request {
    Request::new(&VIRTUAL_NETWORK_GET, vnet.url_path())
}

/// Reads a subnet.
pub fn subnet_get(subnet: &SubnetId) -> Request {
    Request::new(&SUBNET_GET, subnet.url_path())
}

/// Reads a network interface.
pub fn network_interface_get(nic: &NetworkInterfaceId) -> Request {
    Request::new(&NETWORK_INTERFACE_GET, nic.url_path())
}

/// Lists the compute quota usages of a region.
pub fn compute_usages_list(subscription: &SubscriptionId, region: &str) -> Request {
    let path = format!(
        "{}/providers/Microsoft.Compute/locations/{}/usages",
        subscription.url_path(),
        encode_segment(region)
    );
    Request::new(&COMPUTE_USAGES_LIST, path)
}

/// Reads a storage account.
pub fn storage_account_get(account: &StorageAccountId) -> Request {
    Request::new(&STORAGE_ACCOUNT_GET, account.url_path())
}

/// The path of a deployment in a resource group.
fn deployment_path(group: &ResourceGroupId, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.Resources/deployments/{}",
        group.url_path(),
        encode_segment(name)
    )
}

/// Creates or updates a deployment named `name` in `group`.
pub fn deployment_create(group: &ResourceGroupId, name: &str) -> Request {
    Request::new(&DEPLOYMENT_CREATE, deployment_path(group, name))
}

/// Reads a deployment.
pub fn deployment_get(group: &ResourceGroupId, name: &str) -> Request {
    Request::new(&DEPLOYMENT_GET, deployment_path(group, name))
}
