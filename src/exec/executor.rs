//! The executor: starts every node whose dependencies are done, as soon as
//! they are, within the plan's limits ([`Dispatcher`]), records each
//! transition in the journal before acting on it, retries transient failures
//! with backoff, and resumes a run from its journal without sending any
//! restore twice.

use super::attempt::{NodeWork, run_node};
use super::failure::StepFailure;
use super::journal::{Event, JournalWriter};
use super::restorer::{Outputs, Restorer};
use super::state::{NodeState, RunState};
use super::surroundings::Surroundings;
use crate::check::resolved::{Resolved, ResolvedNode};
use crate::clock::SharedClock;
use crate::compile::RestoreGraph;
use crate::compile::dispatch::{Dispatcher, Ending, FailurePolicy, SkipReason};
use crate::diagnostic::Diagnostic;
use crate::model::{OnFailure, Plan};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;

/// Writes events to the journal, then tells the observer (progress, `--events json`).
pub struct Recorder {
    journal: Mutex<JournalWriter>,
    observer: Box<dyn Fn(&Event) + Send + Sync>,
}

impl Recorder {
    /// A recorder appending to `journal` and showing events to `observer`.
    pub fn new(journal: JournalWriter, observer: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        Recorder {
            journal: Mutex::new(journal),
            observer: Box::new(observer),
        }
    }

    /// Makes `event` durable; only then may the action it records go ahead.
    pub fn record(&self, event: Event) -> Result<(), Diagnostic> {
        self.journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .append(&event)?;
        (self.observer)(&event);
        Ok(())
    }
}

/// Everything a run needs.
pub struct Setup<R> {
    /// The plan.
    pub plan: Arc<Plan>,
    /// Its expanded graph.
    pub graph: Arc<RestoreGraph>,
    /// The resolved plan (pinned recovery points), as reviewed.
    pub resolved: Arc<Resolved>,
    /// What Azure does for restore nodes.
    pub restorer: Arc<R>,
    /// The run's id (its folder's name).
    pub run_id: String,
    /// The one clock.
    pub clock: SharedClock,
    /// The journal and the observer.
    pub recorder: Arc<Recorder>,
    /// The run folder (step logs, approvals).
    pub run_dir: PathBuf,
    /// The plan's folder (working directories of `run` steps).
    pub plan_dir: PathBuf,
    /// Gates approved in advance (`--approve`).
    pub pre_approved: BTreeSet<String>,
    /// The user and host that approve with `--approve`.
    pub approver: (String, String),
    /// What `run` and `check` steps reach.
    pub surroundings: Surroundings,
    /// Asks the operator at a terminal to approve a gate, if there is one.
    pub ask: Option<Asker>,
    /// How long an approval gate waits before it fails.
    pub approval_timeout: Option<std::time::Duration>,
}

/// Puts an `approve` gate's question to the operator and blocks until they
/// answer: `true` approves. Called on a thread of its own.
pub type Asker = Arc<dyn Fn(&str, &crate::model::Approve) -> bool + Send + Sync>;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every required node succeeded.
    Succeeded,
    /// A required node failed, or the run was aborted.
    Failed,
    /// Interrupted; resumable.
    Interrupted,
}

/// What happened to one node in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeResult {
    /// Done (now or in an earlier run of the same id).
    Succeeded(Outputs),
    /// Failed after its attempts.
    Failed(StepFailure),
    /// Not run.
    Skipped(String),
    /// Never reached (interrupted).
    NotRun,
}

/// The end of a run: its outcome and each node's result, by node id.
#[derive(Debug, Clone)]
pub struct Finished {
    /// How the run ended.
    pub outcome: Outcome,
    /// Each node's result.
    pub nodes: BTreeMap<String, NodeResult>,
}

fn policy_of(plan: &Plan, graph: &RestoreGraph, node: usize) -> (FailurePolicy, bool) {
    let step = &plan.steps[graph.node(node).step_index];
    if step.optional {
        return (FailurePolicy::Continue, true);
    }
    let policy = match step.on_failure.or(plan.execution.on_failure) {
        Some(OnFailure::SkipDependents) => FailurePolicy::SkipDependents,
        Some(OnFailure::Continue) => FailurePolicy::Continue,
        Some(OnFailure::Abort) | None => FailurePolicy::Abort,
    };
    (policy, false)
}

/// Runs (or resumes, given the journal's `state`) the plan to its end, or
/// until `interrupt` completes. Returns an error only when the journal can
/// no longer be written: nothing may happen that is not recorded.
pub async fn execute<R: Restorer>(
    setup: Setup<R>,
    state: &RunState,
    interrupt: impl Future<Output = ()>,
) -> Result<Finished, Diagnostic> {
    let Setup { plan, graph, .. } = &setup;
    let by_id: BTreeMap<&str, &ResolvedNode> = setup
        .resolved
        .nodes
        .iter()
        .map(|node| (node.id.as_str(), node))
        .collect();
    if state.run_id.is_none() {
        setup.recorder.record(Event::RunStarted {
            at: setup.clock.now(),
            run_id: setup.run_id.clone(),
            plan: setup.resolved.plan.clone(),
            plan_hash: setup.resolved.hash.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        })?;
    }
    let mut dispatcher = Dispatcher::for_plan(plan, graph);
    let mut results: BTreeMap<String, NodeResult> = BTreeMap::new();
    let outputs: Arc<Mutex<BTreeMap<String, Outputs>>> = Arc::default();
    let mut tasks: JoinSet<(usize, Result<Outputs, NodeError>)> = JoinSet::new();
    let mut attempts_before = vec![0u32; graph.node_count()];
    let mut resumed = Vec::new();
    for index in graph.topological_order() {
        let id = &graph.node(index).id;
        match state.node(id) {
            NodeState::Succeeded { outputs: known } => {
                dispatcher.already_succeeded(index);
                publish(&mut lock(&outputs), id, &known);
                results.insert(id.clone(), NodeResult::Succeeded(known));
            }
            NodeState::Submitted { attempt, .. } | NodeState::Started { attempt, .. } => {
                attempts_before[index] = attempt.saturating_sub(1);
                resumed.push((index, state.node(id)));
            }
            NodeState::Failed { attempt, .. } => attempts_before[index] = attempt,
            NodeState::Pending | NodeState::Skipped { .. } => {}
        }
    }
    let spawn = |tasks: &mut JoinSet<_>, index: usize, prior: NodeState, attempts_before: u32| {
        let Some(resolved) = by_id.get(graph.node(index).id.as_str()) else {
            return;
        };
        let step = &plan.steps[graph.node(index).step_index];
        let work = NodeWork {
            index,
            resolved: (*resolved).clone(),
            step: step.clone(),
            retry: step.retry.clone().or_else(|| plan.execution.retry.clone()),
            timeout: step.timeout.or(plan.execution.timeout),
            prior,
            attempts_before,
        };
        let context = super::attempt::Context {
            restorer: setup.restorer.clone(),
            clock: setup.clock.clone(),
            recorder: setup.recorder.clone(),
            outputs: outputs.clone(),
            run_dir: setup.run_dir.clone(),
            plan_dir: setup.plan_dir.clone(),
            pre_approved: setup.pre_approved.contains(&graph.node(index).id),
            already_approved: state.approvals.contains_key(&graph.node(index).id),
            approver: setup.approver.clone(),
            surroundings: setup.surroundings.clone(),
            ask: setup.ask.clone(),
            approval_timeout: setup.approval_timeout,
        };
        tasks.spawn(async move { (index, run_node(work, context).await) });
    };
    let mut in_flight: BTreeSet<usize> = BTreeSet::new();
    // Work that an earlier run left in flight goes first: it holds Azure jobs.
    for (index, prior) in resumed {
        dispatcher.resume_running(index);
        in_flight.insert(index);
        spawn(&mut tasks, index, prior, attempts_before[index]);
    }
    let mut failed_required = false;
    tokio::pin!(interrupt);
    loop {
        while let Some(index) = dispatcher.start_next() {
            in_flight.insert(index);
            spawn(
                &mut tasks,
                index,
                NodeState::Pending,
                attempts_before[index],
            );
        }
        if tasks.is_empty() {
            break;
        }
        let joined = tokio::select! {
            joined = tasks.join_next() => joined,
            () = &mut interrupt => {
                tasks.abort_all();
                let in_flight = in_flight.iter().map(|&n| graph.node(n).id.clone()).collect();
                setup.recorder.record(Event::RunInterrupted { at: setup.clock.now(), in_flight })?;
                for node in graph.nodes() {
                    results.entry(node.id.clone()).or_insert(NodeResult::NotRun);
                }
                return Ok(Finished { outcome: Outcome::Interrupted, nodes: results });
            }
        };
        let (index, result) = match joined {
            Some(Ok(done)) => done,
            // A panic in a step is a bug in restoreplan, not a step failure.
            Some(Err(error)) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Some(Err(_)) => continue,
            None => continue,
        };
        in_flight.remove(&index);
        let id = graph.node(index).id.clone();
        match result {
            Ok(done) => {
                setup.recorder.record(Event::StepSucceeded {
                    at: setup.clock.now(),
                    node: id.clone(),
                    outputs: done.clone(),
                })?;
                publish(&mut lock(&outputs), &id, &done);
                results.insert(id, NodeResult::Succeeded(done));
                dispatcher.finish(index, Ending::Succeeded);
            }
            Err(NodeError::Journal(diagnostic)) => return Err(diagnostic),
            Err(NodeError::Step(failure)) => {
                let (policy, optional) = policy_of(plan, graph, index);
                // `continue` runs the dependents, but a required step that
                // failed still fails the run.
                failed_required |= !optional;
                results.insert(id, NodeResult::Failed(failure));
                for (skipped, reason) in dispatcher.finish(index, Ending::Failed(policy)) {
                    skip(&setup, graph, &mut results, skipped, reason)?;
                }
            }
        }
    }
    for (skipped, reason) in dispatcher.abandoned() {
        skip(&setup, graph, &mut results, skipped, reason)?;
    }
    let outcome = if failed_required {
        Outcome::Failed
    } else {
        Outcome::Succeeded
    };
    setup.recorder.record(Event::RunFinished {
        at: setup.clock.now(),
        outcome: match outcome {
            Outcome::Succeeded => "succeeded",
            _ => "failed",
        }
        .to_string(),
    })?;
    Ok(Finished {
        outcome,
        nodes: results,
    })
}

/// Why a node's task ended without outputs.
#[derive(Debug)]
pub(super) enum NodeError {
    /// The step failed after its attempts.
    Step(StepFailure),
    /// The journal could not be written: the run must stop.
    Journal(Diagnostic),
}

/// Makes a node's outputs available to `${{ steps.… }}` references. The
/// phases of an expanded restore (`analytics#deploy-template`) also publish
/// under their step's id, later phases over earlier ones (they run in that
/// order, and resume replays them in it), so `steps.analytics.outputs.vmId`
/// names the VM the template created, not the source of the disks.
fn publish(outputs: &mut BTreeMap<String, Outputs>, node: &str, done: &Outputs) {
    outputs.insert(node.to_string(), done.clone());
    if let Some((step, _phase)) = node.split_once('#') {
        outputs
            .entry(step.to_string())
            .or_default()
            .extend(done.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn skip<R>(
    setup: &Setup<R>,
    graph: &RestoreGraph,
    results: &mut BTreeMap<String, NodeResult>,
    node: usize,
    reason: SkipReason,
) -> Result<(), Diagnostic> {
    let why = match reason {
        SkipReason::DependencyFailed { because_of } => {
            format!("`{}` failed or was skipped", graph.node(because_of).id)
        }
        SkipReason::Aborted => "the run was aborted after a failure".to_string(),
    };
    let id = graph.node(node).id.clone();
    setup.recorder.record(Event::StepSkipped {
        at: setup.clock.now(),
        node: id.clone(),
        reason: why.clone(),
    })?;
    results.insert(id, NodeResult::Skipped(why));
    Ok(())
}
