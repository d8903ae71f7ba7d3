//! The lists `inventory export` reads, served from the world: a
//! subscription's vaults, networks, storage accounts, resource groups and
//! their resources, compute SKUs, the subscription and its regions, and a
//! vault's backup policies. A subscription the world knows nothing of
//! answers 403 `AuthorizationFailed`, as ARM does for a subscription the
//! caller has no role on.

use super::call::{Call, find_vault, invalid_id, ok, page};
use super::resources::{group_id, wire_storage_account, wire_vault, wire_vnet};
use crate::azure::id::{ArmId, SubscriptionId};
use crate::azure::wire::Page;
use crate::azure::wire::ResourceMeta;
use crate::azure::wire::estate::{
    Location, LocationMetadata, PairedRegion, ProtectionPolicyResource, ResourceSku, SkuCapability,
    Subscription, VmProtectionPolicy,
};
use crate::emulator::envelope::ArmError;
use crate::model::{Inventory, PolicyType, arm_id_segment};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::BTreeSet;

/// Whether an ARM id lies in the subscription.
fn in_subscription(id: &str, subscription: &SubscriptionId) -> bool {
    arm_id_segment(id, "subscriptions")
        .is_some_and(|s| s.eq_ignore_ascii_case(subscription.as_str()))
}

/// Every ARM id of the world, for "does it know this subscription".
fn world_ids(inventory: &Inventory) -> impl Iterator<Item = &str> {
    inventory
        .vaults
        .iter()
        .map(|v| v.id.as_str())
        .chain(inventory.virtual_machines.iter().map(|v| v.id.as_str()))
        .chain(inventory.virtual_networks.iter().map(|v| v.id.as_str()))
        .chain(inventory.storage_accounts.iter().map(|a| a.id.as_str()))
        .chain(inventory.resource_groups.iter().map(|g| g.id.as_str()))
}

/// The path's subscription, which the world must know (else 403, as for a
/// subscription the signed-in principal has no role on).
fn subscription(call: &Call, inventory: &Inventory) -> Result<SubscriptionId, ArmError> {
    let subscription =
        SubscriptionId::new(call.param("subscriptionId")?).map_err(|e| invalid_id(&e))?;
    let known = inventory
        .subscription_by_id(subscription.as_str())
        .is_some()
        || world_ids(inventory).any(|id| in_subscription(id, &subscription))
        || inventory
            .quotas
            .iter()
            .any(|q| q.subscription.eq_ignore_ascii_case(subscription.as_str()));
    if known {
        return Ok(subscription);
    }
    Err(ArmError::new(
        StatusCode::FORBIDDEN,
        "AuthorizationFailed",
        format!(
            "The client does not have authorization to perform action '{}' over scope '{}' or the scope is invalid.",
            call.operation.operation_id,
            subscription.url_path()
        ),
    ))
}

/// Answers one page of `items` for a list at `path`.
fn listed<T: Clone + serde::Serialize>(
    call: &Call,
    items: &[T],
    path: &str,
) -> Result<Response, ArmError> {
    let (value, next_link) = page(call, items, path);
    ok(&Page { value, next_link })
}

/// `Vaults_ListBySubscriptionId`.
pub fn vaults(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let subscription = subscription(call, &world.inventory)?;
    let vaults: Vec<_> = world
        .inventory
        .vaults
        .iter()
        .filter(|v| in_subscription(&v.id, &subscription))
        .map(wire_vault)
        .collect();
    let path = format!(
        "{}/providers/Microsoft.RecoveryServices/vaults",
        subscription.url_path()
    );
    listed(call, &vaults, &path)
}

/// `ProtectionPolicies_Get`: the policy as its items record it (type and
/// snapshot retention of the first item that names it).
pub fn protection_policy(call: &Call) -> Result<Response, ArmError> {
    let vault_id = call.vault_id()?;
    let name = call.param("policyName")?;
    let world = call.state.world();
    let vault = find_vault(&world.inventory, &vault_id)?;
    let item = vault
        .protected_items
        .iter()
        .find(|item| {
            item.policy
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| {
            ArmError::not_found(
                "BMSUserErrorPolicyNotFound",
                format!(
                    "Policy '{name}' was not found in vault '{}'.",
                    vault_id.name()
                ),
            )
        })?;
    ok(&ProtectionPolicyResource {
        meta: ResourceMeta {
            id: Some(format!("{vault_id}/backupPolicies/{name}")),
            name: Some(name.to_owned()),
            kind: Some("Microsoft.RecoveryServices/vaults/backupPolicies".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(VmProtectionPolicy {
            backup_management_type: Some("AzureIaasVM".to_owned()),
            policy_type: Some(
                match item.policy_kind() {
                    PolicyType::Standard => "V1",
                    PolicyType::Enhanced => "V2",
                }
                .to_owned(),
            ),
            instant_rp_retention_range_in_days: Some(item.instant_restore_days()),
        }),
    })
}

/// `VirtualNetworks_ListAll`.
pub fn virtual_networks(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let subscription = subscription(call, &world.inventory)?;
    let networks: Vec<_> = world
        .inventory
        .virtual_networks
        .iter()
        .filter(|n| in_subscription(&n.id, &subscription))
        .map(|n| wire_vnet(&world.inventory, n))
        .collect();
    let path = format!(
        "{}/providers/Microsoft.Network/virtualNetworks",
        subscription.url_path()
    );
    listed(call, &networks, &path)
}

/// `StorageAccounts_List`.
pub fn storage_accounts(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let subscription = subscription(call, &world.inventory)?;
    let accounts: Vec<_> = world
        .inventory
        .storage_accounts
        .iter()
        .filter(|a| in_subscription(&a.id, &subscription))
        .map(wire_storage_account)
        .collect();
    let path = format!(
        "{}/providers/Microsoft.Storage/storageAccounts",
        subscription.url_path()
    );
    listed(call, &accounts, &path)
}

/// `ResourceGroups_List`.
pub fn resource_groups(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let subscription = subscription(call, &world.inventory)?;
    let groups: Vec<_> = world
        .inventory
        .resource_groups
        .iter()
        .filter(|g| in_subscription(&g.id, &subscription))
        .map(|g| ResourceMeta {
            id: Some(g.id.clone()),
            name: Some(g.name().to_owned()),
            kind: Some("Microsoft.Resources/resourceGroups".to_owned()),
            location: Some(g.region.clone()),
            ..ResourceMeta::default()
        })
        .collect();
    listed(
        call,
        &groups,
        &format!("{}/resourcegroups", subscription.url_path()),
    )
}

/// `Resources_ListByResourceGroup`: the group's names. The world records
/// names only, so a resource's type is given when the world has it as a VM,
/// network, storage account or vault, and left out otherwise.
pub fn group_resources(call: &Call) -> Result<Response, ArmError> {
    let group = group_id(call)?;
    let world = call.state.world();
    let inventory = &world.inventory;
    let found = inventory
        .resource_group_by_id(&group.to_string())
        .ok_or_else(|| {
            ArmError::not_found(
                "ResourceGroupNotFound",
                format!("Resource group '{}' could not be found.", group.name()),
            )
        })?;
    let typed = |name: &str| -> Option<(String, &'static str)> {
        let id = |provider: &str| format!("{group}/providers/{provider}/{name}");
        let candidates = [
            (
                id("Microsoft.Compute/virtualMachines"),
                "Microsoft.Compute/virtualMachines",
            ),
            (
                id("Microsoft.Network/virtualNetworks"),
                "Microsoft.Network/virtualNetworks",
            ),
            (
                id("Microsoft.Storage/storageAccounts"),
                "Microsoft.Storage/storageAccounts",
            ),
            (
                id("Microsoft.RecoveryServices/vaults"),
                "Microsoft.RecoveryServices/vaults",
            ),
        ];
        candidates.into_iter().find(|(id, _)| {
            inventory.vm_by_id(id).is_some_and(|vm| vm.exists)
                || inventory.virtual_network_by_id(id).is_some()
                || inventory.storage_account_by_id(id).is_some()
                || inventory.vault_by_id(id).is_some()
        })
    };
    let resources: Vec<_> = found
        .existing_names
        .iter()
        .map(|name| match typed(name) {
            Some((id, kind)) => ResourceMeta {
                id: Some(id),
                name: Some(name.clone()),
                kind: Some(kind.to_owned()),
                location: Some(found.region.clone()),
                ..ResourceMeta::default()
            },
            None => ResourceMeta {
                name: Some(name.clone()),
                location: Some(found.region.clone()),
                ..ResourceMeta::default()
            },
        })
        .collect();
    listed(call, &resources, &format!("{}/resources", group.url_path()))
}

/// `ResourceSkus_List`: the VM sizes the world's VMs use, with the family
/// and vCPUs the inventory gives them, in the `location eq '…'` region.
pub fn resource_skus(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let subscription = subscription(call, &world.inventory)?;
    let region = call
        .query("$filter")
        .and_then(|f| f.split_once("location eq '"))
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(region, _)| region.to_owned());
    let mut seen = BTreeSet::new();
    let skus: Vec<ResourceSku> = world
        .inventory
        .virtual_machines
        .iter()
        .filter_map(|vm| Some((vm.size.clone()?, vm.family.clone()?, vm.v_cpus?, &vm.region)))
        .filter(|(size, ..)| seen.insert(size.to_ascii_lowercase()))
        .map(|(size, family, v_cpus, vm_region)| ResourceSku {
            resource_type: Some("virtualMachines".to_owned()),
            name: Some(size),
            family: Some(family),
            locations: Some(vec![region.clone().unwrap_or_else(|| vm_region.clone())]),
            capabilities: Some(vec![SkuCapability {
                name: Some("vCPUs".to_owned()),
                value: Some(v_cpus.to_string()),
            }]),
        })
        .collect();
    listed(
        call,
        &skus,
        &format!(
            "{}/providers/Microsoft.Compute/skus",
            subscription.url_path()
        ),
    )
}

/// `Subscriptions_Get`: name and tenant as the inventory has them.
pub fn subscription_get(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let subscription = subscription(call, &world.inventory)?;
    let known = world.inventory.subscription_by_id(subscription.as_str());
    ok(&Subscription {
        id: Some(subscription.url_path()),
        subscription_id: Some(subscription.as_str().to_owned()),
        display_name: known.and_then(|s| s.name.clone()),
        tenant_id: known.and_then(|s| s.tenant_id.clone()),
    })
}

/// `Subscriptions_ListLocations`: every region of the world, paired as its
/// vaults say.
pub fn locations(call: &Call) -> Result<Response, ArmError> {
    let world = call.state.world();
    let inventory = &world.inventory;
    subscription(call, inventory)?;
    let pairs: Vec<(String, String)> = inventory
        .vaults
        .iter()
        .filter_map(|v| {
            Some((
                v.region.to_ascii_lowercase(),
                v.paired_region.clone()?.to_ascii_lowercase(),
            ))
        })
        .collect();
    let regions: BTreeSet<String> = inventory
        .vaults
        .iter()
        .map(|v| v.region.clone())
        .chain(inventory.virtual_machines.iter().map(|v| v.region.clone()))
        .chain(inventory.virtual_networks.iter().map(|v| v.region.clone()))
        .chain(inventory.storage_accounts.iter().map(|a| a.region.clone()))
        .chain(inventory.resource_groups.iter().map(|g| g.region.clone()))
        .chain(inventory.quotas.iter().map(|q| q.region.clone()))
        .chain(pairs.iter().flat_map(|(a, b)| [a.clone(), b.clone()]))
        .map(|r| r.to_ascii_lowercase())
        .collect();
    let value: Vec<Location> = regions
        .into_iter()
        .map(|region| {
            let paired = pairs.iter().find_map(|(a, b)| {
                if *a == region {
                    Some(b.clone())
                } else if *b == region {
                    Some(a.clone())
                } else {
                    None
                }
            });
            Location {
                metadata: Some(LocationMetadata {
                    paired_region: paired.map(|name| vec![PairedRegion { name: Some(name) }]),
                }),
                name: Some(region),
            }
        })
        .collect();
    ok(&Page {
        value,
        next_link: None,
    })
}
