//! The resolved plan: every node with its pinned recovery point, resolved
//! target and estimate, the plan's recovery-time estimate against its
//! objectives, and a SHA-256 over the plan text, the inventory text and the
//! tool version. `plan --out` writes it; `apply` will execute exactly it.

use super::DryRun;
use super::estimate::{DurationModel, Schedule, simulate_with};
use crate::compile::RestoreGraph;
use crate::compile::dispatch::Dispatcher;
use crate::model::{Duration, Inventory, Plan, StepKind, TierKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The recovery point a node will restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinnedPoint {
    /// The recovery point id.
    pub id: String,
    /// When it was taken.
    pub time: Timestamp,
    /// The tier it is restored from.
    pub tier: String,
    /// Whether it is rehydrated from the archive first.
    pub rehydrate: bool,
}

/// One node of the resolved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedNode {
    /// The node id (`web[web-01]`, `analytics#deploy-template`).
    pub id: String,
    /// What the node does.
    pub kind: String,
    /// The source VM's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<String>,
    /// The source VM's ARM id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_id: Option<String>,
    /// The restore mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The source region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_region: Option<String>,
    /// The target region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_region: Option<String>,
    /// The pinned recovery point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_point: Option<PinnedPoint>,
    /// The estimated duration, in seconds.
    pub estimate_seconds: u64,
    /// The wave (longest dependency chain before it).
    pub wave: usize,
    /// The nodes it waits for.
    pub depends_on: Vec<String>,
}

/// The whole resolved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolved {
    /// The plan's name.
    pub plan: String,
    /// `sha256:` over the plan text, the inventory text and the tool version.
    pub hash: String,
    /// The restoreplan version that resolved it.
    pub tool_version: String,
    /// The plan file, as `plan` was given it: `apply <resolved.json>` reads
    /// the plan from there (and checks it still hashes to `hash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_file: Option<String>,
    /// The inventory file the plan was checked against, likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_file: Option<String>,
    /// The time the plan was checked for.
    pub at: Timestamp,
    /// The steps of the plan.
    pub steps: usize,
    /// The waves of the expanded graph.
    pub waves: usize,
    /// The estimated recovery time under the plan's parallelism, in seconds.
    pub estimate_seconds: u64,
    /// The recovery time objective, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rto_seconds: Option<u64>,
    /// The recovery point objective, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpo_seconds: Option<u64>,
    /// The oldest pinned recovery point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_recovery_point: Option<Timestamp>,
    /// The node ids of the critical path, first to last.
    pub critical_path: Vec<String>,
    /// Every node, in topological order.
    pub nodes: Vec<ResolvedNode>,
}

/// The SHA-256 that ties a resolved plan to exactly these inputs.
pub fn fingerprint(plan_text: &str, inventory_text: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [plan_text, inventory_text, env!("CARGO_PKG_VERSION")] {
        // Length-prefixed, so that moving text from one input to the other changes the hash.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

/// How long each node is estimated to take.
pub fn node_durations(
    plan: &Plan,
    graph: &RestoreGraph,
    inventory: &Inventory,
    chosen: &[Option<super::recovery_points::Chosen<'_>>],
) -> Vec<Duration> {
    let model = DurationModel::new(&plan.execution.estimates);
    (0..graph.node_count())
        .map(|index| {
            let node = graph.node(index);
            match (node.kind, &plan.steps[node.step_index].kind) {
                ("deploy-template", _) => model.deploy_template,
                ("reinstall-disk-encryption", _) => model.reinstall_disk_encryption,
                (_, StepKind::Restore(restore)) => {
                    let disk_gib = disk_size(node, inventory, chosen[index].as_ref());
                    let (tier, rehydrate) =
                        chosen[index].map_or((TierKind::Vault, false), |c| (c.tier, c.rehydrate));
                    model.restore(restore.mode, tier, disk_gib, rehydrate)
                }
                (_, StepKind::Run(_)) => model.run,
                (_, StepKind::Check(_)) => model.check,
                (_, StepKind::Approve(_)) => model.approve,
                (_, StepKind::Wait(duration)) => *duration,
            }
        })
        .collect()
}

/// The disks a restore moves: the recovery point's, else the VM's today.
fn disk_size(
    node: &crate::compile::Node,
    inventory: &Inventory,
    chosen: Option<&super::recovery_points::Chosen<'_>>,
) -> u64 {
    let from_point: u64 = chosen.map_or(0, |c| {
        c.point
            .disks
            .iter()
            .filter(|d| d.included)
            .filter_map(|d| d.size_gib)
            .sum()
    });
    if from_point > 0 {
        return from_point;
    }
    node.vm
        .as_ref()
        .and_then(|vm| inventory.vm_by_id(&vm.id))
        .map_or(0, |vm| vm.disks.iter().filter_map(|d| d.size_gib).sum())
}

/// The plan's schedule under its own `execution` limits.
pub fn schedule(plan: &Plan, graph: &RestoreGraph, durations: &[Duration]) -> Schedule {
    simulate_with(graph, durations, Dispatcher::for_plan(plan, graph))
}

/// Puts the resolved plan together.
pub fn resolve_plan(
    plan: &Plan,
    graph: &RestoreGraph,
    inventory: &Inventory,
    run: &DryRun<'_>,
    hash: String,
    at: Timestamp,
) -> Resolved {
    let (durations, schedule) = (&run.durations, &run.schedule);
    let nodes = graph
        .topological_order()
        .map(|index| {
            let node = graph.node(index);
            let source_vm = node.vm.as_ref().and_then(|vm| inventory.vm_by_id(&vm.id));
            let target_region = node
                .restore
                .as_ref()
                .filter(|r| r.mode.needs_target())
                .and_then(|r| r.target.as_ref())
                .and_then(|t| plan.targets.get(t))
                .map(|t| t.region.clone())
                .or_else(|| source_vm.map(|vm| vm.region.clone()));
            ResolvedNode {
                id: node.id.clone(),
                kind: node.kind.to_string(),
                vm: node.vm.as_ref().map(|vm| vm.name.clone()),
                vm_id: node.vm.as_ref().map(|vm| vm.id.clone()),
                mode: node.restore.as_ref().map(|r| r.mode.as_str().to_string()),
                source_region: source_vm.map(|vm| vm.region.clone()),
                target_region: node.vm.as_ref().and(target_region),
                recovery_point: run.chosen[index].map(|c| PinnedPoint {
                    id: c.point.id.clone(),
                    time: c.point.time,
                    tier: c.tier.as_str().to_string(),
                    rehydrate: c.rehydrate,
                }),
                estimate_seconds: durations[index].as_secs(),
                wave: graph.wave(index),
                depends_on: graph
                    .dependencies(index)
                    .into_iter()
                    .map(|d| graph.node(d).id.clone())
                    .collect(),
            }
        })
        .collect::<Vec<_>>();
    Resolved {
        plan: plan.metadata.name.clone(),
        hash,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        plan_file: None,
        inventory_file: None,
        at,
        steps: plan.steps.len(),
        waves: graph.wave_count(),
        estimate_seconds: schedule.total.as_secs(),
        rto_seconds: plan.objectives.rto.map(Duration::as_secs),
        rpo_seconds: plan.objectives.rpo.map(Duration::as_secs),
        oldest_recovery_point: nodes
            .iter()
            .filter_map(|n| n.recovery_point.as_ref().map(|p| p.time))
            .min(),
        critical_path: schedule
            .critical_path
            .iter()
            .map(|i| graph.node(*i).id.clone())
            .collect(),
        nodes,
    }
}
