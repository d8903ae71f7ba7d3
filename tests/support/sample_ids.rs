//! One set of typed ARM ids for the contract tests: a vault, a VM and its
//! protected item and recovery point, a staging account and a subnet.

use restoreplan::azure::id::{
    ProtectedItemId, RecoveryPointId, ResourceGroupId, StorageAccountId, SubnetId, SubscriptionId,
    VaultId, VirtualMachineId, VirtualNetworkId,
};

/// The subscription every sample id is in.
pub const SUB: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";

/// A resource group of the sample subscription.
pub fn group(name: &str) -> ResourceGroupId {
    ResourceGroupId::new(SubscriptionId::new(SUB).expect("guid"), name).expect("group")
}

/// The sample vault.
pub fn vault() -> VaultId {
    VaultId::new(group("rg-backup"), "rsv-prod").expect("vault")
}

/// The sample VM.
pub fn vm() -> VirtualMachineId {
    VirtualMachineId::new(group("rg-app"), "sql-01").expect("vm")
}

/// The sample VM's protected item in the sample vault.
pub fn item() -> ProtectedItemId {
    ProtectedItemId::for_vm(vault(), &vm())
}

/// A recovery point of the sample item.
pub fn point() -> RecoveryPointId {
    RecoveryPointId::new(item(), "20982486783671").expect("point")
}

/// A staging storage account.
pub fn staging() -> StorageAccountId {
    StorageAccountId::new(group("rg-app-dr"), "stappdr").expect("account")
}

/// A target subnet.
pub fn subnet() -> SubnetId {
    let vnet = VirtualNetworkId::new(group("rg-net"), "vnet-dr").expect("vnet");
    SubnetId::new(vnet, "app").expect("subnet")
}
