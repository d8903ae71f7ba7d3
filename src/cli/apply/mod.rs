//! `restoreplan apply <PLAN> [--inventory FILE] [--emulator] [--yes] …`:
//! dry-runs the plan (refusing one with errors), takes the plan's lock, and
//! executes it through the Azure client against Azure or the embedded
//! emulator, journaling every step; `--resume <run-id>` goes on with a run.

mod operator;
mod reviewed;

use self::operator::{ask_at_the_terminal, confirmed, warn_if_time_scale_outruns_timeouts};
use self::reviewed::{reviewed_inputs, reviewed_plan};
use crate::azure::backup::{BackupSettings, JobProgress};
use crate::check::resolved::Resolved;
use crate::cli::azure_args::{AzureArgs, EmulatorSeed, backup_client};
use crate::cli::plan::{DryRunAt, check_files, parse_at};
use crate::cli::progress::Progress;
use crate::cli::signals::StopSignals;
use crate::cli::{Outcome, fail, refuse, report_problem};
use crate::clock::{Clock, ScaledClock, SharedClock, SystemClock};
use crate::exec::approval::current_user;
use crate::exec::azure::AzureRestorer;
use crate::exec::executor::{Outcome as RunOutcome, Recorder, Setup, execute};
use crate::exec::journal::{self, Event, JournalWriter};
use crate::exec::lock::{Holder, PlanLock, host_name};
use crate::exec::run_folder::{DEFAULT_STATE_DIR, RunFolder, StateDir, write_whole};
use crate::exec::state::RunState;
use crate::exec::surroundings::Surroundings;
use crate::report::human;
use crate::report::run::{RunReport, html, markdown};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `apply`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan file, or a resolved plan from `plan --out` (executed exactly as reviewed).
    #[arg(value_name = "PLAN")]
    plan: String,
    /// The inventory; default: the plan's own `inventory:`.
    #[arg(long, value_name = "FILE")]
    inventory: Option<String>,
    /// Dry-run as of this RFC 3339 time (recovery point age); default now, or
    /// with `--emulator` the time the inventory was taken (where the emulated clock starts).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Simulated seconds per real second in the emulator (and for `wait` steps).
    #[arg(long, value_name = "N", default_value_t = 600.0, requires = "emulator")]
    time_scale: f64,
    /// Under `--emulator`, start the programs of `run` steps for real (by
    /// default they are not: they act on real systems).
    #[arg(long, requires = "emulator")]
    run_commands: bool,
    /// Do not ask for confirmation (automation).
    #[arg(long)]
    yes: bool,
    /// Where runs and locks are kept.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_STATE_DIR)]
    state_dir: PathBuf,
    /// Go on with an interrupted or failed run instead of starting a new one.
    #[arg(long, value_name = "RUN_ID")]
    resume: Option<String>,
    /// Break the plan's lock (when the run holding it is certainly gone).
    #[arg(long)]
    force_unlock: bool,
    /// Approve this `approve` step in advance (repeatable).
    #[arg(long, value_name = "STEP")]
    approve: Vec<String>,
    /// Stream each event as one JSON object per line on stdout.
    #[arg(long, value_name = "FORMAT", value_parser = ["json"])]
    events: Option<String>,
    /// How to reach Azure, or `--emulator`.
    #[command(flatten)]
    azure: AzureArgs,
    /// How long an `approve` gate waits before it fails (default: as long as the step's `timeout`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    approval_timeout: Option<crate::model::Duration>,
    /// How often a running Azure job is read.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    job_poll_interval: crate::model::Duration,
}

fn parse_duration(text: &str) -> Result<crate::model::Duration, String> {
    crate::model::Duration::parse(text)
        .ok_or_else(|| format!("`{text}` is not a duration such as `30s`, `5m` or `1h30m`"))
}

/// The run folder and the journal state to start from: a new run, or the
/// one named by `--resume`, whose plan must be the one that was reviewed.
fn open_run(
    args: &Args,
    state_dir: &StateDir,
    resolved: Resolved,
) -> Result<(RunFolder, RunState, JournalWriter, Resolved), Outcome> {
    let Some(id) = &args.resume else {
        let folder = state_dir
            .new_run(SystemClock.now())
            .map_err(|p| refuse(&p))?;
        let text = serde_json::to_string_pretty(&resolved).unwrap_or_default();
        write_whole(&folder.resolved(), &text).map_err(|p| refuse(&p))?;
        let writer = JournalWriter::create(&folder.journal()).map_err(|p| refuse(&p))?;
        return Ok((folder, RunState::default(), writer, resolved));
    };
    let folder = state_dir.run(id).map_err(|p| refuse(&p))?;
    let replay = journal::read(&folder.journal()).map_err(|p| refuse(&p))?;
    if let Some(torn) = &replay.torn {
        report_problem(torn);
    }
    let state = RunState::replay(&replay.events);
    // An empty journal is a run that crashed before it recorded its start:
    // nothing of it happened, and it starts now with these files.
    let started = state.plan_hash.is_some();
    if started && state.plan_hash.as_deref() != Some(resolved.hash.as_str()) {
        return Err(refuse(
            &crate::diagnostic::Diagnostic::new(
                crate::diagnostic::Code::PlanChanged,
                format!(
                    "run `{id}` executes a plan with hash {}, but the files now hash to {}",
                    state.plan_hash.as_deref().unwrap_or("(none)"),
                    resolved.hash
                ),
            )
            .with_help(crate::diagnostic::Code::PlanChanged.info().fix),
        ));
    }
    // The recovery points pinned when the run started stay pinned.
    let reviewed = std::fs::read_to_string(folder.resolved())
        .ok()
        .and_then(|text| serde_json::from_str::<Resolved>(&text).ok())
        .filter(|_| started)
        .unwrap_or(resolved);
    if !started {
        let text = serde_json::to_string_pretty(&reviewed).unwrap_or_default();
        write_whole(&folder.resolved(), &text).map_err(|p| refuse(&p))?;
    }
    let writer = JournalWriter::resume(&folder.journal(), &replay).map_err(|p| refuse(&p))?;
    Ok((folder, state, writer, reviewed))
}

/// The first stop signal stops scheduling (the executor records what is in
/// flight); a second exits at once, which leaves the journal consistent since
/// every event is on disk before its action.
async fn interrupted(mut signals: StopSignals) {
    signals.next().await;
    eprintln!("stopping: no new steps start; press Ctrl-C again to exit at once");
    tokio::spawn(async move {
        signals.next().await;
        eprintln!("exiting at once; the journal holds every step started so far");
        std::process::exit(Outcome::Interrupted as i32);
    });
}

fn refused_by_dry_run() -> Outcome {
    eprintln!(
        "error: the dry run found errors; `apply` runs only a plan that passes `restoreplan plan`"
    );
    Outcome::Problems
}

pub(super) fn run(args: Args, style: human::Style) -> Outcome {
    let reviewed = match reviewed_plan(&args.plan) {
        Ok(reviewed) => reviewed,
        Err(outcome) => return outcome,
    };
    let (plan_path, inventory_path, at) = match &reviewed {
        Some(reviewed) => match reviewed_inputs(&args, reviewed) {
            Ok(inputs) => inputs,
            Err(outcome) => return outcome,
        },
        // The emulator replays the estate as the inventory saw it, so a
        // drill against it gives the same answer whenever it is run.
        None => match (&args.at, args.azure.emulator) {
            (None, true) => (
                args.plan.clone(),
                args.inventory.clone(),
                DryRunAt::InventorySnapshot,
            ),
            (at, _) => match parse_at(at.as_deref()) {
                Ok(at) => (
                    args.plan.clone(),
                    args.inventory.clone(),
                    DryRunAt::Time(at),
                ),
                Err(outcome) => return outcome,
            },
        },
    };
    let mut checked = match check_files(&plan_path, inventory_path.as_deref(), at, None, style) {
        Ok(checked) => checked,
        Err(Outcome::Problems) => return refused_by_dry_run(),
        Err(outcome) => return outcome,
    };
    if checked.report.errors() > 0 {
        eprint!("{}", human::render(&checked.report, style));
        return refused_by_dry_run();
    }
    if let Some(reviewed) = reviewed {
        // Executed exactly as reviewed: the same files, and the recovery
        // points pinned then, not chosen again.
        if reviewed.hash != checked.resolved.hash {
            return refuse(
                &crate::diagnostic::Diagnostic::new(
                    crate::diagnostic::Code::PlanChanged,
                    format!(
                        "`{}` was made from files that hashed to {}, but `{plan_path}` and its inventory now hash to {}",
                        args.plan, reviewed.hash, checked.resolved.hash
                    ),
                )
                .with_help(crate::diagnostic::Code::PlanChanged.info().fix),
            );
        }
        checked.resolved = reviewed;
    }
    let Some(plan) = checked.validated.plan.clone() else {
        return Outcome::Problems;
    };
    let unsupported = AzureRestorer::unsupported(&checked.expanded);
    if !unsupported.is_empty() {
        for (node, why) in &unsupported {
            eprintln!("error: `{node}`: {why}");
        }
        return fail("the plan has steps that `apply` cannot execute yet; nothing was started");
    }
    eprint!("{}", crate::report::plan::summary(&checked.resolved));
    if args.azure.emulator {
        warn_if_time_scale_outruns_timeouts(&plan, args.time_scale);
    }
    match confirmed(&args, &checked.resolved) {
        Ok(true) => {}
        Ok(false) => return fail("not applied"),
        Err(outcome) => return outcome,
    }
    let state_dir = StateDir::new(&args.state_dir);
    let lock_path = match state_dir.lock_path(&plan.metadata.name) {
        Ok(path) => path,
        Err(problem) => return refuse(&problem),
    };
    let holder_run = args.resume.clone().unwrap_or_else(|| "starting".into());
    let acquired = match PlanLock::acquire(
        &lock_path,
        &Holder::this_process(&holder_run, SystemClock.now()),
        args.force_unlock,
    ) {
        Ok(acquired) => acquired,
        Err(problem) => return refuse(&problem),
    };
    if let Some(warning) = &acquired.warning {
        report_problem(warning);
    }
    let (folder, state, writer, resolved) =
        match open_run(&args, &state_dir, checked.resolved.clone()) {
            Ok(opened) => opened,
            Err(outcome) => return outcome,
        };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    let plan = Arc::new(plan);
    let graph = Arc::new(checked.expanded);
    let inventory = Arc::new(checked.inventory);
    let resolved = Arc::new(resolved);
    let plan_dir = Path::new(&plan_path)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let finished = runtime.block_on(async {
        let settings = BackupSettings {
            job_interval: Duration::from_secs(args.job_poll_interval.as_secs().max(1)),
            ..BackupSettings::default()
        };
        let seed = args.azure.emulator.then(|| EmulatorSeed {
            inventory: &inventory,
            time_scale: args.time_scale,
            start: Some(resolved.at),
        });
        let (backup, emulator) = backup_client(&args.azure, seed, settings).await?;
        let progress = Arc::new(Progress::choose(args.events.is_some(), &resolved));
        let restorer = Arc::new(AzureRestorer::new(
            backup,
            plan.clone(),
            graph.clone(),
            inventory.clone(),
            &resolved,
            (&folder.id, &folder.path),
        ).with_progress({
            let progress = progress.clone();
            Arc::new(move |node: &str, job: &JobProgress| progress.job(node, job))
        }));
        let clock: SharedClock = if args.azure.emulator {
            Arc::new(ScaledClock::starting_at(resolved.at, args.time_scale))
        } else {
            Arc::new(SystemClock)
        };
        let setup = Setup {
            plan: plan.clone(),
            graph: graph.clone(),
            resolved: resolved.clone(),
            restorer: restorer.clone(),
            run_id: folder.id.clone(),
            clock,
            recorder: Arc::new(Recorder::new(writer, {
                let progress = progress.clone();
                move |event: &Event| progress.event(event)
            })),
            run_dir: folder.path.clone(),
            plan_dir,
            pre_approved: args.approve.iter().cloned().collect(),
            approver: (current_user(), host_name()),
            ask: ask_at_the_terminal(&args, &progress),
            approval_timeout: args
                .approval_timeout
                .map(|limit| Duration::from_secs(limit.as_secs())),
            surroundings: match &emulator {
                Some(handle) => Surroundings::Emulated {
                    lookup: Arc::new(handle.estate_lookup()),
                    run_commands: args.run_commands,
                },
                None => Surroundings::Real,
            },
        };
        let finished = execute(setup, &state, interrupted(StopSignals::install())).await;
        progress.finish();
        if let Ok(finished) = &finished
            && finished.outcome != RunOutcome::Interrupted
        {
            for (node, revoked) in restorer.unmount_all(&resolved, &finished.nodes).await {
                match revoked {
                    Ok(()) => eprintln!("{node}: file recovery session revoked"),
                    Err(failure) => eprintln!(
                        "warning: {node}: the file recovery session could not be revoked; revoke it in the portal [{}] {}",
                        failure.code, failure.message
                    ),
                }
            }
        }
        if let Some(emulator) = emulator {
            // The emulated estate after the drill: evidence of what it changed.
            let world = serde_json::to_string_pretty(&emulator.world()).unwrap_or_default();
            if let Err(problem) = write_whole(&folder.file("emulator-world.json"), &world) {
                report_problem(&problem);
            }
            emulator.shutdown().await;
        }
        finished.map_err(|problem| refuse(&problem))
    });
    drop(acquired);
    let finished = match finished {
        Ok(finished) => finished,
        Err(outcome) => return outcome,
    };
    let events = journal::read(&folder.journal())
        .map(|r| r.events)
        .unwrap_or_default();
    let report = RunReport::build(&resolved, &events);
    let mermaid = crate::report::graph::mermaid(&graph);
    for (name, text) in [
        ("report.json", report.json()),
        ("report.md", markdown(&report, Some(&mermaid))),
        ("report.html", html(&report)),
    ] {
        if let Err(problem) = write_whole(&folder.file(name), &text) {
            report_problem(&problem);
        }
    }
    eprintln!("report: {}", folder.file("report.md").display());
    match finished.outcome {
        RunOutcome::Succeeded => Outcome::Success,
        RunOutcome::Failed => Outcome::Problems,
        RunOutcome::Interrupted => {
            eprintln!(
                "interrupted; Azure jobs already submitted keep running. Resume with:\n  restoreplan apply {} --resume {}",
                args.plan, folder.id
            );
            Outcome::Interrupted
        }
    }
}
