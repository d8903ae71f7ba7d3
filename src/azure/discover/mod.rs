//! Discovery: an [`Inventory`] read from live ARM, for `inventory export`
//! and `plan --live`. Every read goes through the one HTTP layer (budgets,
//! retries, paging with its loop guard), as [`Backup`] sends it.
//!
//! What ARM cannot tell, and how the inventory is filled instead:
//! - a recovery point's disk sizes (Azure Backup lists LUNs and names only):
//!   the sizes of the VM's current disks of the same name, when it exists;
//! - a tier's expiry: the vault and archive tiers take the point's
//!   `expiryTime`, the snapshot tier the point's time plus the policy's
//!   instant-restore days (or `expiryTime` when it is the only tier);
//! - a deleted VM (protected, but gone from ARM): built from its newest
//!   recovery point (size, zone, disks, OS) in its vault's region, `exists: false`;
//! - `RA-GRS` vaults read as `GRS` (the storage configuration says
//!   `GeoRedundant` for both);
//! - facts that need APIs discovery does not call are left at the schema's
//!   default: a VM's `generalized` (instance view), `diagnosticSettings`
//!   (Azure Monitor), ADE's key kind and pass (the ADE extension), a
//!   disk's `shared` (the disk resource), a subscription's `features`.

mod backup;
mod compute;
mod estate;

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

use super::backup::Backup;
use super::error::ArmError;
use super::id::{SubscriptionId, VaultId};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Inventory;

/// What to read.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The subscriptions whose estate is read.
    pub subscriptions: Vec<SubscriptionId>,
    /// Only these vaults, when any are named (their subscriptions are read too).
    pub vaults: Vec<VaultId>,
    /// How far back recovery points are read.
    pub since: SignedDuration,
    /// The snapshot's time.
    pub now: Timestamp,
}

impl Scope {
    /// The subscriptions to read: those named, then those of the named vaults, once each.
    pub fn all_subscriptions(&self) -> Vec<SubscriptionId> {
        let mut seen = BTreeSet::new();
        self.subscriptions
            .iter()
            .cloned()
            .chain(
                self.vaults
                    .iter()
                    .map(|v| v.resource_group.subscription.clone()),
            )
            .filter(|s| seen.insert(s.as_str().to_ascii_lowercase()))
            .collect()
    }
}

/// Where discovery is, for a progress bar or plain lines.
pub trait Progress: Send + Sync {
    /// Adds `count` steps to the total.
    fn expect(&self, count: u64);
    /// One step is done; `what` says which.
    fn done(&self, what: &str);
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn expect(&self, _count: u64) {}
    fn done(&self, _what: &str) {}
}

/// The inventory read, and what could not be read.
#[derive(Debug)]
pub struct Discovery {
    /// The estate as Azure reports it.
    pub inventory: Inventory,
    /// Errors (part of the estate is missing) and warnings (a detail is at its default).
    pub problems: Vec<Diagnostic>,
}

impl Discovery {
    /// Whether part of the estate is missing.
    pub fn incomplete(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }
}

/// Collects what could not be read.
#[derive(Debug, Default)]
struct Problems(Vec<Diagnostic>);

impl Problems {
    /// A part of the estate is missing: an error, with Azure's words.
    fn missing(&mut self, what: &str, error: &ArmError) {
        let azure = error.to_diagnostic();
        self.0.push(
            Diagnostic::new(
                Code::EstateUnreadable,
                format!("cannot read {what}: {}", azure.message),
            )
            .with_help(
                azure
                    .help
                    .unwrap_or_else(|| Code::EstateUnreadable.info().fix.to_owned()),
            ),
        );
    }

    /// A detail is missing: a warning.
    fn detail(&mut self, what: &str, error: &ArmError) {
        self.0.push(
            Diagnostic::new(
                Code::EstateDetailMissing,
                format!("cannot read {what}; the inventory holds the schema's default: {error}"),
            )
            .with_help(Code::EstateDetailMissing.info().fix),
        );
    }
}

/// Reads the estate of `scope` through `backup`'s ARM client.
pub async fn discover(backup: &Backup, scope: &Scope, progress: &dyn Progress) -> Discovery {
    let mut problems = Problems::default();
    let mut inventory = Inventory::empty(scope.now);
    let subscriptions = scope.all_subscriptions();
    progress.expect(u64::try_from(subscriptions.len()).unwrap_or(u64::MAX));
    let mut pairs = Vec::new();
    let mut sizes = std::collections::HashMap::new();
    let mut os_by_vm = std::collections::HashMap::new();
    for subscription in &subscriptions {
        let read = estate::subscription(backup, subscription, &mut problems).await;
        progress.done(&format!("subscription {}", subscription.as_str()));
        let Some(read) = read else { continue };
        pairs.extend(read.pairs);
        inventory.subscriptions.push(read.subscription);
        inventory.virtual_networks.extend(read.networks);
        inventory.storage_accounts.extend(read.storage_accounts);
        inventory.resource_groups.extend(read.groups);
        inventory.quotas.extend(read.quotas);
        let machines = compute::machines(
            backup,
            read.machines,
            &read.sizes,
            &inventory.storage_accounts,
            &mut problems,
            progress,
        )
        .await;
        inventory.virtual_machines.extend(machines);
        sizes.extend(read.sizes);
        let vaults =
            backup::vaults(backup, subscription, scope, &pairs, &mut problems, progress).await;
        inventory.vaults.extend(vaults.vaults);
        os_by_vm.extend(vaults.os_by_vm);
    }
    compute::add_deleted_machines(&mut inventory, &os_by_vm, &sizes);
    backup::size_point_disks(&mut inventory);
    inventory.reindex();
    Discovery {
        inventory,
        problems: problems.0,
    }
}
