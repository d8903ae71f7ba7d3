//! Ids of subscriptions, resource groups and the resources a restore touches.

use std::fmt;

use super::names::{self, NameRule};
use super::{ArmId, IdError, Segments, encode_segment, id_text_impls};

/// A subscription id: a GUID, kept in lowercase so equal ids compare equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubscriptionId(String);

impl SubscriptionId {
    /// Validates a bare subscription GUID (`3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41`).
    pub fn new(guid: &str) -> Result<Self, IdError> {
        let groups: Vec<&str> = guid.split('-').collect();
        let lengths_match = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
        if lengths_match
            && groups
                .iter()
                .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
        {
            Ok(Self(guid.to_ascii_lowercase()))
        } else {
            Err(IdError::new(
                "a subscription id is a GUID (8-4-4-4-12 hexadecimal digits)",
            ))
        }
    }

    /// The GUID text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn read(segments: &mut Segments<'_>) -> Result<Self, IdError> {
        segments.keyword("subscriptions")?;
        Self::new(segments.raw("the subscription id")?)
    }
}

impl fmt::Display for SubscriptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/subscriptions/{}", self.0)
    }
}

impl ArmId for SubscriptionId {
    fn url_path(&self) -> String {
        format!("/subscriptions/{}", encode_segment(&self.0))
    }
}

id_text_impls!(SubscriptionId);

/// A resource group id: `/subscriptions/{sub}/resourceGroups/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceGroupId {
    /// The subscription holding the group.
    pub subscription: SubscriptionId,
    name: String,
}

impl ResourceGroupId {
    /// Builds a resource group id, checking the name against ARM's rule.
    pub fn new(subscription: SubscriptionId, name: &str) -> Result<Self, IdError> {
        names::RESOURCE_GROUP.check(name)?;
        Ok(Self {
            subscription,
            name: name.to_owned(),
        })
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn read(segments: &mut Segments<'_>) -> Result<Self, IdError> {
        let subscription = SubscriptionId::read(segments)?;
        segments.keyword("resourceGroups")?;
        let name = segments.name(&names::RESOURCE_GROUP)?;
        Ok(Self { subscription, name })
    }
}

impl fmt::Display for ResourceGroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/resourceGroups/{}", self.subscription, self.name)
    }
}

impl ArmId for ResourceGroupId {
    fn url_path(&self) -> String {
        format!(
            "{}/resourceGroups/{}",
            self.subscription.url_path(),
            encode_segment(&self.name)
        )
    }
}

id_text_impls!(ResourceGroupId);

/// Declares the id of a resource that lives directly in a resource group.
macro_rules! group_resource_id {
    ($(#[$doc:meta])* $ty:ident, $namespace:literal, $kind:literal, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty {
            /// The resource group holding the resource.
            pub resource_group: ResourceGroupId,
            name: String,
        }

        impl $ty {
            /// The provider namespace, as ARM spells it.
            pub const NAMESPACE: &'static str = $namespace;
            /// The resource type within the namespace.
            pub const KIND: &'static str = $kind;
            const RULE: NameRule = $rule;

            /// Builds the id, checking the name against ARM's rule for this type.
            pub fn new(resource_group: ResourceGroupId, name: &str) -> Result<Self, IdError> {
                Self::RULE.check(name)?;
                Ok(Self { resource_group, name: name.to_owned() })
            }

            /// The resource's name.
            pub fn name(&self) -> &str {
                &self.name
            }

            pub(crate) fn read(segments: &mut Segments<'_>) -> Result<Self, IdError> {
                let resource_group = ResourceGroupId::read(segments)?;
                segments.keyword("providers")?;
                segments.keyword(Self::NAMESPACE)?;
                segments.keyword(Self::KIND)?;
                let name = segments.name(&Self::RULE)?;
                Ok(Self { resource_group, name })
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}/providers/{}/{}/{}", self.resource_group, Self::NAMESPACE, Self::KIND, self.name)
            }
        }

        impl ArmId for $ty {
            fn url_path(&self) -> String {
                format!(
                    "{}/providers/{}/{}/{}",
                    self.resource_group.url_path(),
                    Self::NAMESPACE,
                    Self::KIND,
                    encode_segment(&self.name)
                )
            }
        }

        id_text_impls!($ty);
    };
}

group_resource_id!(
    /// A Recovery Services vault.
    VaultId, "Microsoft.RecoveryServices", "vaults", names::VAULT
);
group_resource_id!(
    /// A virtual machine.
    VirtualMachineId, "Microsoft.Compute", "virtualMachines", names::VIRTUAL_MACHINE
);
group_resource_id!(
    /// A virtual network.
    VirtualNetworkId, "Microsoft.Network", "virtualNetworks", names::VIRTUAL_NETWORK
);
group_resource_id!(
    /// A network interface (where a restored VM's private address is read).
    NetworkInterfaceId, "Microsoft.Network", "networkInterfaces", names::NETWORK_INTERFACE
);
group_resource_id!(
    /// A storage account (the staging account of a restore).
    StorageAccountId, "Microsoft.Storage", "storageAccounts", names::STORAGE_ACCOUNT
);
group_resource_id!(
    /// A disk encryption set (customer-managed keys for restored disks).
    DiskEncryptionSetId, "Microsoft.Compute", "diskEncryptionSets", names::DISK_ENCRYPTION_SET
);
group_resource_id!(
    /// A user-assigned managed identity.
    UserAssignedIdentityId, "Microsoft.ManagedIdentity", "userAssignedIdentities", names::USER_ASSIGNED_IDENTITY
);

/// A subnet of a virtual network.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubnetId {
    /// The virtual network holding the subnet.
    pub virtual_network: VirtualNetworkId,
    name: String,
}

impl SubnetId {
    /// Builds the id, checking the name against ARM's subnet rule.
    pub fn new(virtual_network: VirtualNetworkId, name: &str) -> Result<Self, IdError> {
        names::SUBNET.check(name)?;
        Ok(Self {
            virtual_network,
            name: name.to_owned(),
        })
    }

    /// The subnet's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn read(segments: &mut Segments<'_>) -> Result<Self, IdError> {
        let virtual_network = VirtualNetworkId::read(segments)?;
        segments.keyword("subnets")?;
        let name = segments.name(&names::SUBNET)?;
        Ok(Self {
            virtual_network,
            name,
        })
    }
}

impl fmt::Display for SubnetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/subnets/{}", self.virtual_network, self.name)
    }
}

impl ArmId for SubnetId {
    fn url_path(&self) -> String {
        format!(
            "{}/subnets/{}",
            self.virtual_network.url_path(),
            encode_segment(&self.name)
        )
    }
}

id_text_impls!(SubnetId);
