//! Ids inside a Recovery Services vault: the protected item of an Azure VM and
//! its recovery points. For VMs Azure Backup names the container
//! `iaasvmcontainer;iaasvmcontainerv2;{rg};{vm}` and the item
//! `vm;iaasvmcontainerv2;{rg};{vm}` in the only fabric, `Azure`.

use std::fmt;

use super::names;
use super::{ArmId, IdError, Segments, VaultId, VirtualMachineId, encode_segment, id_text_impls};

/// The only backup fabric of Azure VMs.
pub const AZURE_FABRIC: &str = "Azure";
const CONTAINER_PREFIX: [&str; 2] = ["iaasvmcontainer", "iaasvmcontainerv2"];
const ITEM_PREFIX: [&str; 2] = ["vm", "iaasvmcontainerv2"];

/// The protected item of an Azure VM in a vault.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtectedItemId {
    /// The vault protecting the VM.
    pub vault: VaultId,
    vm_resource_group: String,
    vm_name: String,
}

impl ProtectedItemId {
    /// The protected item that a vault holds for `vm` (names follow Azure Backup's convention).
    pub fn for_vm(vault: VaultId, vm: &VirtualMachineId) -> Self {
        Self {
            vault,
            vm_resource_group: vm.resource_group.name().to_owned(),
            vm_name: vm.name().to_owned(),
        }
    }

    /// The resource group of the protected VM, as the item name spells it.
    pub fn vm_resource_group(&self) -> &str {
        &self.vm_resource_group
    }

    /// The name of the protected VM.
    pub fn vm_name(&self) -> &str {
        &self.vm_name
    }

    /// The protection container name: `iaasvmcontainer;iaasvmcontainerv2;{rg};{vm}`.
    pub fn container_name(&self) -> String {
        format!(
            "{};{};{};{}",
            CONTAINER_PREFIX[0], CONTAINER_PREFIX[1], self.vm_resource_group, self.vm_name
        )
    }

    /// The protected item name: `vm;iaasvmcontainerv2;{rg};{vm}`.
    pub fn item_name(&self) -> String {
        format!(
            "{};{};{};{}",
            ITEM_PREFIX[0], ITEM_PREFIX[1], self.vm_resource_group, self.vm_name
        )
    }

    /// Splits a container or item name into the VM's resource group and name.
    fn split_name(name: &str, prefix: [&str; 2], what: &str) -> Result<(String, String), IdError> {
        let parts: Vec<&str> = name.split(';').collect();
        let [first, second, group, vm] = parts.as_slice() else {
            return Err(IdError::new(format!(
                "a {what} has the form '{};{};<resource group>;<vm>'",
                prefix[0], prefix[1]
            )));
        };
        if !first.eq_ignore_ascii_case(prefix[0]) || !second.eq_ignore_ascii_case(prefix[1]) {
            return Err(IdError::new(format!(
                "a {what} of an Azure VM starts with '{};{};'",
                prefix[0], prefix[1]
            )));
        }
        names::RESOURCE_GROUP.check(group)?;
        names::VIRTUAL_MACHINE.check(vm)?;
        Ok(((*group).to_owned(), (*vm).to_owned()))
    }

    pub(crate) fn read(segments: &mut Segments<'_>) -> Result<Self, IdError> {
        let vault = VaultId::read(segments)?;
        segments.keyword("backupFabrics")?;
        segments.keyword(AZURE_FABRIC)?;
        segments.keyword("protectionContainers")?;
        let container = Self::split_name(
            segments.raw("the container name")?,
            CONTAINER_PREFIX,
            "container name",
        )?;
        segments.keyword("protectedItems")?;
        let (vm_resource_group, vm_name) = Self::split_name(
            segments.raw("the protected item name")?,
            ITEM_PREFIX,
            "protected item name",
        )?;
        let same_vm = container.0.eq_ignore_ascii_case(&vm_resource_group)
            && container.1.eq_ignore_ascii_case(&vm_name);
        if !same_vm {
            return Err(IdError::new(
                "the container and the protected item name different VMs",
            ));
        }
        Ok(Self {
            vault,
            vm_resource_group,
            vm_name,
        })
    }

    fn write_path(
        &self,
        f: &mut dyn fmt::Write,
        vault: &str,
        encode: fn(&str) -> String,
    ) -> fmt::Result {
        write!(
            f,
            "{vault}/backupFabrics/{AZURE_FABRIC}/protectionContainers/{}/protectedItems/{}",
            encode(&self.container_name()),
            encode(&self.item_name())
        )
    }
}

impl fmt::Display for ProtectedItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_path(f, &self.vault.to_string(), str::to_owned)
    }
}

impl ArmId for ProtectedItemId {
    fn url_path(&self) -> String {
        let mut path = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_path(&mut path, &self.vault.url_path(), encode_segment);
        path
    }
}

id_text_impls!(ProtectedItemId);

/// A recovery point of a protected item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecoveryPointId {
    /// The protected item the point belongs to.
    pub item: ProtectedItemId,
    name: String,
}

impl RecoveryPointId {
    /// Builds the id, checking the recovery point name.
    pub fn new(item: ProtectedItemId, name: &str) -> Result<Self, IdError> {
        names::RECOVERY_POINT.check(name)?;
        Ok(Self {
            item,
            name: name.to_owned(),
        })
    }

    /// The recovery point's name (what the restore body calls `recoveryPointId`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn read(segments: &mut Segments<'_>) -> Result<Self, IdError> {
        let item = ProtectedItemId::read(segments)?;
        segments.keyword("recoveryPoints")?;
        let name = segments.name(&names::RECOVERY_POINT)?;
        Ok(Self { item, name })
    }
}

impl fmt::Display for RecoveryPointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/recoveryPoints/{}", self.item, self.name)
    }
}

impl ArmId for RecoveryPointId {
    fn url_path(&self) -> String {
        format!(
            "{}/recoveryPoints/{}",
            self.item.url_path(),
            encode_segment(&self.name)
        )
    }
}

id_text_impls!(RecoveryPointId);
