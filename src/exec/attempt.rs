//! One node's life in a run: its attempts, each recorded before it starts,
//! with the step's timeout, and retried with exponential backoff while the
//! failure is transient. A restore is never sent twice for one attempt: once
//! submitted it is only followed, and after a crash without a recorded
//! submission Azure is asked whether the request went through.

use super::executor::{NodeError, Recorder, lock};
use super::failure::StepFailure;
use super::journal::Event;
use super::restorer::{Outputs, Restorer, Submission};
use super::state::NodeState;
use super::steps::{Probe, Program, run_check, run_program};
use super::surroundings::{Surroundings, simulate_program};
use crate::check::resolved::ResolvedNode;
use crate::clock::SharedClock;
use crate::diagnostic::Code;
use crate::model::{Retry, Step, StepKind, substitute};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The first wait between attempts when the plan sets none (the schema's default).
const DEFAULT_BACKOFF: Duration = Duration::from_secs(30);
/// How often an approval gate looks for an approval from another process.
const APPROVAL_POLL: Duration = Duration::from_secs(1);

/// What a node's task runs.
pub(super) struct NodeWork {
    pub index: usize,
    pub resolved: ResolvedNode,
    pub step: Step,
    pub retry: Option<Retry>,
    pub timeout: Option<crate::model::Duration>,
    /// What the journal says of the node when the task starts (resume).
    pub prior: NodeState,
    /// Attempts made in earlier runs.
    pub attempts_before: u32,
}

/// What a node's task may use.
pub(super) struct Context<R> {
    pub restorer: Arc<R>,
    pub clock: SharedClock,
    pub recorder: Arc<Recorder>,
    pub outputs: Arc<Mutex<BTreeMap<String, Outputs>>>,
    pub run_dir: PathBuf,
    pub plan_dir: PathBuf,
    pub pre_approved: bool,
    pub already_approved: bool,
    pub approver: (String, String),
    pub surroundings: Surroundings,
    pub ask: Option<super::executor::Asker>,
    pub approval_timeout: Option<Duration>,
}

/// A node id as a file name (`web[web-01]` → `web_web-01_`).
pub fn file_name(node: &str) -> String {
    node.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The wait before attempt `next` (from 2): `backoff` doubled per earlier
/// retry, capped, plus up to a fifth more spread by node so that many nodes
/// failing together do not retry together.
pub fn backoff(retry: &Retry, next: u32, node: usize) -> Duration {
    let first = retry
        .backoff
        .map_or(DEFAULT_BACKOFF, |d| Duration::from_secs(d.as_secs()));
    let doublings = next.saturating_sub(2).min(20);
    let mut wait = first.saturating_mul(1 << doublings);
    if let Some(cap) = retry.max_backoff {
        wait = wait.min(Duration::from_secs(cap.as_secs()));
    }
    let spread = (node as u64)
        .wrapping_mul(2_654_435_761)
        .wrapping_add(u64::from(next))
        % 1000;
    wait + wait.mul_f64(0.2 * spread as f64 / 1000.0)
}

/// Runs a node to success or to its last failed attempt.
pub(super) async fn run_node<R: Restorer>(
    work: NodeWork,
    context: Context<R>,
) -> Result<Outputs, NodeError> {
    let node = work.resolved.id.clone();
    let attempts = work.retry.as_ref().map_or(1, |r| r.attempts.max(1));
    let mut attempt = work.attempts_before;
    let mut unrecorded = None;
    // Resume: work that reached Azure is followed, never sent again.
    let mut resumed = match (&work.prior, &work.step.kind) {
        (
            NodeState::Submitted {
                attempt: a,
                job_id,
                operation_url,
            },
            StepKind::Restore(_),
        ) => {
            attempt = *a;
            Some(Submission {
                job_id: job_id.clone(),
                operation_url: operation_url.clone(),
            })
        }
        (NodeState::Started { attempt: a, since }, StepKind::Restore(_)) => {
            attempt = *a;
            match context
                .restorer
                .find_submitted(&work.resolved, *since)
                .await
            {
                Ok(Some(found)) => {
                    unrecorded = Some(found.clone());
                    Some(found)
                }
                Ok(None) => {
                    attempt -= 1;
                    None
                }
                Err(failure) => return Err(NodeError::Step(failure)),
            }
        }
        _ => None,
    };
    if let Some(found) = unrecorded {
        record(&context, submitted_event(&context, &node, attempt, &found))?;
    }
    let last = attempt.max(work.attempts_before) + attempts;
    // When the last restore request's answer was lost, since when to ask
    // Azure whether it went through before sending it again.
    let mut outcome_unknown_since = None;
    loop {
        if resumed.is_none()
            && let Some(since) = outcome_unknown_since.take()
        {
            match context.restorer.find_submitted(&work.resolved, since).await {
                Ok(found) => {
                    if let Some(found) = &found {
                        record(&context, submitted_event(&context, &node, attempt, found))?;
                    }
                    resumed = found;
                }
                Err(mut failure) => {
                    // Without Azure's answer another attempt could restore twice.
                    failure.transient = false;
                    record(&context, failed_event(&context, &node, attempt, &failure))?;
                    return Err(NodeError::Step(failure));
                }
            }
        }
        let mut started = None;
        let outcome = match resumed.take() {
            Some(submission) => {
                within_timeout(&context, &work, follow(&context, &work, &submission)).await
            }
            None => {
                attempt += 1;
                let at = context.clock.now();
                started = Some(at);
                record(
                    &context,
                    Event::StepStarted {
                        at,
                        node: node.clone(),
                        attempt,
                    },
                )?;
                within_timeout(&context, &work, once(&context, &work, attempt)).await
            }
        };
        let failure = match outcome {
            Ok(outputs) => return Ok(outputs),
            Err(NodeError::Journal(diagnostic)) => return Err(NodeError::Journal(diagnostic)),
            Err(NodeError::Step(failure)) => failure,
        };
        record(&context, failed_event(&context, &node, attempt, &failure))?;
        if !failure.transient || attempt >= last {
            return Err(NodeError::Step(failure));
        }
        if failure.code == Code::ArmOutcomeUnknown.id()
            && matches!(work.step.kind, StepKind::Restore(_))
        {
            outcome_unknown_since = started;
        }
        let default_retry = Retry {
            attempts,
            backoff: None,
            max_backoff: None,
        };
        let wait = backoff(
            work.retry.as_ref().unwrap_or(&default_retry),
            attempt + 1,
            work.index,
        );
        context.clock.sleep(wait).await;
    }
}

fn record<R>(context: &Context<R>, event: Event) -> Result<(), NodeError> {
    context.recorder.record(event).map_err(NodeError::Journal)
}

fn failed_event<R>(context: &Context<R>, node: &str, attempt: u32, failure: &StepFailure) -> Event {
    Event::StepFailed {
        at: context.clock.now(),
        node: node.to_string(),
        attempt,
        code: failure.code.clone(),
        message: failure.message.clone(),
        transient: failure.transient,
    }
}

fn submitted_event<R>(
    context: &Context<R>,
    node: &str,
    attempt: u32,
    submission: &Submission,
) -> Event {
    Event::StepSubmitted {
        at: context.clock.now(),
        node: node.to_string(),
        attempt,
        job_id: submission.job_id.clone(),
        operation_url: submission.operation_url.clone(),
    }
}

async fn within_timeout<R>(
    context: &Context<R>,
    work: &NodeWork,
    attempt: impl std::future::Future<Output = Result<Outputs, NodeError>>,
) -> Result<Outputs, NodeError> {
    let Some(limit) = work.timeout else {
        return attempt.await;
    };
    tokio::select! {
        done = attempt => done,
        () = context.clock.sleep(Duration::from_secs(limit.as_secs())) => {
            // A restore's Azure job goes on after a timeout here: another
            // attempt would restore the VM a second time, so it is not retried.
            let restore = matches!(work.step.kind, StepKind::Restore(_));
            let message = if restore {
                format!("did not finish within its timeout of {limit}; its Azure job may still be running")
            } else {
                format!("did not finish within its timeout of {limit}")
            };
            Err(NodeError::Step(StepFailure { code: Code::StepTimeout.id().to_string(), message, transient: !restore }))
        }
    }
}

async fn follow<R: Restorer>(
    context: &Context<R>,
    work: &NodeWork,
    submission: &Submission,
) -> Result<Outputs, NodeError> {
    context
        .restorer
        .follow(&work.resolved, submission)
        .await
        .map_err(NodeError::Step)
}

/// One attempt of the node's step.
async fn once<R: Restorer>(
    context: &Context<R>,
    work: &NodeWork,
    attempt: u32,
) -> Result<Outputs, NodeError> {
    let resolve = |text: &str| {
        let outputs = lock(&context.outputs);
        substitute(text, |step, output| outputs.get(step)?.get(output).cloned())
            .map_err(|why| StepFailure::permanent(Code::ReferenceUnresolved, why))
    };
    let step = |failure| NodeError::Step(failure);
    match &work.step.kind {
        StepKind::Wait(duration) => {
            context
                .clock
                .sleep(Duration::from_secs(duration.as_secs()))
                .await;
            Ok(Outputs::new())
        }
        StepKind::Run(run) => {
            let program = Program::of(run, &context.plan_dir, resolve).map_err(step)?;
            let logs = context
                .run_dir
                .join("steps")
                .join(file_name(&work.resolved.id))
                .join(format!("attempt-{attempt}"));
            if context.surroundings.runs_commands() {
                run_program(&program, &logs).await.map_err(step)
            } else {
                simulate_program(&program, &logs).map_err(step)
            }
        }
        StepKind::Check(check) => {
            let probe = Probe::of(check, resolve).map_err(step)?;
            let within = Duration::from_secs(check.within.as_secs());
            let interval = check.interval.map(|d| Duration::from_secs(d.as_secs()));
            run_check(
                &probe,
                within,
                interval,
                &context.clock,
                &context.surroundings,
            )
            .await
            .map_err(step)
        }
        StepKind::Approve(_) => approve(context, work).await,
        StepKind::Restore(_) => {
            let upstream: BTreeMap<String, Outputs> = {
                let outputs = lock(&context.outputs);
                work.resolved
                    .depends_on
                    .iter()
                    .filter_map(|id| Some((id.clone(), outputs.get(id)?.clone())))
                    .collect()
            };
            let submission = context
                .restorer
                .submit(&work.resolved, &upstream)
                .await
                .map_err(step)?;
            record(
                context,
                submitted_event(context, &work.resolved.id, attempt, &submission),
            )?;
            follow(context, work, &submission).await
        }
    }
}

/// Waits for the gate to be approved: in advance (`--approve`), in an
/// earlier run of the same id, or by `restoreplan approve` from another
/// process, which leaves a file in the run folder.
async fn approve<R>(context: &Context<R>, work: &NodeWork) -> Result<Outputs, NodeError> {
    let node = &work.resolved.id;
    if context.already_approved {
        return Ok(Outputs::new());
    }
    let (user, host) = if context.pre_approved {
        context.approver.clone()
    } else {
        wait_for_approval(context, work).await?
    };
    record(
        context,
        Event::ApprovalGiven {
            at: context.clock.now(),
            node: node.clone(),
            user,
            host,
        },
    )?;
    Ok(Outputs::new())
}

/// Waits until the gate is approved from another process (a file in the run
/// folder) or, on a terminal, at the prompt; fails on a refusal at the prompt
/// or when `--approval-timeout` runs out.
async fn wait_for_approval<R>(
    context: &Context<R>,
    work: &NodeWork,
) -> Result<(String, String), NodeError> {
    let node = &work.resolved.id;
    let fail = |code: Code, message: String| NodeError::Step(StepFailure::permanent(code, message));
    let file = super::approval::approval_path(&context.run_dir, node);
    // The prompt blocks on the terminal: it gets a thread of its own, left
    // behind (not joined) when the gate is approved another way.
    let mut answer = match (&context.ask, &work.step.kind) {
        (Some(ask), StepKind::Approve(gate)) => {
            let (send, receive) = tokio::sync::oneshot::channel();
            let (ask, gate, id) = (ask.clone(), gate.clone(), node.clone());
            std::thread::spawn(move || {
                let _ = send.send(ask(&id, &gate));
            });
            Some(receive)
        }
        _ => None,
    };
    let deadline = context.approval_timeout.map(|limit| {
        context.clock.now()
            + jiff::SignedDuration::try_from(limit).unwrap_or(jiff::SignedDuration::MAX)
    });
    loop {
        if let Some(approval) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| serde_json::from_str::<super::approval::Approval>(&text).ok())
        {
            return Ok((approval.user, approval.host));
        }
        if deadline.is_some_and(|deadline| context.clock.now() >= deadline) {
            let limit = context.approval_timeout.unwrap_or_default();
            return Err(fail(
                Code::ApprovalTimedOut,
                format!(
                    "not approved within {}",
                    crate::model::Duration::from_secs(limit.as_secs())
                ),
            ));
        }
        let poll = context.clock.sleep(APPROVAL_POLL);
        match answer.as_mut() {
            Some(prompt) => tokio::select! {
                said = prompt => match said {
                    Ok(true) => return Ok(context.approver.clone()),
                    Ok(false) => return Err(fail(
                        Code::ApprovalRefused,
                        "refused at the prompt".to_string(),
                    )),
                    // The terminal went away: go on waiting for another way.
                    Err(_) => answer = None,
                },
                () = poll => {}
            },
            None => poll.await,
        }
    }
}
