//! What `apply` asks and tells the operator before and during a run: the
//! confirmation, approval prompts at the terminal, and a time scale that
//! would make the emulator's polls outlast a timeout.

use super::Args;
use crate::check::resolved::Resolved;
use crate::cli::progress::Progress;
use crate::cli::{Outcome, fail};
use crate::exec::executor::Asker;
use crate::model::Approve;
use crate::report::human;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

/// Asks on a terminal; refuses without one unless `--yes`.
pub(super) fn confirmed(args: &Args, resolved: &Resolved) -> Result<bool, Outcome> {
    if args.yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            "not asking for confirmation without a terminal: review the plan and pass `--yes`",
        ));
    }
    eprint!(
        "Apply `{}` ({} nodes) {}? [y/N] ",
        resolved.plan,
        resolved.nodes.len(),
        if args.azure.emulator {
            "to the local emulator"
        } else {
            "to Azure"
        }
    );
    let _ = std::io::stderr().flush();
    Ok(answered_yes())
}

/// Reads one line from the terminal: whether it says yes (an unreadable
/// terminal says no).
fn answered_yes() -> bool {
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes")
}

/// On a terminal (and not streaming JSON), approval gates ask at the prompt
/// as well as waiting for `restoreplan approve` from elsewhere.
pub(super) fn ask_at_the_terminal(args: &Args, progress: &Arc<Progress>) -> Option<Asker> {
    if args.events.is_some() || !std::io::stdin().is_terminal() {
        return None;
    }
    let progress = progress.clone();
    Some(Arc::new(move |node: &str, gate: &Approve| {
        let approvers = if gate.approvers.is_empty() {
            String::new()
        } else {
            format!(" (approvers: {})", gate.approvers.join(", "))
        };
        progress.say(&format!(
            "approval needed: `{node}`{approvers}\n  {}\n  approve here with y, or from elsewhere with `restoreplan approve`; y/N?",
            human::printable(gate.message.trim())
        ));
        answered_yes()
    }))
}

/// The Azure client polls the emulator in real seconds, each of which is
/// `time_scale` emulated seconds: a restore whose timeout allows only a few
/// polls can time out on the emulator though it would not on Azure.
pub(super) fn warn_if_time_scale_outruns_timeouts(plan: &crate::model::Plan, time_scale: f64) {
    const POLLS: f64 = 3.0;
    let tightest = plan
        .steps
        .iter()
        .filter(|step| matches!(step.kind, crate::model::StepKind::Restore(_)))
        .filter_map(|step| step.timeout.or(plan.execution.timeout).map(|t| (step, t)))
        .min_by_key(|(_, timeout)| timeout.as_secs());
    if let Some((step, timeout)) = tightest
        && (timeout.as_secs() as f64) < POLLS * time_scale
    {
        eprintln!(
            "warning: at --time-scale {time_scale} one poll of the emulator spans {} of emulated time, so `{}` (timeout {timeout}) may time out on the emulator only; use a smaller --time-scale",
            crate::model::Duration::from_secs(time_scale.round() as u64),
            step.id
        );
    }
}
