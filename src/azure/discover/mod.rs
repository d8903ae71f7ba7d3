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
//!   default: a VM's `diagnosticSettings`
//!   (Azure Monitor), ADE's key kind and pass (the ADE extension), a
//!   disk's `shared` (the disk resource), a subscription's `features`.

mod backup;
mod compute;
mod estate;
mod points;

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

/// How many reads discovery keeps in flight: enough to hide ARM's latency,
/// few enough that the client's per-subscription budget sets the pace.
const PARALLEL_READS: usize = 8;

/// Runs `read` on every item with at most [`PARALLEL_READS`] in flight;
/// the results come back in the items' order.
async fn in_parallel<T, R, F, Fut>(items: Vec<T>, read: F) -> Vec<R>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R> + Send + 'static,
    R: Send + 'static,
{
    let mut results: Vec<Option<R>> = Vec::new();
    results.resize_with(items.len(), || None);
    let mut running = tokio::task::JoinSet::new();
    let mut keep = |joined: Result<(usize, R), tokio::task::JoinError>| match joined {
        Ok((index, result)) => {
            if let Some(slot) = results.get_mut(index) {
                *slot = Some(result);
            }
        }
        // A read that panicked is a bug; it goes on here rather than vanish.
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => {}
    };
    for (index, item) in items.into_iter().enumerate() {
        if running.len() >= PARALLEL_READS
            && let Some(joined) = running.join_next().await
        {
            keep(joined);
        }
        let future = read(item);
        running.spawn(async move { (index, future.await) });
    }
    while let Some(joined) = running.join_next().await {
        keep(joined);
    }
    results.into_iter().flatten().collect()
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
        inventory
            .virtual_machines
            .extend(machines.into_iter().map(|mut vm| {
                vm.generalized = read.generalized.contains(&vm.id.to_ascii_lowercase());
                vm
            }));
        sizes.extend(read.sizes);
        let vaults =
            backup::vaults(backup, subscription, scope, &pairs, &mut problems, progress).await;
        inventory.vaults.extend(vaults.vaults);
        os_by_vm.extend(vaults.os_by_vm);
    }
    compute::add_deleted_machines(&mut inventory, &os_by_vm, &sizes);
    points::size_point_disks(&mut inventory);
    inventory.reindex();
    Discovery {
        inventory,
        problems: problems.0,
    }
}

#[cfg(test)]
mod tests {
    use super::{PARALLEL_READS, in_parallel};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn parallel_reads_keep_the_items_order_and_their_bound() {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let items: Vec<u64> = (0..40).collect();
        let results = in_parallel(items, |n| {
            let (running, most) = (running.clone(), most.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Later items finish first, so order comes from the indexes.
                tokio::time::sleep(std::time::Duration::from_millis(40 - n)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                n * 2
            }
        })
        .await;
        assert_eq!(results, (0..40).map(|n| n * 2).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(most <= PARALLEL_READS && most > 1, "{most} at once");
    }
}
