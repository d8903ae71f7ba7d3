//! The rest of the estate: virtual networks, storage accounts, resource
//! groups, regional vCPU quotas and subscriptions, with their lookups.

use super::{Inventory, arm_id_name, same_arm_id};
use serde::{Deserialize, Serialize};

/// A virtual network restored VMs can be attached to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetwork {
    /// The virtual network's ARM id.
    pub id: String,
    /// The virtual network's region.
    pub region: String,
    /// The subnets.
    #[serde(default)]
    pub subnets: Vec<Subnet>,
}

impl VirtualNetwork {
    /// The subnet named `name` (subnet names compare case-insensitively, as in ARM).
    pub fn subnet(&self, name: &str) -> Option<&Subnet> {
        self.subnets
            .iter()
            .find(|subnet| subnet.name.eq_ignore_ascii_case(name))
    }
}

/// A subnet of a virtual network.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subnet {
    /// The subnet's name.
    pub name: String,
    /// The address range in CIDR notation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_prefix: Option<String>,
    /// How many addresses are still free; unknown when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_ips: Option<u64>,
}

/// A storage account (a possible staging account for restores).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageAccount {
    /// The storage account's ARM id.
    pub id: String,
    /// The storage account's region.
    pub region: String,
    /// The account kind.
    #[serde(default)]
    pub kind: StorageKind,
    /// The SKU (performance and redundancy).
    #[serde(default)]
    pub sku: StorageSku,
    /// Whether the account accepts traffic from public networks.
    #[serde(default)]
    pub public_network_access: PublicNetworkAccess,
    /// The firewall's default action.
    #[serde(default)]
    pub firewall_default_action: FirewallDefaultAction,
    /// Whether shared key (and so SAS) access is allowed.
    #[serde(default = "super::yes")]
    pub allow_shared_key_access: bool,
    /// Whether the hierarchical namespace (Data Lake Storage Gen2) is enabled.
    #[serde(default)]
    pub hierarchical_namespace: bool,
}

schema_enum! {
    /// A storage account kind.
    StorageKind {
        /// General-purpose v2.
        StorageV2 = "StorageV2",
        /// General-purpose v1.
        Storage = "Storage",
        /// Blob storage (legacy).
        BlobStorage = "BlobStorage",
        /// Premium block blobs.
        BlockBlobStorage = "BlockBlobStorage",
        /// Premium file shares.
        FileStorage = "FileStorage",
    }
    default StorageV2
}

schema_enum! {
    /// A storage account SKU.
    StorageSku {
        /// Standard, locally redundant.
        StandardLrs = "Standard_LRS",
        /// Standard, geo-redundant.
        StandardGrs = "Standard_GRS",
        /// Standard, read-access geo-redundant.
        StandardRagrs = "Standard_RAGRS",
        /// Standard, zone redundant.
        StandardZrs = "Standard_ZRS",
        /// Standard, geo-zone redundant.
        StandardGzrs = "Standard_GZRS",
        /// Standard, read-access geo-zone redundant.
        StandardRagzrs = "Standard_RAGZRS",
        /// Premium, locally redundant.
        PremiumLrs = "Premium_LRS",
        /// Premium, zone redundant.
        PremiumZrs = "Premium_ZRS",
    }
    default StandardLrs
}

schema_enum! {
    /// Whether a storage account accepts traffic from public networks.
    PublicNetworkAccess {
        /// It does.
        Enabled = "Enabled",
        /// It does not.
        Disabled = "Disabled",
    }
    default Enabled
}

schema_enum! {
    /// A storage firewall's default action.
    FirewallDefaultAction {
        /// Everyone gets in.
        Allow = "Allow",
        /// Only allowed networks and trusted services get in.
        Deny = "Deny",
    }
    default Allow
}

/// A resource group restores can write into.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    /// The resource group's ARM id.
    pub id: String,
    /// The region holding the group's metadata.
    pub region: String,
    /// Names of resources already in the group.
    #[serde(default)]
    pub existing_names: Vec<String>,
}

impl ResourceGroup {
    /// The group's name: the last segment of its ARM id.
    pub fn name(&self) -> &str {
        arm_id_name(&self.id)
    }

    /// Whether a resource named `name` already exists in the group. Azure
    /// resource names are case-insensitive, so `Web-01` takes `web-01`.
    pub fn has_name(&self, name: &str) -> bool {
        self.existing_names
            .iter()
            .any(|existing| existing.eq_ignore_ascii_case(name))
    }
}

/// A regional vCPU quota of a subscription for one VM family.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// The subscription id.
    pub subscription: String,
    /// The region.
    pub region: String,
    /// The VM family, or `cores` for the regional total.
    pub family: String,
    /// The limit in vCPUs.
    pub limit: u64,
    /// The vCPUs already in use.
    #[serde(default)]
    pub used: u64,
}

impl Quota {
    /// The vCPUs left: the limit less what is used (never below zero).
    pub fn available(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
}

/// A subscription of the estate.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// The subscription id.
    pub id: String,
    /// The display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Microsoft Entra tenant id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Registered preview features and flags.
    #[serde(default)]
    pub features: Vec<String>,
}

impl Inventory {
    /// The virtual network with this ARM id (compared case-insensitively).
    pub fn virtual_network_by_id(&self, id: &str) -> Option<&VirtualNetwork> {
        self.virtual_networks
            .iter()
            .find(|network| same_arm_id(&network.id, id))
    }

    /// The subnet with this ARM id (`…/virtualNetworks/<vnet>/subnets/<name>`),
    /// with its virtual network.
    pub fn subnet_by_id(&self, id: &str) -> Option<(&VirtualNetwork, &Subnet)> {
        let (network_id, name) = split_subnet_id(id)?;
        let network = self.virtual_network_by_id(network_id)?;
        Some((network, network.subnet(name)?))
    }

    /// The storage account with this ARM id (compared case-insensitively).
    pub fn storage_account_by_id(&self, id: &str) -> Option<&StorageAccount> {
        self.storage_accounts
            .iter()
            .find(|account| same_arm_id(&account.id, id))
    }

    /// The resource group with this ARM id (compared case-insensitively).
    pub fn resource_group_by_id(&self, id: &str) -> Option<&ResourceGroup> {
        self.resource_groups
            .iter()
            .find(|group| same_arm_id(&group.id, id))
    }

    /// The quota of `family` (or `cores`) for a subscription in a region.
    /// All three are ARM names, which compare case-insensitively.
    pub fn quota(&self, subscription: &str, region: &str, family: &str) -> Option<&Quota> {
        self.quotas.iter().find(|quota| {
            quota.subscription.eq_ignore_ascii_case(subscription)
                && quota.region.eq_ignore_ascii_case(region)
                && quota.family.eq_ignore_ascii_case(family)
        })
    }

    /// The subscription with this id (compared case-insensitively).
    pub fn subscription_by_id(&self, id: &str) -> Option<&Subscription> {
        self.subscriptions
            .iter()
            .find(|subscription| subscription.id.eq_ignore_ascii_case(id))
    }
}

/// Splits a subnet id into its virtual network's id and the subnet's name.
fn split_subnet_id(id: &str) -> Option<(&str, &str)> {
    let (network, name) = id.rsplit_once('/')?;
    let (network, keyword) = network.rsplit_once('/')?;
    keyword
        .eq_ignore_ascii_case("subnets")
        .then_some((network, name))
}
