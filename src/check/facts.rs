//! The facts one restore node is checked against: the plan's restore, the
//! source VM and its backups in the inventory, the chosen recovery point and
//! the target. Rules read these and nothing else.

use super::recovery_points::{Chosen, Unresolved};
use crate::compile::{Node, ResolvedRestore, SourceVm};
use crate::model::{
    Inventory, InventoryVault, Plan, ProtectedItem, Restore, StorageAccount, Target, VirtualMachine,
};
use jiff::Timestamp;

/// Everything a rule may know about one restore node.
#[derive(Debug, Clone)]
pub struct RestoreFacts<'a> {
    /// The whole plan.
    pub plan: &'a Plan,
    /// The whole estate.
    pub inventory: &'a Inventory,
    /// The node being checked.
    pub node: &'a Node,
    /// The restore as the plan writes it.
    pub restore: &'a Restore,
    /// The restore with the plan's defaults applied.
    pub resolved: &'a ResolvedRestore,
    /// What the restore crosses.
    pub scenario: &'a SourceVm,
    /// The source VM.
    pub vm: &'a VirtualMachine,
    /// The vault the plan restores from.
    pub vault: &'a InventoryVault,
    /// The VM's protected item in that vault, if it is protected there.
    pub item: Option<&'a ProtectedItem>,
    /// The recovery point the restore will use, when one could be chosen.
    pub chosen: Option<Chosen<'a>>,
    /// Why none could be chosen, when none could.
    pub unresolved: Option<Unresolved>,
    /// The target, for modes that have one.
    pub target: Option<&'a Target>,
    /// The staging storage account of the target, when the inventory has it.
    pub staging: Option<&'a StorageAccount>,
    /// The time the plan is checked for (`--at`).
    pub at: Timestamp,
}

impl RestoreFacts<'_> {
    /// The JSON pointer of a field of the node's restore block, such as `as`;
    /// for `tier` and `recoveryPoint` set by `defaults:` only, the default's.
    pub fn field(&self, name: &str) -> String {
        let from_defaults = match name {
            "tier" => self.restore.tier.is_none() && self.plan.defaults.tier.is_some(),
            "recoveryPoint" => {
                self.restore.recovery_point.is_none() && self.plan.defaults.recovery_point.is_some()
            }
            _ => false,
        };
        if from_defaults {
            format!("/defaults/{name}")
        } else {
            format!("/steps/{}/restore/{name}", self.node.step_index)
        }
    }

    /// The pointer of the target the restore uses: its own `target:`, else `defaults.target`.
    pub fn target_pointer(&self) -> String {
        match (&self.restore.target, &self.resolved.target) {
            (Some(_), _) => self.field("target"),
            (None, Some(_)) => "/defaults/target".to_owned(),
            (None, None) => self.field("as"),
        }
    }

    /// The VM's name, with the step id when the step restores several VMs.
    pub fn subject(&self) -> String {
        format!("`{}`", self.vm.name)
    }
}
