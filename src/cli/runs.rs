//! `restoreplan runs list` and `restoreplan runs show <RUN_ID>`: past runs
//! and their reports, rebuilt from each run's journal and resolved plan.

use super::{Outcome, print, report_problem};
use crate::check::resolved::Resolved;
use crate::exec::journal;
use crate::exec::run_folder::{DEFAULT_STATE_DIR, RunFolder, StateDir};
use crate::report::run::{RunReport, html, human_seconds, markdown};
use clap::ValueEnum;
use std::path::PathBuf;

/// The `runs` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the runs with their outcome and recovery time, oldest first.
    List {
        /// The state folder.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_STATE_DIR)]
        state_dir: PathBuf,
    },
    /// Print one run's report.
    Show {
        /// The run.
        #[arg(value_name = "RUN_ID")]
        run: String,
        /// The report's format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// The state folder.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_STATE_DIR)]
        state_dir: PathBuf,
    },
}

/// Formats of a run report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `report.md`.
    Markdown,
    /// `report.json`.
    Json,
    /// `report.html`.
    Html,
}

/// The report of a run, from its folder; `None` with the reason printed.
fn report_of(folder: &RunFolder) -> Result<RunReport, String> {
    let text = std::fs::read_to_string(folder.resolved())
        .map_err(|error| format!("cannot read `{}`: {error}", folder.resolved().display()))?;
    let resolved: Resolved = serde_json::from_str(&text).map_err(|error| {
        format!(
            "`{}` is not a resolved plan: {error}",
            folder.resolved().display()
        )
    })?;
    let replay = journal::read(&folder.journal()).map_err(|problem| problem.message)?;
    Ok(RunReport::build(&resolved, &replay.events))
}

pub(super) fn run(command: Command) -> Outcome {
    match command {
        Command::List { state_dir } => {
            let runs = StateDir::new(&state_dir).runs();
            if runs.is_empty() {
                eprintln!("no runs in `{}`", state_dir.display());
                return Outcome::Success;
            }
            let mut text = format!(
                "{:<24} {:<28} {:<12} {:<22} {}\n",
                "RUN", "PLAN", "OUTCOME", "STARTED", "RECOVERY TIME"
            );
            for folder in runs {
                match report_of(&folder) {
                    Ok(report) => text.push_str(&format!(
                        "{:<24} {:<28} {:<12} {:<22} {}\n",
                        folder.id,
                        report.plan,
                        report.outcome,
                        report.started.map_or("—".into(), |t| t.to_string()),
                        report.recovery_seconds.map_or("—".into(), human_seconds)
                    )),
                    Err(why) => text.push_str(&format!("{:<24} (unreadable: {why})\n", folder.id)),
                }
            }
            print(&text);
            Outcome::Success
        }
        Command::Show {
            run,
            format,
            state_dir,
        } => {
            let folder = match StateDir::new(&state_dir).run(&run) {
                Ok(folder) => folder,
                Err(problem) => {
                    report_problem(&problem);
                    return Outcome::Failure;
                }
            };
            match report_of(&folder) {
                Ok(report) => {
                    print(&match format {
                        Format::Markdown => markdown(&report, None),
                        Format::Json => report.json(),
                        Format::Html => html(&report),
                    });
                    Outcome::Success
                }
                Err(why) => super::fail(&why),
            }
        }
    }
}
