//! The recovery-time estimate: how long each node takes (from its kind, its
//! recovery point's tier and the VM's disk size, with defaults the plan can
//! override under `execution.estimates`), and how long the whole plan takes
//! when the scheduler's policy is played out on a virtual clock: start every
//! node whose dependencies are done, in topological order, at most
//! `maxParallel` at once. Never sleeps; nothing here reads the wall clock.

use crate::compile::RestoreGraph;
use crate::compile::dispatch::{Dispatcher, Ending};
use crate::model::{Duration, Estimates, RestoreMode, TierKind};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The default durations, documented in the schema's `estimates`.
mod defaults {
    use crate::model::Duration;
    pub const SNAPSHOT_RESTORE: Duration = Duration::from_secs(20 * 60);
    pub const VAULT_RESTORE: Duration = Duration::from_secs(45 * 60);
    pub const VAULT_TRANSFER_PER_TIB: Duration = Duration::from_secs(2 * 3600);
    pub const REHYDRATION: Duration = Duration::from_secs(15 * 3600);
    pub const DEPLOY_TEMPLATE: Duration = Duration::from_secs(10 * 60);
    pub const REINSTALL_DISK_ENCRYPTION: Duration = Duration::from_secs(15 * 60);
    pub const FILE_RECOVERY: Duration = Duration::from_secs(10 * 60);
    pub const RUN: Duration = Duration::from_secs(2 * 60);
    pub const CHECK: Duration = Duration::from_secs(5 * 60);
    pub const APPROVE: Duration = Duration::from_secs(15 * 60);
}

/// The durations in effect for one plan: its own `estimates`, else the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationModel {
    snapshot_restore: Duration,
    vault_restore: Duration,
    vault_transfer_per_tib: Duration,
    rehydration: Duration,
    /// Deploying a restore template.
    pub deploy_template: Duration,
    /// Reinstalling the disk-encryption extension.
    pub reinstall_disk_encryption: Duration,
    file_recovery: Duration,
    /// A `run` step.
    pub run: Duration,
    /// A `check` step.
    pub check: Duration,
    /// An `approve` step.
    pub approve: Duration,
}

impl DurationModel {
    /// The plan's estimates over the defaults.
    pub fn new(plan: &Estimates) -> Self {
        DurationModel {
            snapshot_restore: plan.snapshot_restore.unwrap_or(defaults::SNAPSHOT_RESTORE),
            vault_restore: plan.vault_restore.unwrap_or(defaults::VAULT_RESTORE),
            vault_transfer_per_tib: plan
                .vault_transfer_per_tib
                .unwrap_or(defaults::VAULT_TRANSFER_PER_TIB),
            rehydration: plan.rehydration.unwrap_or(defaults::REHYDRATION),
            deploy_template: plan.deploy_template.unwrap_or(defaults::DEPLOY_TEMPLATE),
            reinstall_disk_encryption: plan
                .reinstall_disk_encryption
                .unwrap_or(defaults::REINSTALL_DISK_ENCRYPTION),
            file_recovery: plan.file_recovery.unwrap_or(defaults::FILE_RECOVERY),
            run: plan.run.unwrap_or(defaults::RUN),
            check: plan.check.unwrap_or(defaults::CHECK),
            approve: plan.approve.unwrap_or(defaults::APPROVE),
        }
    }

    /// A restore's duration: a snapshot restore takes its fixed time; a
    /// vault restore adds the transfer of the VM's disks; an archive-only
    /// point is rehydrated first. File recovery only mounts the point.
    pub fn restore(
        &self,
        mode: RestoreMode,
        tier: TierKind,
        disk_gib: u64,
        rehydrate: bool,
    ) -> Duration {
        if mode == RestoreMode::Files {
            return self.file_recovery;
        }
        let transfer = || {
            let per_tib = self.vault_transfer_per_tib.as_secs();
            // Rounded up: a partial TiB still takes its share of the hour.
            Duration::from_secs(
                (u128::from(per_tib) * u128::from(disk_gib))
                    .div_ceil(1024)
                    .min(u128::from(u64::MAX)) as u64,
            )
        };
        let add =
            |a: Duration, b: Duration| Duration::from_secs(a.as_secs().saturating_add(b.as_secs()));
        let from_vault = add(self.vault_restore, transfer());
        match tier {
            TierKind::Snapshot => self.snapshot_restore,
            TierKind::Vault if !rehydrate => from_vault,
            TierKind::Vault | TierKind::Archive => add(self.rehydration, from_vault),
        }
    }
}

/// When each node starts and ends under the scheduler's policy, and the
/// plan's critical path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// When the last node ends.
    pub total: Duration,
    /// When each node starts, by node index.
    pub start: Vec<Duration>,
    /// When each node ends, by node index.
    pub finish: Vec<Duration>,
    /// The longest chain of dependent nodes, first to last.
    pub critical_path: Vec<usize>,
    /// The length of that chain: what the plan takes with unlimited parallelism.
    pub critical_length: Duration,
}

/// Plays the scheduler's policy out on a virtual clock.
pub fn simulate(graph: &RestoreGraph, durations: &[Duration], max_parallel: usize) -> Schedule {
    simulate_with(graph, durations, Dispatcher::new(graph, max_parallel))
}

/// Plays a dispatcher's policy out on a virtual clock: every node takes its
/// duration and succeeds.
pub fn simulate_with(
    graph: &RestoreGraph,
    durations: &[Duration],
    mut dispatcher: Dispatcher,
) -> Schedule {
    let count = graph.node_count();
    let order: Vec<usize> = graph.topological_order().collect();
    let mut running: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
    let (mut start, mut finish) = (vec![0u64; count], vec![0u64; count]);
    let mut now = 0u64;
    loop {
        while let Some(node) = dispatcher.start_next() {
            start[node] = now;
            running.push(Reverse((
                now.saturating_add(durations[node].as_secs()),
                node,
            )));
        }
        let Some(Reverse((time, _))) = running.peek().copied() else {
            break;
        };
        now = time;
        // Everything that ends at this instant frees its dependents before anything new starts.
        while let Some(Reverse((end, node))) = running.peek().copied() {
            if end != now {
                break;
            }
            running.pop();
            finish[node] = end;
            dispatcher.finish(node, Ending::Succeeded);
        }
    }
    let (critical_length, critical_path) = critical_path(graph, durations, &order);
    Schedule {
        total: Duration::from_secs(finish.iter().copied().max().unwrap_or(0)),
        start: start.into_iter().map(Duration::from_secs).collect(),
        finish: finish.into_iter().map(Duration::from_secs).collect(),
        critical_path,
        critical_length,
    }
}

/// The longest chain by duration (ties to the lowest node index).
fn critical_path(
    graph: &RestoreGraph,
    durations: &[Duration],
    order: &[usize],
) -> (Duration, Vec<usize>) {
    let count = graph.node_count();
    let mut ends = vec![0u64; count];
    let mut before: Vec<Option<usize>> = vec![None; count];
    for &node in order {
        let latest = graph
            .dependencies(node)
            .into_iter()
            .fold(None, |best: Option<usize>, d| match best {
                Some(b) if ends[b] >= ends[d] => Some(b),
                _ => Some(d),
            });
        before[node] = latest;
        ends[node] = latest
            .map_or(0, |d| ends[d])
            .saturating_add(durations[node].as_secs());
    }
    let Some(last) = (0..count).fold(None, |best: Option<usize>, n| match best {
        Some(b) if ends[b] >= ends[n] => Some(b),
        _ => Some(n),
    }) else {
        return (Duration::from_secs(0), Vec::new());
    };
    let mut path = vec![last];
    while let Some(previous) = before[*path.last().expect("non-empty")] {
        path.push(previous);
    }
    path.reverse();
    (Duration::from_secs(ends[last]), path)
}
