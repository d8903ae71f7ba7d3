//! A run's state rebuilt from its journal: what `apply --resume` knows of
//! each node before it schedules anything.

use super::journal::Event;
use crate::diagnostic::Code;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// Where one node stands, as far as the journal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeState {
    /// Not started.
    Pending,
    /// Started, but no submission to Azure was recorded: the request may or
    /// may not have reached Azure, so resuming must ask Azure before sending it again.
    Started {
        /// The attempt that was started.
        attempt: u32,
        /// When it started (the lower bound for Azure's job search).
        since: Timestamp,
    },
    /// Submitted to Azure: resuming re-attaches to the job.
    Submitted {
        /// The attempt that was submitted.
        attempt: u32,
        /// The Azure backup job id, if it was known.
        job_id: Option<String>,
        /// The long-running operation's status URL, if there was one.
        operation_url: Option<String>,
    },
    /// Done, with its outputs.
    Succeeded {
        /// Outputs by name.
        outputs: BTreeMap<String, String>,
    },
    /// The last attempt failed.
    Failed {
        /// The attempt that failed.
        attempt: u32,
        /// Whether another attempt may succeed.
        transient: bool,
    },
    /// Not run, and why.
    Skipped {
        /// The recorded reason.
        reason: String,
    },
}

/// An approval recorded in the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Who approved.
    pub user: String,
    /// From which machine.
    pub host: String,
    /// When.
    pub at: Timestamp,
}

/// The state of a run as its journal records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunState {
    /// The run id, from its `run-started` event.
    pub run_id: Option<String>,
    /// The plan hash the run was started with.
    pub plan_hash: Option<String>,
    /// Each node that the journal mentions (absent nodes are pending).
    pub nodes: BTreeMap<String, NodeState>,
    /// The approvals given, by gate.
    pub approvals: BTreeMap<String, Approval>,
    /// Whether the run recorded its end.
    pub finished: bool,
}

impl RunState {
    /// Folds the events, in order, into the state they leave behind.
    pub fn replay(events: &[Event]) -> Self {
        let mut state = RunState::default();
        for event in events {
            state.apply(event);
        }
        state
    }

    /// The state of one node.
    pub fn node(&self, id: &str) -> NodeState {
        self.nodes.get(id).cloned().unwrap_or(NodeState::Pending)
    }

    fn apply(&mut self, event: &Event) {
        match event {
            Event::RunStarted {
                run_id, plan_hash, ..
            } => {
                self.run_id = Some(run_id.clone());
                self.plan_hash = Some(plan_hash.clone());
            }
            Event::StepStarted { at, node, attempt } => {
                self.set(
                    node,
                    NodeState::Started {
                        attempt: *attempt,
                        since: *at,
                    },
                );
            }
            Event::StepSubmitted {
                node,
                attempt,
                job_id,
                operation_url,
                ..
            } => self.set(
                node,
                NodeState::Submitted {
                    attempt: *attempt,
                    job_id: job_id.clone(),
                    operation_url: operation_url.clone(),
                },
            ),
            Event::StepSucceeded { node, outputs, .. } => self.set(
                node,
                NodeState::Succeeded {
                    outputs: outputs.clone(),
                },
            ),
            Event::StepFailed {
                node,
                attempt,
                transient,
                code,
                ..
            } => {
                // A request whose answer was lost may have started an Azure
                // job: resuming asks Azure, as for a start with nothing recorded.
                let outcome_unknown = code == Code::ArmOutcomeUnknown.id()
                    && matches!(self.node(node), NodeState::Started { attempt: a, .. } if a == *attempt);
                if !outcome_unknown {
                    self.set(
                        node,
                        NodeState::Failed {
                            attempt: *attempt,
                            transient: *transient,
                        },
                    );
                }
            }
            Event::StepSkipped { node, reason, .. } => self.set(
                node,
                NodeState::Skipped {
                    reason: reason.clone(),
                },
            ),
            Event::ApprovalGiven {
                at,
                node,
                user,
                host,
            } => {
                self.approvals.insert(
                    node.clone(),
                    Approval {
                        user: user.clone(),
                        host: host.clone(),
                        at: *at,
                    },
                );
            }
            // An interruption changes no node: what was in flight stays
            // started or submitted, and is resolved on resume.
            Event::RunInterrupted { .. } => {}
            Event::RunFinished { .. } => self.finished = true,
        }
    }

    fn set(&mut self, node: &str, state: NodeState) {
        self.nodes.insert(node.to_string(), state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("a time")
    }

    fn failed(code: &str) -> Event {
        Event::StepFailed {
            at: at("2026-11-26T06:00:05Z"),
            node: "db".into(),
            attempt: 1,
            code: code.into(),
            message: "m".into(),
            transient: true,
        }
    }

    #[test]
    fn a_restore_whose_answer_was_lost_resumes_by_asking_azure_and_other_failures_stay_failed() {
        let started = Event::StepStarted {
            at: at("2026-11-26T06:00:00Z"),
            node: "db".into(),
            attempt: 1,
        };
        let lost = RunState::replay(&[started.clone(), failed("EX007")]);
        assert_eq!(
            lost.node("db"),
            NodeState::Started {
                attempt: 1,
                since: at("2026-11-26T06:00:00Z")
            }
        );
        let throttled = RunState::replay(&[started, failed("EX005")]);
        assert_eq!(
            throttled.node("db"),
            NodeState::Failed {
                attempt: 1,
                transient: true
            }
        );
    }
}
