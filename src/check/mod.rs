//! The dry run: what an expanded plan would do against an estate, checked
//! before it runs. For each restore it finds the source VM's backups, pins
//! the recovery point (within the plan's consistency window and RPO), and
//! runs the rules of the catalogue of Azure restore limitations over the
//! facts. The recovery-time estimate plays the scheduler out on a virtual
//! clock.

mod beyond;
pub mod estimate;
pub mod facts;
pub mod plan_wide;
pub mod recovery_points;
pub mod resolved;
pub mod rules;

use crate::compile::RestoreGraph;
use crate::diagnostic::Diagnostic;
use crate::model::{Inventory, Plan, RecoveryPointSelector, StepKind};
use facts::RestoreFacts;
use jiff::{SignedDuration, Timestamp};
use recovery_points::{
    Chosen, Requirements, Unresolved, Window, candidates, consistent_set, resolve,
};

/// What the dry run found, and the recovery point it pinned for each node.
#[derive(Debug)]
pub struct DryRun<'a> {
    /// Findings, errors and warnings, unsorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The recovery point each node will use, by node index (`None` for
    /// nodes that restore nothing, or whose point could not be chosen).
    pub chosen: Vec<Option<Chosen<'a>>>,
    /// The estimated duration of each node, by node index.
    pub durations: Vec<crate::model::Duration>,
    /// The plan played out under its parallelism.
    pub schedule: estimate::Schedule,
}

/// The `rto-at-risk` warning, when the schedule outlasts the objective.
pub fn rto_at_risk(
    plan: &Plan,
    graph: &RestoreGraph,
    schedule: &estimate::Schedule,
) -> Option<Diagnostic> {
    let rto = plan.objectives.rto?;
    (schedule.total > rto).then(|| {
        let path: Vec<&str> = schedule.critical_path.iter().map(|i| graph.node(*i).id.as_str()).collect();
        rules::diagnostic(
            &beyond::RTO_AT_RISK,
            rules::Finding {
                message: format!(
                    "the plan is estimated to take {}, more than the RTO of {rto}; critical path: {} ({})",
                    schedule.total,
                    path.join(" → "),
                    schedule.critical_length
                ),
                pointer: "/objectives/rto".into(),
                label: format!("estimated {}", schedule.total),
            },
        )
    })
}

/// The `restore-outlasts-timeout` warning for each restore node whose
/// estimate is longer than the timeout it runs under.
fn outlasting_timeouts(
    plan: &Plan,
    graph: &RestoreGraph,
    durations: &[crate::model::Duration],
) -> Vec<Diagnostic> {
    (0..graph.node_count())
        .filter_map(|index| {
            let node = graph.node(index);
            node.restore.as_ref()?;
            let step = &plan.steps[node.step_index];
            let (timeout, pointer) = match (step.timeout, plan.execution.timeout) {
                (Some(own), _) => (own, format!("/steps/{}/timeout", node.step_index)),
                (None, Some(plan_wide)) => (plan_wide, "/execution/timeout".to_string()),
                (None, None) => return None,
            };
            let estimate = *durations.get(index)?;
            (estimate > timeout).then(|| {
                rules::diagnostic(
                    &beyond::OUTLASTS_TIMEOUT,
                    rules::Finding {
                        message: format!(
                            "`{}` is estimated to take {estimate}, longer than its timeout of {timeout}",
                            node.id
                        ),
                        pointer,
                        label: format!("`{}` needs about {estimate}", node.id),
                    },
                )
            })
        })
        .collect()
}

/// One restore node before its rules run.
struct Pending<'a> {
    node: usize,
    vault: &'a crate::model::InventoryVault,
    item: Option<&'a crate::model::ProtectedItem>,
    candidates: Vec<Chosen<'a>>,
    outcome: Result<Chosen<'a>, Unresolved>,
}

/// Checks an expanded plan against an inventory, as of `at`.
pub fn dry_run<'a>(
    plan: &'a Plan,
    graph: &'a RestoreGraph,
    inventory: &'a Inventory,
    at: Timestamp,
) -> DryRun<'a> {
    let mut diagnostics = Vec::new();
    let mut chosen: Vec<Option<Chosen<'a>>> = vec![None; graph.node_count()];
    let mut pending: Vec<Pending<'a>> = Vec::new();
    for index in 0..graph.node_count() {
        let node = graph.node(index);
        let (Some(source), Some(resolved), "restore") = (&node.vm, &node.restore, node.kind) else {
            continue;
        };
        let StepKind::Restore(restore) = &plan.steps[node.step_index].kind else {
            continue;
        };
        let Some(vault) = plan
            .vaults
            .get(&resolved.vault)
            .and_then(|v| inventory.vault_by_id(&v.id))
        else {
            continue; // expansion reported it
        };
        let item = inventory.protected_item_in(&vault.id, &source.id);
        let query = resolved.recovery_point.query().unwrap_or_else(|_| {
            // Compile refused selectors without a query (RP033); `latest` keeps the run going.
            RecoveryPointSelector::Named("latest".into())
                .query()
                .expect("invariant: `latest` is a query")
        });
        let needs = Requirements {
            tier: resolved.tier,
            cross_region: source.cross_region,
            allow_rehydration: restore.allow_rehydration,
        };
        let points = item.map_or(&[][..], |item| item.recovery_points.as_slice());
        pending.push(Pending {
            node: index,
            vault,
            item,
            candidates: candidates(points, &query, needs, at),
            outcome: resolve(points, &query, needs, at),
        });
    }
    apply_window(plan, graph, &mut pending, &mut diagnostics);
    for entry in &pending {
        let node = graph.node(entry.node);
        let (Some(source), Some(resolved)) = (&node.vm, &node.restore) else {
            continue;
        };
        let StepKind::Restore(restore) = &plan.steps[node.step_index].kind else {
            continue;
        };
        let Some(vm) = inventory.vm_by_id(&source.id) else {
            continue;
        };
        let target = resolved
            .target
            .as_ref()
            .and_then(|name| plan.targets.get(name));
        let facts = RestoreFacts {
            plan,
            inventory,
            node,
            restore,
            resolved,
            scenario: source,
            vm,
            vault: entry.vault,
            item: entry.item,
            chosen: entry.outcome.as_ref().ok().copied(),
            unresolved: entry.outcome.as_ref().err().cloned(),
            target,
            staging: target
                .and_then(|t| t.staging_storage_account.as_deref())
                .and_then(|id| inventory.storage_account_by_id(id)),
            at,
        };
        diagnostics.extend(beyond_findings(&facts));
        diagnostics.extend(rules::evaluate(&facts));
        chosen[entry.node] = facts.chosen;
    }
    diagnostics.extend(plan_wide::check(plan, graph, inventory));
    let durations = resolved::node_durations(plan, graph, inventory, &chosen);
    let schedule = resolved::schedule(plan, graph, &durations);
    diagnostics.extend(rto_at_risk(plan, graph, &schedule));
    diagnostics.extend(outlasting_timeouts(plan, graph, &durations));
    DryRun {
        diagnostics,
        chosen,
        durations,
        schedule,
    }
}

/// With `objectives.consistencyWindow`, replaces each node's point by the
/// newest set that lies within the window, or reports the VM that makes it
/// impossible.
fn apply_window<'a>(
    plan: &Plan,
    graph: &RestoreGraph,
    pending: &mut [Pending<'a>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(window) = plan.objectives.consistency_window else {
        return;
    };
    let window = SignedDuration::from_secs(i64::try_from(window.as_secs()).unwrap_or(i64::MAX));
    // Only VMs with a usable point take part: the others are reported on their own.
    let taking_part: Vec<usize> = (0..pending.len())
        .filter(|i| pending[*i].outcome.is_ok())
        .collect();
    let lists: Vec<Vec<Chosen<'a>>> = taking_part
        .iter()
        .map(|i| pending[*i].candidates.clone())
        .collect();
    match consistent_set(&lists, window) {
        Window::Found(set) => {
            for (i, point) in taking_part.iter().zip(set) {
                pending[*i].outcome = Ok(point);
            }
        }
        Window::Impossible { left_out } => {
            for position in left_out {
                let entry = &pending[taking_part[position]];
                let node = graph.node(entry.node);
                let name = node.vm.as_ref().map_or("?", |vm| vm.name.as_str());
                diagnostics.push(rules::diagnostic(
                    &beyond::WINDOW_IMPOSSIBLE,
                    rules::Finding {
                        message: format!(
                            "no recovery point of `{name}` lies within {} of the others' points",
                            crate::model::Duration::from_secs(window.as_secs().unsigned_abs())
                        ),
                        pointer: format!("/steps/{}/restore", node.step_index),
                        label: format!("`{name}` breaks the consistency window"),
                    },
                ));
            }
        }
    }
}

fn beyond_findings(facts: &RestoreFacts<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let point_field = facts.field("recoveryPoint");
    let mut push = |info, message: String, label: &str, pointer: String| {
        found.push(rules::diagnostic(
            info,
            rules::Finding {
                message,
                pointer,
                label: label.to_owned(),
            },
        ));
    };
    if facts.item.is_none() {
        push(
            &beyond::NOT_PROTECTED,
            format!(
                "{} has no backups in vault `{}`",
                facts.subject(),
                facts.resolved.vault
            ),
            "not protected by this vault",
            facts.field("vm"),
        );
        return found;
    }
    match &facts.unresolved {
        Some(Unresolved::NoPoints) => push(
            &beyond::NO_MATCHING_POINT,
            format!(
                "{} has no recovery points in vault `{}`",
                facts.subject(),
                facts.resolved.vault
            ),
            "no recovery points",
            point_field.clone(),
        ),
        Some(Unresolved::NoneMatches) => push(
            &beyond::NO_MATCHING_POINT,
            format!(
                "no recovery point of {} matches the selector",
                facts.subject()
            ),
            "matches no recovery point",
            point_field.clone(),
        ),
        Some(Unresolved::TierUnavailable { newest, needed })
            if facts.resolved.tier.is_some() && !facts.scenario.cross_region =>
        {
            push(
                &beyond::TIER_UNAVAILABLE,
                format!(
                    "no recovery point of {} has {needed} at {}; the newest that matches is {newest}",
                    facts.subject(),
                    facts.at
                ),
                "required tier unavailable",
                facts.field("tier"),
            )
        }
        _ => {}
    }
    if let (Some(chosen), Some(rpo)) = (facts.chosen, facts.plan.objectives.rpo) {
        let age = facts.at.duration_since(chosen.point.time);
        if age.as_secs() > i64::try_from(rpo.as_secs()).unwrap_or(i64::MAX) {
            push(
                &beyond::OLDER_THAN_RPO,
                format!(
                    "the recovery point the restore of {} will use ({}) is {} old at {}, more than the RPO of {rpo}",
                    facts.subject(),
                    chosen.point.time,
                    crate::model::Duration::from_secs(age.as_secs().unsigned_abs()),
                    facts.at
                ),
                "older than the RPO",
                point_field,
            );
        }
    }
    found
}
