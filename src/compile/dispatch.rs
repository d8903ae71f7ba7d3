//! The scheduling policy, in one place for the recovery-time estimate and
//! the executor: a node may start when everything it depends on is done,
//! earliest in topological order first, while the run's limits allow
//! (`maxParallel`, and per-pool limits such as one vault's or one
//! subscription's concurrent restores). A failure then decides, by the
//! step's `onFailure`, what becomes of the nodes that depend on it.
//!
//! It holds no clock and runs nothing: the caller asks which nodes may start
//! and says how each one ended.

use super::RestoreGraph;
use crate::model::Plan;
use std::collections::{BTreeMap, BTreeSet};

/// What a failed node does to the rest of the run (the plan's `onFailure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePolicy {
    /// Start nothing new; let running nodes finish; skip the rest.
    Abort,
    /// Skip the nodes that depend on the failed one, directly or not.
    SkipDependents,
    /// Treat the failure as done: the dependents run anyway.
    Continue,
}

/// How a node ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It did what it should.
    Succeeded,
    /// It failed after its retries, and this is what the failure does.
    Failed(FailurePolicy),
}

/// Why a node will not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A node it depends on failed (under `skip-dependents`) or was skipped.
    DependencyFailed {
        /// The node whose failure or skip caused this one.
        because_of: usize,
    },
    /// The run was aborted before the node could start.
    Aborted,
}

/// A named capacity that nodes share, such as the concurrent restores one vault allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    /// What the pool is, for messages (`vault rsv-prod`).
    pub name: String,
    /// How many of its nodes may run at once.
    pub capacity: usize,
}

/// Decides, as nodes end, which may start next.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    max_parallel: usize,
    /// Position in topological order: the earlier, the sooner a node starts.
    rank: Vec<usize>,
    dependents: Vec<Vec<usize>>,
    waiting: Vec<usize>,
    ready: BTreeSet<(usize, usize)>,
    pools: Vec<Pool>,
    in_pool: Vec<usize>,
    node_pools: Vec<Vec<usize>>,
    running: usize,
    aborted: bool,
    settled: Vec<bool>,
}

impl Dispatcher {
    /// A dispatcher for every node of `graph`, at most `max_parallel` at once.
    pub fn new(graph: &RestoreGraph, max_parallel: usize) -> Self {
        let count = graph.node_count();
        let mut rank = vec![0; count];
        for (position, node) in graph.topological_order().enumerate() {
            rank[node] = position;
        }
        let mut dependents = vec![Vec::new(); count];
        let mut waiting = Vec::with_capacity(count);
        for node in 0..count {
            let dependencies = graph.dependencies(node);
            waiting.push(dependencies.len());
            for dependency in dependencies {
                dependents[dependency].push(node);
            }
        }
        let ready = (0..count)
            .filter(|&node| waiting[node] == 0)
            .map(|node| (rank[node], node))
            .collect();
        Dispatcher {
            max_parallel: max_parallel.max(1),
            rank,
            dependents,
            waiting,
            ready,
            pools: Vec::new(),
            in_pool: Vec::new(),
            node_pools: vec![Vec::new(); count],
            running: 0,
            aborted: false,
            settled: vec![false; count],
        }
    }

    /// The dispatcher a plan's `execution` settings ask for: `maxParallel`
    /// (10 when unset, as the schema says), and a pool per vault and per
    /// subscription for the restore nodes when the per-vault and
    /// per-subscription limits are set.
    pub fn for_plan(plan: &Plan, graph: &RestoreGraph) -> Self {
        let execution = &plan.execution;
        let mut dispatcher = Dispatcher::new(graph, execution.max_parallel.unwrap_or(10) as usize);
        let restores = || {
            (0..graph.node_count())
                .filter_map(|node| graph.node(node).restore.as_ref().map(|r| (node, r)))
        };
        if let Some(capacity) = execution.max_parallel_per_vault {
            let mut by_vault: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (node, restore) in restores() {
                by_vault
                    .entry(restore.vault.as_str())
                    .or_default()
                    .push(node);
            }
            for (vault, members) in by_vault {
                dispatcher = dispatcher.with_pool(
                    Pool {
                        name: format!("vault {vault}"),
                        capacity: capacity as usize,
                    },
                    members,
                );
            }
        }
        if let Some(capacity) = execution.max_parallel_per_subscription {
            let mut by_subscription: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (node, restore) in restores() {
                let subscription = plan
                    .vaults
                    .get(&restore.vault)
                    .and_then(|vault| subscription_of(&vault.id))
                    .unwrap_or_default();
                by_subscription.entry(subscription).or_default().push(node);
            }
            for (subscription, members) in by_subscription {
                dispatcher = dispatcher.with_pool(
                    Pool {
                        name: format!("subscription {subscription}"),
                        capacity: capacity as usize,
                    },
                    members,
                );
            }
        }
        dispatcher
    }

    /// Adds a pool of limited capacity that `members` share.
    pub fn with_pool(mut self, pool: Pool, members: impl IntoIterator<Item = usize>) -> Self {
        let id = self.pools.len();
        self.pools.push(Pool {
            capacity: pool.capacity.max(1),
            ..pool
        });
        self.in_pool.push(0);
        for node in members {
            if let Some(pools) = self.node_pools.get_mut(node) {
                pools.push(id);
            }
        }
        self
    }

    fn fits(&self, node: usize) -> bool {
        self.node_pools[node]
            .iter()
            .all(|&pool| self.in_pool[pool] < self.pools[pool].capacity)
    }

    /// The next node that may start now, marked as running; `None` when the
    /// limits are full, nothing is ready, or the run was aborted.
    pub fn start_next(&mut self) -> Option<usize> {
        if self.aborted || self.running >= self.max_parallel {
            return None;
        }
        let &(rank, node) = self.ready.iter().find(|&&(_, node)| self.fits(node))?;
        self.ready.remove(&(rank, node));
        self.occupy(node);
        Some(node)
    }

    /// Marks a node as running without it being chosen, for a resumed run
    /// re-attaching to work that was already submitted.
    pub fn resume_running(&mut self, node: usize) {
        if self.ready.remove(&(self.rank[node], node)) {
            self.occupy(node);
        }
    }

    fn occupy(&mut self, node: usize) {
        self.running += 1;
        for &pool in &self.node_pools[node] {
            self.in_pool[pool] += 1;
        }
    }

    /// Records that a running node ended; returns the nodes that will now
    /// never run, with why (empty unless the failure skips or aborts).
    pub fn finish(&mut self, node: usize, ending: Ending) -> Vec<(usize, SkipReason)> {
        self.running = self.running.saturating_sub(1);
        for &pool in &self.node_pools[node] {
            self.in_pool[pool] = self.in_pool[pool].saturating_sub(1);
        }
        self.settled[node] = true;
        match ending {
            Ending::Succeeded | Ending::Failed(FailurePolicy::Continue) => {
                self.release_dependents(node);
                Vec::new()
            }
            Ending::Failed(FailurePolicy::SkipDependents) => self.skip_dependents_of(node),
            Ending::Failed(FailurePolicy::Abort) => {
                self.aborted = true;
                Vec::new()
            }
        }
    }

    /// Records a node that finished in an earlier run (resume) as if it had
    /// just succeeded here.
    pub fn already_succeeded(&mut self, node: usize) {
        self.ready.remove(&(self.rank[node], node));
        if !self.settled[node] {
            self.settled[node] = true;
            self.release_dependents(node);
        }
    }

    fn release_dependents(&mut self, node: usize) {
        for index in 0..self.dependents[node].len() {
            let dependent = self.dependents[node][index];
            self.waiting[dependent] = self.waiting[dependent].saturating_sub(1);
            if self.waiting[dependent] == 0 && !self.settled[dependent] {
                self.ready.insert((self.rank[dependent], dependent));
            }
        }
    }

    fn skip_dependents_of(&mut self, failed: usize) -> Vec<(usize, SkipReason)> {
        let mut skipped = Vec::new();
        let mut stack = vec![failed];
        while let Some(node) = stack.pop() {
            for index in 0..self.dependents[node].len() {
                let dependent = self.dependents[node][index];
                if self.settled[dependent] {
                    continue;
                }
                self.settled[dependent] = true;
                self.ready.remove(&(self.rank[dependent], dependent));
                skipped.push((dependent, SkipReason::DependencyFailed { because_of: node }));
                stack.push(dependent);
            }
        }
        skipped.sort_unstable_by_key(|&(node, _)| self.rank[node]);
        skipped
    }

    /// How many nodes are running.
    pub fn running(&self) -> usize {
        self.running
    }

    /// Whether nothing is running and nothing more can start.
    pub fn is_idle(&self) -> bool {
        self.running == 0 && (self.aborted || self.ready.is_empty())
    }

    /// After an abort, the nodes that never started, in topological order.
    pub fn abandoned(&mut self) -> Vec<(usize, SkipReason)> {
        if !self.aborted || self.running > 0 {
            return Vec::new();
        }
        let mut left: Vec<usize> = (0..self.settled.len())
            .filter(|&node| !self.settled[node])
            .collect();
        left.sort_unstable_by_key(|&node| self.rank[node]);
        for &node in &left {
            self.settled[node] = true;
        }
        self.ready.clear();
        left.into_iter()
            .map(|node| (node, SkipReason::Aborted))
            .collect()
    }
}

/// The subscription of an ARM resource id, lower-cased as ARM compares it.
fn subscription_of(id: &str) -> Option<String> {
    let mut segments = id.split('/').filter(|s| !s.is_empty());
    while let Some(segment) = segments.next() {
        if segment.eq_ignore_ascii_case("subscriptions") {
            return segments.next().map(str::to_ascii_lowercase);
        }
    }
    None
}
