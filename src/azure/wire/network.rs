//! Virtual networks and subnets: where a new VM lands, and how many addresses
//! are left there.

use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// A virtual network as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetwork {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The network's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<VirtualNetworkProperties>,
}

/// The properties of a virtual network that restoreplan reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetworkProperties {
    /// Address space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_space: Option<AddressSpace>,
    /// Subnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<Subnet>>,
}

/// Address prefixes of a network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressSpace {
    /// CIDR prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefixes: Option<Vec<String>>,
}

/// A subnet as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subnet {
    /// Id, name, type, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The subnet's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<SubnetProperties>,
}

/// The properties of a subnet that restoreplan reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubnetProperties {
    /// The CIDR prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefix: Option<String>,
    /// Several CIDR prefixes (when the subnet has more than one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefixes: Option<Vec<String>>,
    /// IP configurations using the subnet: one address each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_configurations: Option<Vec<ResourceMeta>>,
    /// `Succeeded`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
}

/// A network interface as ARM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterface {
    /// Id, name, type, location, tags, ETag.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The interface's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<NetworkInterfaceProperties>,
}

/// The properties of a network interface that restoreplan reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterfaceProperties {
    /// Its IP configurations; one is primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_configurations: Option<Vec<IpConfiguration>>,
    /// `Succeeded`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// Whether accelerated networking is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_accelerated_networking: Option<bool>,
}

impl NetworkInterface {
    /// The private address of the primary IP configuration (else the first).
    pub fn primary_private_ip(&self) -> Option<&str> {
        let configurations = self.properties.as_ref()?.ip_configurations.as_ref()?;
        let primary = configurations
            .iter()
            .find(|c| c.properties.as_ref().and_then(|p| p.primary) == Some(true))
            .or_else(|| configurations.first())?;
        primary.properties.as_ref()?.private_ip_address.as_deref()
    }
}

/// One IP configuration of a network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpConfiguration {
    /// Id and name.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Its properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<IpConfigurationProperties>,
}

/// The properties of an IP configuration that restoreplan reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IpConfigurationProperties {
    /// The private address.
    #[serde(
        rename = "privateIPAddress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub private_ip_address: Option<String>,
    /// `Static` or `Dynamic`.
    #[serde(
        rename = "privateIPAllocationMethod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub private_ip_allocation_method: Option<String>,
    /// Whether this is the interface's primary configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// The subnet the address is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<ResourceMeta>,
    /// The public address attached, if any.
    #[serde(
        rename = "publicIPAddress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub public_ip_address: Option<ResourceMeta>,
    /// The load balancer backend pools the configuration is in.
    #[serde(
        rename = "loadBalancerBackendAddressPools",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub load_balancer_backend_address_pools: Option<Vec<ResourceMeta>>,
}
