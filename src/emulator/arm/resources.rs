//! The resources around a restore: the vault, VMs, virtual networks and
//! subnets, compute quota usages, staging storage accounts, and template
//! deployments (which create a VM from the disks of a disk restore).

use super::call::{Call, find_vault, invalid_id, ok};
use super::machines::wire_vm;
use crate::azure::id::{
    NetworkInterfaceId, ResourceGroupId, StorageAccountId, SubnetId, SubscriptionId,
    VirtualMachineId, VirtualNetworkId,
};
use crate::azure::wire::compute::{Usage, UsageName, VirtualMachine as WireVm};
use crate::azure::wire::network::{
    AddressSpace, IpConfiguration, IpConfigurationProperties, NetworkInterface as WireNic,
    NetworkInterfaceProperties, Subnet as WireSubnet, SubnetProperties, VirtualNetwork as WireVnet,
    VirtualNetworkProperties,
};
use crate::azure::wire::{Page, ResourceMeta};
use crate::emulator::envelope::ArmError;
use crate::model::{Inventory, Subnet, VirtualNetwork};
use axum::response::Response;
use serde_json::json;

fn not_found(kind: &str, name: &str, group: &str) -> ArmError {
    ArmError::not_found(
        "ResourceNotFound",
        format!("The Resource '{kind}/{name}' under resource group '{group}' was not found."),
    )
}

/// The resource group of the path, validated.
pub(super) fn group_id(call: &Call) -> Result<ResourceGroupId, ArmError> {
    let subscription =
        SubscriptionId::new(call.param("subscriptionId")?).map_err(|e| invalid_id(&e))?;
    ResourceGroupId::new(subscription, call.param("resourceGroupName")?).map_err(|e| invalid_id(&e))
}

/// `Vaults_Get`.
pub fn vault(call: &Call) -> Result<Response, ArmError> {
    let id = call.vault_id()?;
    let world = call.state.world();
    let vault = find_vault(&world.inventory, &id)?;
    ok(&wire_vault(vault))
}

/// A vault as ARM shows it, with the settings a restore depends on.
pub(super) fn wire_vault(vault: &crate::model::InventoryVault) -> serde_json::Value {
    let soft_delete = match vault.soft_delete {
        crate::model::SoftDelete::Enabled => "Enabled",
        crate::model::SoftDelete::Disabled => "Disabled",
        // Azure's own spelling.
        crate::model::SoftDelete::AlwaysOn => "AlwaysON",
    };
    json!({
        "id": vault.id,
        "name": vault.name(),
        "type": "Microsoft.RecoveryServices/vaults",
        "location": vault.region,
        "sku": { "name": "RS0", "tier": "Standard" },
        "properties": {
            "provisioningState": "Succeeded",
            "restoreSettings": {
                "crossSubscriptionRestoreSettings": {
                    "crossSubscriptionRestoreState": vault.cross_subscription_restore.as_str()
                }
            },
            "securitySettings": {
                "softDeleteSettings": { "softDeleteState": soft_delete }
            }
        }
    })
}

/// `VirtualMachines_Get`: deleted VMs are gone, as in Azure.
pub fn virtual_machine(call: &Call) -> Result<Response, ArmError> {
    let group = group_id(call)?;
    let id =
        VirtualMachineId::new(group.clone(), call.param("vmName")?).map_err(|e| invalid_id(&e))?;
    let world = call.state.world();
    let vm = world
        .inventory
        .vm_by_id(&id.to_string())
        .filter(|vm| vm.exists)
        .ok_or_else(|| not_found("Microsoft.Compute/virtualMachines", id.name(), group.name()))?;
    ok(&wire_vm(vm))
}

/// `VirtualMachines_ListAll`.
pub fn virtual_machines(call: &Call) -> Result<Response, ArmError> {
    let subscription =
        SubscriptionId::new(call.param("subscriptionId")?).map_err(|e| invalid_id(&e))?;
    let world = call.state.world();
    let vms: Vec<WireVm> = world
        .inventory
        .virtual_machines
        .iter()
        .filter(|vm| {
            vm.exists
                && vm
                    .subscription()
                    .is_some_and(|s| s.eq_ignore_ascii_case(subscription.as_str()))
        })
        .map(|vm| {
            if call.query("statusOnly") == Some("true") {
                super::machines::wire_vm_status(vm)
            } else {
                wire_vm(vm)
            }
        })
        .collect();
    // Paged like the other lists, so that a client must follow `nextLink`.
    let path = format!(
        "{}/providers/Microsoft.Compute/virtualMachines",
        crate::azure::id::ArmId::url_path(&subscription)
    );
    let (value, next_link) = super::call::page(call, &vms, &path);
    ok(&Page { value, next_link })
}

/// The subnet as ARM shows it: its used addresses as IP configurations, so
/// that a client counting them finds the inventory's free addresses.
fn wire_subnet(inventory: &Inventory, network: &VirtualNetwork, subnet: &Subnet) -> WireSubnet {
    let id = format!("{}/subnets/{}", network.id, subnet.name);
    let mut configurations: Vec<ResourceMeta> = inventory
        .virtual_machines
        .iter()
        .filter(|vm| vm.exists)
        .flat_map(|vm| &vm.nics)
        .filter(|nic| {
            nic.subnet
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&id))
        })
        .map(|nic| ResourceMeta {
            id: Some(format!("{}/ipConfigurations/ipconfig1", nic.id)),
            ..ResourceMeta::default()
        })
        .collect();
    let usable = subnet
        .address_prefix
        .as_deref()
        .and_then(|p| p.split_once('/'))
        .and_then(|(_, bits)| bits.parse::<u32>().ok())
        .filter(|bits| *bits <= 29)
        .map(|bits| (1u64 << (32 - bits)) - 5);
    if let (Some(usable), Some(free)) = (usable, subnet.free_ips) {
        let used = usable.saturating_sub(free);
        let group = network.id.split("/providers/").next().unwrap_or_default();
        for n in u64::try_from(configurations.len()).unwrap_or(u64::MAX)..used {
            configurations.push(ResourceMeta {
                id: Some(format!("{group}/providers/Microsoft.Network/networkInterfaces/in-use-{n}/ipConfigurations/ipconfig1")),
                ..ResourceMeta::default()
            });
        }
    }
    WireSubnet {
        meta: ResourceMeta {
            id: Some(id),
            name: Some(subnet.name.clone()),
            kind: Some("Microsoft.Network/virtualNetworks/subnets".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(SubnetProperties {
            address_prefix: subnet.address_prefix.clone(),
            address_prefixes: None,
            ip_configurations: Some(configurations),
            provisioning_state: Some("Succeeded".to_owned()),
        }),
    }
}

fn find_network<'w>(
    call: &Call,
    inventory: &'w Inventory,
) -> Result<(VirtualNetworkId, &'w VirtualNetwork), ArmError> {
    let group = group_id(call)?;
    let id = VirtualNetworkId::new(group.clone(), call.param("virtualNetworkName")?)
        .map_err(|e| invalid_id(&e))?;
    let network = inventory
        .virtual_network_by_id(&id.to_string())
        .ok_or_else(|| not_found("Microsoft.Network/virtualNetworks", id.name(), group.name()))?;
    Ok((id, network))
}

/// `VirtualNetworks_Get`.
pub fn virtual_network(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let (_, network) = find_network(call, &world.inventory)?;
    ok(&wire_vnet(&world.inventory, network))
}

/// A virtual network as ARM shows it, with its subnets.
pub(super) fn wire_vnet(inventory: &Inventory, network: &VirtualNetwork) -> WireVnet {
    WireVnet {
        meta: ResourceMeta {
            id: Some(network.id.clone()),
            name: Some(crate::model::arm_id_name(&network.id).to_owned()),
            kind: Some("Microsoft.Network/virtualNetworks".to_owned()),
            location: Some(network.region.clone()),
            ..ResourceMeta::default()
        },
        properties: Some(VirtualNetworkProperties {
            address_space: Some(AddressSpace {
                address_prefixes: Some(
                    network
                        .subnets
                        .iter()
                        .filter_map(|s| s.address_prefix.clone())
                        .collect(),
                ),
            }),
            subnets: Some(
                network
                    .subnets
                    .iter()
                    .map(|s| wire_subnet(inventory, network, s))
                    .collect(),
            ),
        }),
    }
}

/// `Subnets_Get`.
pub fn subnet(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let (network_id, network) = find_network(call, &world.inventory)?;
    let id = SubnetId::new(network_id, call.param("subnetName")?).map_err(|e| invalid_id(&e))?;
    let subnet = network.subnet(id.name()).ok_or_else(|| {
        ArmError::not_found("NotFound", format!("Subnet '{}' was not found.", id.name()))
    })?;
    ok(&wire_subnet(&world.inventory, network, subnet))
}

/// `NetworkInterfaces_Get`: the NICs of the estate's VMs (deleted VMs'
/// NICs are gone with them), with their one IP configuration.
pub fn network_interface(call: &Call) -> Result<Response, ArmError> {
    let group = group_id(call)?;
    let id = NetworkInterfaceId::new(group.clone(), call.param("networkInterfaceName")?)
        .map_err(|e| invalid_id(&e))?;
    let wanted = id.to_string();
    let world = call.state.world();
    let (vm, nic) = world
        .inventory
        .virtual_machines
        .iter()
        .filter(|vm| vm.exists)
        .find_map(|vm| {
            vm.nics
                .iter()
                .find(|nic| nic.id.eq_ignore_ascii_case(&wanted))
                .map(|nic| (vm, nic))
        })
        .ok_or_else(|| {
            not_found(
                "Microsoft.Network/networkInterfaces",
                id.name(),
                group.name(),
            )
        })?;
    let configuration = IpConfiguration {
        meta: ResourceMeta {
            id: Some(format!("{}/ipConfigurations/ipconfig1", nic.id)),
            name: Some("ipconfig1".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(IpConfigurationProperties {
            private_ip_address: nic.private_ip.clone(),
            private_ip_allocation_method: Some(
                if nic.static_private_ip {
                    "Static"
                } else {
                    "Dynamic"
                }
                .to_owned(),
            ),
            primary: Some(true),
            subnet: nic.subnet.as_ref().map(|subnet| ResourceMeta {
                id: Some(subnet.clone()),
                ..ResourceMeta::default()
            }),
            public_ip_address: nic.public_ip.then(|| ResourceMeta {
                id: Some(format!(
                    "{}/providers/Microsoft.Network/publicIPAddresses/{}-pip",
                    group,
                    id.name()
                )),
                ..ResourceMeta::default()
            }),
            load_balancer_backend_address_pools: nic.load_balancer.then(|| {
                vec![ResourceMeta {
                    id: Some(format!(
                        "{}/providers/Microsoft.Network/loadBalancers/lb-{}/backendAddressPools/pool",
                        group,
                        id.name()
                    )),
                    ..ResourceMeta::default()
                }]
            }),
        }),
    };
    ok(&WireNic {
        meta: ResourceMeta {
            id: Some(nic.id.clone()),
            name: Some(id.name().to_owned()),
            kind: Some("Microsoft.Network/networkInterfaces".to_owned()),
            location: Some(vm.region.clone()),
            ..ResourceMeta::default()
        },
        properties: Some(NetworkInterfaceProperties {
            ip_configurations: Some(vec![configuration]),
            provisioning_state: Some("Succeeded".to_owned()),
            enable_accelerated_networking: Some(nic.accelerated_networking),
        }),
    })
}

/// `Usage_List`: the region's vCPU quotas.
pub fn usages(call: &Call) -> Result<Response, ArmError> {
    let subscription = call.param("subscriptionId")?;
    let region = call.param("location")?;
    let world = call.state.world();
    let usages: Vec<Usage> = world
        .inventory
        .quotas
        .iter()
        .filter(|q| {
            q.subscription.eq_ignore_ascii_case(subscription)
                && q.region.eq_ignore_ascii_case(region)
        })
        .map(|q| Usage {
            unit: Some("Count".to_owned()),
            current_value: i64::try_from(q.used).ok(),
            limit: i64::try_from(q.limit).ok(),
            name: Some(UsageName {
                value: Some(q.family.clone()),
                localized_value: Some(if q.family.eq_ignore_ascii_case("cores") {
                    "Total Regional vCPUs".to_owned()
                } else {
                    format!("{} vCPUs", q.family)
                }),
            }),
        })
        .collect();
    ok(&Page {
        value: usages,
        next_link: None,
    })
}

/// `StorageAccounts_GetProperties`.
pub fn storage_account(call: &Call) -> Result<Response, ArmError> {
    let group = group_id(call)?;
    let id = StorageAccountId::new(group.clone(), call.param("accountName")?)
        .map_err(|e| invalid_id(&e))?;
    let world = call.state.world();
    let account = world
        .inventory
        .storage_account_by_id(&id.to_string())
        .ok_or_else(|| not_found("Microsoft.Storage/storageAccounts", id.name(), group.name()))?;
    ok(&wire_storage_account(account))
}

/// A storage account as ARM shows it.
pub(super) fn wire_storage_account(account: &crate::model::StorageAccount) -> serde_json::Value {
    json!({
        "id": account.id,
        "name": crate::model::arm_id_name(&account.id),
        "type": "Microsoft.Storage/storageAccounts",
        "location": account.region,
        "kind": account.kind.as_str(),
        "sku": { "name": account.sku.as_str() },
        "properties": {
            "provisioningState": "Succeeded",
            "publicNetworkAccess": account.public_network_access.as_str(),
            "allowSharedKeyAccess": account.allow_shared_key_access,
            "isHnsEnabled": account.hierarchical_namespace,
            "networkAcls": { "defaultAction": account.firewall_default_action.as_str() }
        }
    })
}
