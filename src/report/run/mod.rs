//! The run report: what a run did, step by step, read back from its journal
//! and set against the plan's objectives (the recovery time achieved against
//! the RTO, each recovery point's age against the RPO). Written as
//! `report.json` (the documented shape), `report.md` (for a pull request or a
//! ticket) and `report.html` (one self-contained page with a timeline).

mod html;
mod markdown;

pub use html::html;
pub use markdown::markdown;

use crate::check::resolved::Resolved;
use crate::exec::journal::Event;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a step ended in the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// Done.
    Succeeded,
    /// Failed after its attempts.
    Failed,
    /// Not run, because of a failure.
    Skipped,
    /// Started but not finished (the run was interrupted or crashed).
    InFlight,
    /// Never started.
    NotRun,
}

impl StepStatus {
    /// The status as `report.json` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Succeeded => "succeeded",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
            StepStatus::InFlight => "in-flight",
            StepStatus::NotRun => "not-run",
        }
    }
}

/// Why a step failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepFailureReport {
    /// The code (`EX0xx` or Azure's).
    pub code: String,
    /// The message.
    pub message: String,
}

/// One step (node) of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// The node id.
    pub id: String,
    /// The step kind (`restore`, `run`, …).
    pub kind: String,
    /// The source VM, for restores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<String>,
    /// How it ended.
    pub status: StepStatus,
    /// When its first attempt started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
    /// When it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<Timestamp>,
    /// Attempts made.
    pub attempts: u32,
    /// The Azure job id, for restores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// The outputs it produced.
    pub outputs: BTreeMap<String, String>,
    /// The last failure, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<StepFailureReport>,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_because: Option<String>,
    /// The restored recovery point's time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_point_time: Option<Timestamp>,
    /// How old that point was when the run started, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_point_age_seconds: Option<i64>,
    /// Whether that age is within the RPO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_rpo: Option<bool>,
    /// Whether the step is on the plan's estimated critical path.
    pub critical: bool,
}

/// A whole run, as `report.json` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    /// The run id.
    pub run_id: String,
    /// The plan's name.
    pub plan: String,
    /// The hash of the plan and inventory the run executed.
    pub plan_hash: String,
    /// `succeeded`, `failed`, `interrupted`, or `running` when it has not ended.
    pub outcome: String,
    /// When the run started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
    /// When it ended (or was interrupted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<Timestamp>,
    /// The recovery time achieved, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_seconds: Option<i64>,
    /// The recovery time objective, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rto_seconds: Option<u64>,
    /// Whether the recovery time met the RTO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rto_met: Option<bool>,
    /// The recovery point objective, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpo_seconds: Option<u64>,
    /// The estimate the plan made, in seconds.
    pub estimate_seconds: u64,
    /// Steps by outcome.
    pub counts: BTreeMap<String, usize>,
    /// Every step, in the plan's topological order.
    pub steps: Vec<StepReport>,
}

impl RunReport {
    /// Reads a run's journal against the resolved plan it executed.
    pub fn build(resolved: &Resolved, events: &[Event]) -> Self {
        let mut report = RunReport {
            run_id: String::new(),
            plan: resolved.plan.clone(),
            plan_hash: resolved.hash.clone(),
            outcome: "running".into(),
            started: None,
            finished: None,
            recovery_seconds: None,
            rto_seconds: resolved.rto_seconds,
            rto_met: None,
            rpo_seconds: resolved.rpo_seconds,
            estimate_seconds: resolved.estimate_seconds,
            counts: BTreeMap::new(),
            steps: resolved
                .nodes
                .iter()
                .map(|node| StepReport {
                    id: node.id.clone(),
                    kind: node.kind.to_string(),
                    vm: node.vm.clone(),
                    status: StepStatus::NotRun,
                    started: None,
                    finished: None,
                    attempts: 0,
                    job_id: None,
                    outputs: BTreeMap::new(),
                    failure: None,
                    skipped_because: None,
                    recovery_point_time: node.recovery_point.as_ref().map(|p| p.time),
                    recovery_point_age_seconds: None,
                    within_rpo: None,
                    critical: resolved.critical_path.contains(&node.id),
                })
                .collect(),
        };
        let index: BTreeMap<String, usize> = report
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| (step.id.clone(), i))
            .collect();
        for event in events {
            report.apply(event, &index);
        }
        report.settle();
        report
    }

    fn apply(&mut self, event: &Event, index: &BTreeMap<String, usize>) {
        let step = |node: &str| index.get(node).copied();
        match event {
            Event::RunStarted {
                at,
                run_id,
                plan_hash,
                ..
            } => {
                self.run_id = run_id.clone();
                self.plan_hash = plan_hash.clone();
                self.started.get_or_insert(*at);
            }
            Event::StepStarted { at, node, attempt } => {
                if let Some(i) = step(node) {
                    let s = &mut self.steps[i];
                    s.started.get_or_insert(*at);
                    s.attempts = s.attempts.max(*attempt);
                    s.status = StepStatus::InFlight;
                    s.finished = None;
                }
            }
            Event::StepSubmitted { node, job_id, .. } => {
                if let (Some(i), Some(job)) = (step(node), job_id) {
                    self.steps[i].job_id = Some(job.clone());
                }
            }
            Event::StepSucceeded { at, node, outputs } => {
                if let Some(i) = step(node) {
                    let s = &mut self.steps[i];
                    s.status = StepStatus::Succeeded;
                    s.finished = Some(*at);
                    s.started.get_or_insert(*at);
                    s.outputs = outputs.clone();
                    s.failure = None;
                }
            }
            Event::StepFailed {
                at,
                node,
                code,
                message,
                ..
            } => {
                if let Some(i) = step(node) {
                    let s = &mut self.steps[i];
                    s.status = StepStatus::Failed;
                    s.finished = Some(*at);
                    s.failure = Some(StepFailureReport {
                        code: code.clone(),
                        message: message.clone(),
                    });
                }
            }
            Event::StepSkipped { node, reason, .. } => {
                if let Some(i) = step(node) {
                    self.steps[i].status = StepStatus::Skipped;
                    self.steps[i].skipped_because = Some(reason.clone());
                }
            }
            Event::ApprovalGiven { .. } => {}
            Event::RunInterrupted { at, .. } => {
                self.outcome = "interrupted".into();
                self.finished = Some(*at);
            }
            Event::RunFinished { at, outcome } => {
                self.outcome = outcome.clone();
                self.finished = Some(*at);
            }
        }
    }

    /// Derives the figures that depend on the whole run.
    fn settle(&mut self) {
        if let (Some(start), Some(end)) = (self.started, self.finished) {
            let seconds = end.duration_since(start).as_secs();
            self.recovery_seconds = Some(seconds);
            self.rto_met = self.rto_seconds.map(|rto| seconds <= rto as i64);
        }
        for step in &mut self.steps {
            if let (Some(point), Some(start)) = (step.recovery_point_time, self.started) {
                let age = start.duration_since(point).as_secs();
                step.recovery_point_age_seconds = Some(age);
                step.within_rpo = self.rpo_seconds.map(|rpo| age <= rpo as i64);
            }
            *self
                .counts
                .entry(step.status.as_str().to_string())
                .or_default() += 1;
        }
    }

    /// The report as pretty JSON (`report.json`).
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// `1h 02m 03s` for a number of seconds.
pub fn human_seconds(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sign}{sec}s"),
        (0, min, sec) => format!("{sign}{min}m {sec:02}s"),
        (h, min, sec) => format!("{sign}{h}h {min:02}m {sec:02}s"),
    }
}
