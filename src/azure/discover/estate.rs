//! One subscription's estate outside the backups: the subscription and its
//! region pairs, virtual networks with free addresses, storage accounts,
//! resource groups with the names they hold, compute quotas and the VM
//! sizes' vCPUs and families.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::Problems;
use crate::azure::api;
use crate::azure::backup::Backup;
use crate::azure::id::{ResourceGroupId, SubscriptionId};
use crate::azure::wire::ResourceMeta;
use crate::azure::wire::compute::{Usage, VirtualMachine as WireVm};
use crate::azure::wire::estate::{
    GenericResource, Location, ResourceSku, StorageAccount as WireAccount,
    Subscription as WireSubscription,
};
use crate::azure::wire::network::VirtualNetwork as WireVnet;
use crate::model::{
    FirewallDefaultAction, PublicNetworkAccess, Quota, ResourceGroup, StorageAccount, StorageKind,
    StorageSku, Subnet, Subscription, VirtualNetwork, arm_id_name,
};

/// A VM size's quota family and vCPUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SizeFacts {
    /// The quota family, as in `quotas`.
    pub family: String,
    /// The vCPUs.
    pub v_cpus: u64,
}

/// What one subscription holds outside its vaults.
#[derive(Debug)]
pub(super) struct SubscriptionEstate {
    pub subscription: Subscription,
    /// Region → paired region, lower-cased.
    pub pairs: Vec<(String, String)>,
    pub networks: Vec<VirtualNetwork>,
    pub storage_accounts: Vec<StorageAccount>,
    pub groups: Vec<ResourceGroup>,
    pub quotas: Vec<Quota>,
    /// The VMs as ARM lists them; `compute` reads their network interfaces.
    pub machines: Vec<WireVm>,
    /// VM size (lower-cased) → its facts.
    pub sizes: HashMap<String, SizeFacts>,
    /// The ids (lower-cased) of the generalized VMs.
    pub generalized: HashSet<String>,
}

/// Reads a subscription's estate; `None` when the subscription itself
/// cannot be read (a problem says why).
pub(super) async fn subscription(
    backup: &Backup,
    subscription: &SubscriptionId,
    problems: &mut Problems,
) -> Option<SubscriptionEstate> {
    let label = format!("subscription {}", subscription.as_str());
    let read: WireSubscription = match backup
        .arm()
        .send_json(&api::subscription_get(subscription), None)
        .await
    {
        Ok(read) => read,
        Err(error) => {
            problems.missing(&label, &error);
            return None;
        }
    };
    // The instance views say which VMs are generalized: one more paged list.
    let generalized: HashSet<String> = match backup
        .list_all::<WireVm>(&api::virtual_machines_status_list_all(subscription))
        .await
    {
        Ok(views) => views
            .into_iter()
            .filter(|vm| {
                vm.properties
                    .as_ref()
                    .and_then(|p| p.instance_view.as_ref())
                    .is_some_and(|view| view.generalized())
            })
            .filter_map(|vm| vm.meta.id.map(|id| id.to_ascii_lowercase()))
            .collect(),
        Err(error) => {
            problems.detail(&format!("the VMs' instance views of {label}"), &error);
            HashSet::new()
        }
    };
    let mut list = async |what: &str, request: api::Request| -> Vec<serde_json::Value> {
        match backup.list_all(&request).await {
            Ok(items) => items,
            Err(error) => {
                problems.missing(&format!("the {what} of {label}"), &error);
                Vec::new()
            }
        }
    };
    let locations = list("regions", api::subscription_locations_list(subscription)).await;
    let networks = list(
        "virtual networks",
        api::virtual_networks_list_all(subscription),
    )
    .await;
    let accounts = list("storage accounts", api::storage_accounts_list(subscription)).await;
    let groups = list("resource groups", api::resource_groups_list(subscription)).await;
    let machines = list(
        "virtual machines",
        api::virtual_machines_list_all(subscription),
    )
    .await;
    let pairs = typed::<Location>(locations)
        .into_iter()
        .filter_map(|location| {
            let region = location.name?.to_ascii_lowercase();
            let paired = location.metadata?.paired_region?.into_iter().next()?.name?;
            Some((region, paired.to_ascii_lowercase()))
        })
        .collect::<Vec<_>>();
    let machines = typed::<WireVm>(machines);
    let networks: Vec<VirtualNetwork> = typed::<WireVnet>(networks)
        .iter()
        .filter_map(network)
        .collect();
    let storage_accounts: Vec<StorageAccount> = typed::<WireAccount>(accounts)
        .iter()
        .filter_map(storage_account)
        .collect();
    let mut resource_groups = Vec::new();
    for group in typed::<ResourceMeta>(groups) {
        let (Some(id), Some(region)) = (group.id, group.location) else {
            continue;
        };
        let Ok(group_id) = id.parse::<ResourceGroupId>() else {
            continue;
        };
        let names = list(
            "resources",
            api::resources_list_by_resource_group(&group_id),
        )
        .await;
        let mut existing_names: Vec<String> = typed::<GenericResource>(names)
            .into_iter()
            .filter_map(|r| r.name)
            .collect();
        existing_names.dedup();
        resource_groups.push(ResourceGroup {
            id,
            region,
            existing_names,
        });
    }
    let mut regions: BTreeSet<String> = machines
        .iter()
        .filter_map(|vm| vm.meta.location.clone())
        .chain(networks.iter().map(|n| n.region.clone()))
        .chain(storage_accounts.iter().map(|a| a.region.clone()))
        .chain(resource_groups.iter().map(|g| g.region.clone()))
        .map(|r| r.to_ascii_lowercase())
        .collect();
    let paired: Vec<String> = regions
        .iter()
        .filter_map(|r| pairs.iter().find(|(a, _)| a == r).map(|(_, b)| b.clone()))
        .collect();
    regions.extend(paired);
    let mut quotas = Vec::new();
    let mut sizes = HashMap::new();
    for region in &regions {
        let usages = list(
            &format!("compute quotas in {region}"),
            api::compute_usages_list(subscription, region),
        )
        .await;
        quotas.extend(typed::<Usage>(usages).into_iter().filter_map(|usage| {
            let family = usage.name?.value?;
            let is_vcpus = family.eq_ignore_ascii_case("cores") || family.ends_with("Family");
            is_vcpus.then(|| Quota {
                subscription: subscription.as_str().to_owned(),
                region: region.clone(),
                family,
                limit: usage.limit.and_then(|l| u64::try_from(l).ok()).unwrap_or(0),
                used: usage
                    .current_value
                    .and_then(|u| u64::try_from(u).ok())
                    .unwrap_or(0),
            })
        }));
        let uses_vms = machines.iter().any(|vm| {
            vm.meta
                .location
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(region))
        });
        if uses_vms {
            let skus = list(
                &format!("VM sizes in {region}"),
                api::resource_skus_list(subscription, region),
            )
            .await;
            for sku in typed::<ResourceSku>(skus) {
                let is_vm = sku.resource_type.as_deref() == Some("virtualMachines");
                let v_cpus = sku.capability("vCPUs").and_then(|v| v.parse::<u64>().ok());
                if let (true, Some(name), Some(family), Some(v_cpus)) =
                    (is_vm, sku.name.as_ref(), sku.family.as_ref(), v_cpus)
                {
                    sizes.insert(
                        name.to_ascii_lowercase(),
                        SizeFacts {
                            family: family.clone(),
                            v_cpus,
                        },
                    );
                }
            }
        }
    }
    Some(SubscriptionEstate {
        subscription: Subscription {
            id: subscription.as_str().to_owned(),
            name: read.display_name,
            tenant_id: read.tenant_id,
            features: Vec::new(),
        },
        pairs,
        networks,
        storage_accounts,
        groups: resource_groups,
        quotas,
        machines,
        sizes,
        generalized,
    })
}

/// The items of a list read as `T`; an item that is not one is left out
/// (ARM lists may hold kinds a newer api-version added).
pub(super) fn typed<T: serde::de::DeserializeOwned>(items: Vec<serde_json::Value>) -> Vec<T> {
    items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect()
}

/// Azure keeps five addresses of every subnet for itself.
const AZURE_RESERVED_ADDRESSES: u64 = 5;

/// Addresses a prefix (`10.0.1.0/24`) gives, less Azure's five; IPv6 and
/// unreadable prefixes give none.
fn usable_addresses(prefix: &str) -> Option<u64> {
    let (address, bits) = prefix.split_once('/')?;
    let bits: u32 = bits.parse().ok()?;
    if !address.contains('.') || bits > 32 {
        return None;
    }
    Some((1u64 << (32 - bits)).saturating_sub(AZURE_RESERVED_ADDRESSES))
}

/// A virtual network, with each subnet's free addresses: what its prefixes
/// give less the IP configurations that use it.
fn network(wire: &WireVnet) -> Option<VirtualNetwork> {
    let subnets = wire
        .properties
        .as_ref()
        .and_then(|p| p.subnets.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|subnet| {
            let properties = subnet.properties.as_ref();
            let prefixes: Vec<String> = properties
                .and_then(|p| {
                    p.address_prefix
                        .clone()
                        .map(|p| vec![p])
                        .or_else(|| p.address_prefixes.clone())
                })
                .unwrap_or_default();
            let usable: Option<u64> = prefixes.iter().map(|p| usable_addresses(p)).sum();
            let used = properties
                .and_then(|p| p.ip_configurations.as_ref())
                .map_or(0, Vec::len);
            Some(Subnet {
                name: subnet.meta.name.clone()?,
                address_prefix: prefixes.first().cloned(),
                free_ips: usable.map(|u| u.saturating_sub(u64::try_from(used).unwrap_or(u64::MAX))),
            })
        })
        .collect();
    Some(VirtualNetwork {
        id: wire.meta.id.clone()?,
        region: wire.meta.location.clone()?,
        subnets,
    })
}

/// Reads a value of a schema enum from Azure's text, without case.
macro_rules! from_azure {
    ($ty:ty, $text:expr) => {
        $text.and_then(|text: &str| {
            <$ty>::ALL
                .iter()
                .copied()
                .find(|value| value.as_str().eq_ignore_ascii_case(text))
        })
    };
}
pub(super) use from_azure;

/// A storage account as the inventory has it.
fn storage_account(wire: &WireAccount) -> Option<StorageAccount> {
    let properties = wire.properties.clone().unwrap_or_default();
    Some(StorageAccount {
        id: wire.meta.id.clone()?,
        region: wire.meta.location.clone()?,
        kind: from_azure!(StorageKind, wire.kind.as_deref()).unwrap_or_default(),
        sku: from_azure!(
            StorageSku,
            wire.sku.as_ref().and_then(|s| s.name.as_deref())
        )
        .unwrap_or_default(),
        public_network_access: from_azure!(
            PublicNetworkAccess,
            properties.public_network_access.as_deref()
        )
        .unwrap_or_default(),
        firewall_default_action: from_azure!(
            FirewallDefaultAction,
            properties
                .network_acls
                .as_ref()
                .and_then(|acls| acls.default_action.as_deref())
        )
        .unwrap_or_default(),
        allow_shared_key_access: properties.allow_shared_key_access.unwrap_or(true),
        hierarchical_namespace: properties.is_hns_enabled.unwrap_or(false),
    })
}

/// The storage account of the inventory a VHD's blob URL lives in.
pub(super) fn account_of_vhd(accounts: &[StorageAccount], uri: &str) -> Option<String> {
    let host = url::Url::parse(uri).ok()?.host_str()?.to_owned();
    let name = host.split('.').next()?;
    accounts
        .iter()
        .find(|a| arm_id_name(&a.id).eq_ignore_ascii_case(name))
        .map(|a| a.id.clone())
}

#[cfg(test)]
mod tests {
    use super::usable_addresses;

    #[test]
    fn a_subnet_gives_its_addresses_less_the_five_azure_keeps() {
        assert_eq!(usable_addresses("10.10.1.0/24"), Some(251));
        assert_eq!(usable_addresses("10.10.250.0/26"), Some(59));
        assert_eq!(usable_addresses("10.0.0.0/29"), Some(3));
        // Smaller than Azure allows: nothing left, not an underflow.
        assert_eq!(usable_addresses("10.0.0.0/30"), Some(0));
        assert_eq!(usable_addresses("10.0.0.0/33"), None);
        assert_eq!(usable_addresses("fd00::/64"), None);
        assert_eq!(usable_addresses("not a prefix"), None);
    }
}
