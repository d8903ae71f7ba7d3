//! `restoreplan plan <PLAN> --inventory <FILE> [--at TIME] [--format …] [--out resolved.json]`

use super::{Outcome, fail, inventory_or_report, print};
use crate::check::dry_run;
use crate::check::resolved::{fingerprint, resolve_plan};
use crate::diagnostic::FileDiagnostics;
use crate::pipeline::{LoadedInventory, expand_plan, load_inventory, validate_plan};
use crate::report::{github, graph, human, json, plan as plan_report, sarif};
use crate::schema::SchemaKind;
use crate::source::SourceFile;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan file.
    #[arg(value_name = "PLAN")]
    plan: String,
    /// The inventory (the estate the plan is checked against); default: the
    /// plan's own `inventory:`, relative to the plan's folder.
    #[arg(long, value_name = "FILE")]
    inventory: Option<String>,
    /// Check as of this RFC 3339 time (recovery point age, tier expiry); default now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the resolved plan (pinned recovery points, targets, estimates, hash) here.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    live: super::live::LiveArgs,
}

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    /// Summary, node table, critical path and findings, for people.
    Human,
    /// The resolved plan and the findings as one JSON object.
    Json,
    /// A pull-request comment: summary, table, findings and a Mermaid graph.
    Markdown,
    /// The findings as SARIF 2.1.0.
    Sarif,
    /// The findings as GitHub Actions workflow commands.
    Github,
}

/// Prints a report of problems in the chosen format (the machine formats keep stdout parseable).
fn print_problems(report: FileDiagnostics, format: Format, style: human::Style) {
    let reports = [report];
    match format {
        Format::Json => print(&json::render(&reports)),
        Format::Sarif => print(&sarif::render(&reports)),
        Format::Github => print(&github::render(&reports)),
        Format::Human | Format::Markdown => print(&human::render(&reports[0], style)),
    }
}

/// A plan dry-run against its inventory: what `plan` prints and `apply` executes.
pub(super) struct Checked {
    /// The plan, its source and its compiled (unexpanded) graph.
    pub validated: crate::pipeline::Validated,
    /// The estate.
    pub inventory: crate::model::Inventory,
    /// The graph expanded against the estate.
    pub expanded: crate::compile::RestoreGraph,
    /// Every finding: the plan's, the expansion's and the dry run's.
    pub report: FileDiagnostics,
    /// The resolved plan.
    pub resolved: crate::check::resolved::Resolved,
}

/// Reads, checks and dry-runs a plan against its inventory (given, or named
/// by the plan) as of `at`. On a problem that stops the dry run, prints it in
/// `format` and returns the exit outcome instead.
pub(super) fn check_files(
    plan_path: &str,
    inventory_path: Option<&str>,
    at: DryRunAt,
    format: Option<Format>,
    style: human::Style,
) -> Result<Checked, Outcome> {
    // `None`: for a command whose stdout is not the findings (`apply`).
    let show = |report: FileDiagnostics| match format {
        Some(format) => print_problems(report, format, style),
        None => eprint!("{}", human::render(&report, style)),
    };
    let (plan_source, plan_byte_problems) = SourceFile::read(plan_path)
        .map_err(|error| fail(&format!("cannot read `{plan_path}`: {error}")))?;
    let plan_text = plan_source.text();
    // A large estate's inventory takes most of a dry run, and loading it does
    // not depend on the plan unless the plan names it: load both at once.
    let (validated, early_inventory) = std::thread::scope(|scope| {
        let early =
            inventory_path.map(|path| scope.spawn(|| load_inventory_and_hash(path, plan_text)));
        let validated = validate_plan(plan_source.clone(), plan_byte_problems);
        SchemaKind::Inventory.prepare();
        (validated, early.map(joined))
    });
    if validated.report.errors() > 0 {
        show(validated.report);
        return Err(Outcome::Problems);
    }
    let mut inventory_file = inventory_path.map(str::to_owned);
    let loaded = match early_inventory {
        Some(loaded) => loaded,
        None => {
            let declared = validated.plan.as_ref().and_then(|p| p.inventory.as_deref());
            let Some(relative) = declared else {
                return Err(fail(
                    "no inventory: give `--inventory FILE`, or `inventory:` in the plan",
                ));
            };
            let path = Path::new(plan_path)
                .parent()
                .unwrap_or(Path::new(""))
                .join(relative);
            let path = path.to_string_lossy().into_owned();
            let loaded = load_inventory_and_hash(&path, plan_text);
            inventory_file = Some(path);
            loaded
        }
    };
    let (loaded, hash) = loaded.map_err(|message| fail(&message))?;
    let inventory = inventory_or_report(loaded).ok_or(Outcome::Problems)?;
    let at = match at {
        DryRunAt::Time(at) => at,
        DryRunAt::InventorySnapshot => inventory.snapshot_time,
    };
    let Some((Some(expanded), expansion)) =
        expand_plan(&validated, &inventory).filter(|(_, r)| r.errors() == 0)
    else {
        if let Some((_, report)) = expand_plan(&validated, &inventory) {
            show(report);
        }
        return Err(Outcome::Problems);
    };
    let Some(plan) = validated.plan.as_ref() else {
        return Err(Outcome::Problems);
    };
    let run = dry_run(plan, &expanded, &inventory, at);
    let mut findings = validated.report.diagnostics.clone();
    findings.extend(expansion.diagnostics);
    findings.extend(run.diagnostics.iter().cloned());
    let plan_dir = Path::new(plan_path)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    findings.extend(crate::check::plan_wide::programs(
        plan,
        &|program, working_directory| found_here(program, working_directory, &plan_dir),
    ));
    let report = FileDiagnostics::new(
        validated.report.source.clone(),
        validated.document.as_ref(),
        findings,
    );
    let mut resolved = resolve_plan(plan, &expanded, &inventory, &run, hash, at);
    resolved.plan_file = Some(plan_path.to_owned());
    resolved.inventory_file = inventory_file;
    super::keep_until_exit(run);
    Ok(Checked {
        validated,
        inventory,
        expanded,
        report,
        resolved,
    })
}

/// The time a dry run is for.
#[derive(Debug, Clone, Copy)]
pub(super) enum DryRunAt {
    /// This time (`--at`, or now).
    Time(jiff::Timestamp),
    /// When the inventory was taken: what `apply --emulator` replays.
    InventorySnapshot,
}

/// When a dry run is for: `--at`, else now.
pub(super) fn parse_at(at: Option<&str>) -> Result<jiff::Timestamp, Outcome> {
    match at.map(str::parse::<jiff::Timestamp>) {
        None => Ok(crate::clock::Clock::now(&crate::clock::SystemClock)),
        Some(Ok(at)) => Ok(at),
        Some(Err(error)) => Err(fail(&format!(
            "`--at {}` is not an RFC 3339 time: {error}",
            at.unwrap_or_default()
        ))),
    }
}

pub(super) fn run(args: Args, style: human::Style) -> Outcome {
    let at = match parse_at(args.at.as_deref()) {
        Ok(at) => at,
        Err(outcome) => return outcome,
    };
    let live = match args.live.read(args.inventory.as_deref()) {
        Ok(live) => live,
        Err(outcome) => return outcome,
    };
    let inventory_path = live
        .as_ref()
        .map(super::live::LiveInventory::path)
        .or_else(|| args.inventory.clone());
    let checked = check_files(
        &args.plan,
        inventory_path.as_deref(),
        DryRunAt::Time(at),
        Some(args.format),
        style,
    );
    let mut checked = match checked {
        Ok(checked) => checked,
        Err(outcome) => {
            if let Some(live) = live {
                live.close();
            }
            return outcome;
        }
    };
    if let Some(live) = live {
        checked.resolved.inventory_file = live.saved();
        if args.live.validate_with_azure() {
            let mut findings = checked.report.diagnostics.clone();
            findings.extend(super::live::azure_findings(&live, &checked));
            checked.report = FileDiagnostics::new(
                checked.report.source.clone(),
                checked.validated.document.as_ref(),
                findings,
            );
        }
        live.close();
    }
    let Checked {
        validated,
        inventory,
        expanded,
        report,
        resolved,
    } = checked;
    let (errors, warnings) = (report.errors(), report.warnings());
    if let Some(out) = &args.out {
        if errors > 0 {
            eprintln!(
                "error: not writing `{}`: the plan has errors, and `apply` must never run it",
                out.display()
            );
        } else if let Err(error) =
            crate::exec::run_folder::write_file_whole(out, resolved_json(&resolved).as_bytes())
        {
            return fail(&format!("cannot write `{}`: {error}", out.display()));
        }
    }
    match args.format {
        Format::Human => {
            let mut text = plan_report::summary(&resolved);
            text.push('\n');
            text.push_str(&plan_report::table(&resolved));
            text.push('\n');
            text.push_str(&human::render(&report, style));
            print(&text);
        }
        Format::Markdown => print(&plan_report::markdown(
            &resolved,
            &report,
            &graph::mermaid(&expanded),
        )),
        Format::Json => {
            let findings: serde_json::Value =
                serde_json::from_str(&json::render(std::slice::from_ref(&report)))
                    .unwrap_or_default();
            let value = serde_json::json!({ "resolved": resolved, "findings": findings });
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            ));
        }
        Format::Sarif => print(&sarif::render(std::slice::from_ref(&report))),
        Format::Github => print(&github::render(std::slice::from_ref(&report))),
    }
    let outcome = if errors > 0 || (args.strict && warnings > 0) {
        Outcome::Problems
    } else {
        Outcome::Success
    };
    super::keep_until_exit(expanded);
    super::keep_until_exit(inventory);
    super::keep_until_exit(validated);
    outcome
}

/// Loads the inventory at `path` and, on a second thread, hashes it with the
/// plan's text for the resolved plan.
fn load_inventory_and_hash(
    path: &str,
    plan_text: &str,
) -> Result<(LoadedInventory, String), String> {
    let (source, byte_problems) =
        SourceFile::read(path).map_err(|error| format!("cannot read `{path}`: {error}"))?;
    Ok(std::thread::scope(|scope| {
        let hash = scope.spawn(|| fingerprint(plan_text, source.text()));
        let loaded = load_inventory(source.clone(), byte_problems);
        (loaded, joined(hash))
    }))
}

/// The result of a finished scoped thread; a panic there goes on here.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Whether a `run` program exists on this machine: a path is looked up from
/// the step's working directory (else the plan's folder), a bare name on PATH.
fn found_here(program: &str, working_directory: Option<&str>, plan_dir: &Path) -> bool {
    if program.contains('/') {
        let base = working_directory.map_or(plan_dir, Path::new);
        return base.join(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn resolved_json(resolved: &crate::check::resolved::Resolved) -> String {
    let mut text = serde_json::to_string_pretty(resolved).unwrap_or_default();
    text.push('\n');
    text
}
