//! The command line: one file per subcommand, each thin glue over the stages.
//! Exit codes: 0 success, 1 the input has errors, 2 the command could not run.

mod apply;
mod approve;
mod azure_args;
mod completions;
mod emulator;
mod graph;
mod inventory;
mod live;
mod plan;
mod progress;
mod runs;
mod schema;
mod signals;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Disaster recovery for Azure virtual machines as code.
#[derive(Debug, Parser)]
#[command(name = "restoreplan", version, about, long_about = None)]
pub struct Cli {
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check restore plans against the schema and compile them; report every problem.
    Validate(validate::Args),
    /// Print the compiled dependency graph of a plan.
    Graph(graph::Args),
    /// Dry-run a plan against an inventory: Azure's restore limitations, recovery points, recovery time.
    Plan(plan::Args),
    /// Read inventories from Azure.
    #[command(subcommand)]
    Inventory(inventory::Command),
    /// Execute a plan: dry-run it, then run its steps through Azure (or `--emulator`), journaled and resumable.
    Apply(apply::Args),
    /// Approve a waiting `approve` gate of a run from another terminal or job.
    Approve(approve::Args),
    /// List past runs, or show one run's report.
    #[command(subcommand)]
    Runs(runs::Command),
    /// Serve a local Azure (backup restore API, token endpoint) seeded from an inventory, until Ctrl-C.
    Emulator(emulator::Args),
    /// Print an embedded JSON Schema.
    Schema(schema::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Color {
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// The outcome of a command, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was fine.
    Success = 0,
    /// The input has errors.
    Problems = 1,
    /// The command could not run.
    Failure = 2,
    /// The run was interrupted (Ctrl-C, SIGTERM) and can be resumed.
    Interrupted = 130,
}

/// Parses the arguments and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let style = crate::report::human::Style {
        color: cli.color.enabled(),
        width: 100,
    };
    let outcome = match cli.command {
        Command::Validate(args) => validate::run(args, style),
        Command::Graph(args) => graph::run(args, style),
        Command::Plan(args) => plan::run(args, style),
        Command::Inventory(command) => inventory::run(command),
        Command::Apply(args) => apply::run(args, style),
        Command::Approve(args) => approve::run(args),
        Command::Runs(command) => runs::run(command),
        Command::Emulator(args) => emulator::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Completions(args) => completions::run(args),
    };
    ExitCode::from(outcome as u8)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Prints a problem that belongs to no file (a run, a lock, Azure) to stderr,
/// as `error[EX103]: message` with its help line.
fn report_problem(diagnostic: &crate::diagnostic::Diagnostic) {
    eprintln!(
        "{}[{}]: {}",
        diagnostic.severity.as_str(),
        diagnostic.code.id(),
        crate::report::human::printable(&diagnostic.message)
    );
    if let Some(help) = &diagnostic.help {
        eprintln!("  help: {}", crate::report::human::printable(help));
    }
}

/// Reports a problem that stops a command (see [`report_problem`]).
fn refuse(diagnostic: &crate::diagnostic::Diagnostic) -> Outcome {
    report_problem(diagnostic);
    Outcome::Failure
}

/// Reports that a command could not run.
fn fail(message: &str) -> Outcome {
    eprintln!("error: {message}");
    Outcome::Failure
}

/// Reads and loads an inventory. `Ok(None)` when it has errors, which have
/// been printed to stderr (stdout is for the command's result).
fn read_inventory(path: &str) -> Result<Option<crate::model::Inventory>, String> {
    let (source, byte_problems) = crate::source::SourceFile::read(path)
        .map_err(|error| format!("cannot read `{path}`: {error}"))?;
    Ok(inventory_or_report(crate::pipeline::load_inventory(
        source,
        byte_problems,
    )))
}

/// The inventory that was loaded, or `None` after printing to stderr why it could not be.
fn inventory_or_report(
    loaded: crate::pipeline::LoadedInventory,
) -> Option<crate::model::Inventory> {
    if loaded.inventory.is_none() {
        let style = crate::report::human::Style::plain();
        eprint!("{}", crate::report::human::render(&loaded.report, style));
    }
    keep_until_exit(loaded.value);
    loaded.inventory
}

/// Leaves a large tree for the operating system to reclaim when the process
/// exits, which it is about to: freeing the million small allocations of a
/// 10,000-VM inventory one by one costs a tenth of a `plan` run.
fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Reads and validates one plan, or explains on stderr why it could not be read.
fn read_and_validate(path: &str) -> Result<crate::pipeline::Validated, String> {
    let (source, byte_problems) = crate::source::SourceFile::read(path)
        .map_err(|error| format!("cannot read `{path}`: {error}"))?;
    Ok(crate::pipeline::validate_plan(source, byte_problems))
}
