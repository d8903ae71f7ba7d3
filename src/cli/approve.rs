//! `restoreplan approve <RUN_ID> <STEP> [--state-dir DIR]`: approves a gate
//! that a run (in another terminal, or a CI job) is waiting at.

use super::{Outcome, report_problem};
use crate::check::resolved::Resolved;
use crate::exec::approval::{self, Approval, current_user};
use crate::exec::journal::{self, Event};
use crate::exec::lock::host_name;
use crate::exec::run_folder::{DEFAULT_STATE_DIR, StateDir};
use std::path::PathBuf;

/// Arguments of `approve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The run, as `apply` and `runs list` show it.
    #[arg(value_name = "RUN_ID")]
    run: String,
    /// The `approve` step to approve.
    #[arg(value_name = "STEP")]
    step: String,
    /// The state folder of the run.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_STATE_DIR)]
    state_dir: PathBuf,
}

pub(super) fn run(args: Args) -> Outcome {
    let folder = match StateDir::new(&args.state_dir).run(&args.run) {
        Ok(folder) => folder,
        Err(problem) => {
            report_problem(&problem);
            return Outcome::Failure;
        }
    };
    let resolved: Option<Resolved> = std::fs::read_to_string(folder.resolved())
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let gates: Vec<String> = resolved
        .iter()
        .flat_map(|r| &r.nodes)
        .filter(|node| node.kind == "approve")
        .map(|node| node.id.clone())
        .collect();
    if !gates.contains(&args.step) {
        let known = if gates.is_empty() {
            "it has no approval gates".to_string()
        } else {
            format!(
                "its gates are {}",
                gates
                    .iter()
                    .map(|g| format!("`{g}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        eprintln!(
            "error: run `{}` has no approval gate `{}`: {known}",
            args.run,
            crate::report::human::printable(&args.step)
        );
        return Outcome::Failure;
    }
    let already = journal::read(&folder.journal()).ok().and_then(|replay| {
        replay.events.into_iter().find_map(|event| match event {
            Event::ApprovalGiven {
                node,
                user,
                host,
                at,
            } if node == args.step => Some((user, host, at)),
            _ => None,
        })
    });
    if let Some((user, host, at)) = already {
        println!(
            "`{}` of run `{}` was already approved by {user}@{host} at {at}",
            args.step, args.run
        );
        return Outcome::Success;
    }
    let approval = Approval {
        user: current_user(),
        host: host_name(),
    };
    match approval::approve(&folder.path, &args.step, &approval) {
        Ok(_) => {
            println!(
                "approved `{}` of run `{}` as {}@{}",
                args.step, args.run, approval.user, approval.host
            );
            Outcome::Success
        }
        Err(error) => super::fail(&format!("cannot record the approval: {error}")),
    }
}
