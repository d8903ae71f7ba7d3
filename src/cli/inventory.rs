//! `restoreplan inventory export --subscription <id>… [--vault <id>…]
//! [--since 30d] [-o FILE]`: reads the estate from live ARM (or the embedded
//! emulator) into an inventory, checks it against the inventory schema and
//! writes it whole. YAML unless the file name ends in `.json`; stdout
//! without `-o`. Nothing is written when part of the estate could not be read.

use super::azure_args::{AzureArgs, Session};
use super::{Outcome, fail, print, read_inventory, report_problem};
use crate::azure::discover::{Discovery, Progress, Scope, discover};
use crate::azure::id::{SubscriptionId, VaultId};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Inventory;
use crate::pipeline::load_inventory;
use crate::source::SourceFile;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `inventory` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum Command {
    /// Read the estate from Azure into an inventory file (vaults, protected items, recovery points, VMs, networks, storage, quotas).
    Export(ExportArgs),
}

/// What part of Azure to read.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct ScopeArgs {
    /// A subscription to read (repeatable).
    #[arg(long = "subscription", value_name = "ID")]
    subscriptions: Vec<String>,
    /// Read only this vault's backups (repeatable; its subscription is read too).
    #[arg(long = "vault", value_name = "ID")]
    vaults: Vec<String>,
    /// How far back recovery points are read.
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = parse_since)]
    since: crate::model::Duration,
}

fn parse_since(text: &str) -> Result<crate::model::Duration, String> {
    crate::model::Duration::parse(text)
        .ok_or_else(|| format!("`{text}` is not a duration such as `30d`, `7d12h` or `36h`"))
}

impl ScopeArgs {
    /// Whether any subscription or vault was named.
    pub(super) fn is_empty(&self) -> bool {
        self.subscriptions.is_empty() && self.vaults.is_empty()
    }

    /// The scope as of `now`; an id that is not one is refused, and so is no id at all.
    pub(super) fn scope(&self, now: jiff::Timestamp) -> Result<Scope, Outcome> {
        if self.is_empty() {
            return Err(fail(
                "name what to read: `--subscription <id>` or `--vault <id>` (each repeatable)",
            ));
        }
        let invalid = |id: &str, why: &dyn std::fmt::Display| {
            super::refuse(
                &Diagnostic::new(Code::InvalidResourceId, format!("`{id}`: {why}"))
                    .with_help(Code::InvalidResourceId.info().fix),
            )
        };
        let subscriptions = self
            .subscriptions
            .iter()
            .map(|id| {
                let guid = id.trim_start_matches("/subscriptions/");
                SubscriptionId::new(guid).map_err(|e| invalid(id, &e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let vaults = self
            .vaults
            .iter()
            .map(|id| id.parse::<VaultId>().map_err(|e| invalid(id, &e)))
            .collect::<Result<Vec<_>, _>>()?;
        let seconds = i64::try_from(self.since.as_secs()).unwrap_or(i64::MAX);
        Ok(Scope {
            subscriptions,
            vaults,
            since: jiff::SignedDuration::from_secs(seconds),
            now,
        })
    }
}

/// Arguments of `inventory export`.
#[derive(Debug, clap::Args)]
pub(super) struct ExportArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    /// Write here (YAML, or JSON when the name ends in `.json`) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// The inventory that seeds the emulated estate (with `--emulator`).
    #[arg(long, value_name = "FILE", requires = "emulator")]
    inventory: Option<String>,
    #[command(flatten)]
    azure: AzureArgs,
}

pub(super) fn run(command: Command) -> Outcome {
    match command {
        Command::Export(args) => export(&args),
    }
}

fn export(args: &ExportArgs) -> Outcome {
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    // Whole seconds read better in the file, and Azure's times have no more.
    let now = now.round(jiff::Unit::Second).unwrap_or(now);
    let scope = match args.scope.scope(now) {
        Ok(scope) => scope,
        Err(outcome) => return outcome,
    };
    let seed = match args.inventory.as_deref().map(read_inventory) {
        None => None,
        Some(Ok(Some(seed))) => Some(seed),
        Some(Ok(None)) => return Outcome::Problems,
        Some(Err(message)) => return fail(&message),
    };
    let session = match Session::open(&args.azure, seed.as_ref()) {
        Ok(session) => session,
        Err(outcome) => return outcome,
    };
    let discovery = discover_with_progress(&session, &scope);
    session.close();
    for problem in &discovery.problems {
        report_problem(problem);
    }
    if discovery.incomplete() {
        eprintln!("error: part of the estate could not be read; no inventory was written");
        return Outcome::Problems;
    }
    let json = args
        .output
        .as_deref()
        .and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let text = match render(&discovery.inventory, json) {
        Ok(text) => text,
        Err(problem) => {
            report_problem(&problem);
            return Outcome::Failure;
        }
    };
    let name = args
        .output
        .as_ref()
        .map_or_else(|| "<stdout>".to_owned(), |p| p.display().to_string());
    if let Err(problem) = checked(&name, &text) {
        report_problem(&problem);
        return Outcome::Failure;
    }
    match &args.output {
        None => print(&text),
        Some(path) => {
            if let Err(error) = crate::exec::run_folder::write_file_whole(path, text.as_bytes()) {
                report_problem(
                    &Diagnostic::new(
                        Code::ExportNotWritten,
                        format!("cannot write `{}`: {error}", path.display()),
                    )
                    .with_help(Code::ExportNotWritten.info().fix),
                );
                return Outcome::Failure;
            }
            let inventory = &discovery.inventory;
            eprintln!(
                "wrote {}: {} vaults, {} VMs, {} virtual networks, {} storage accounts",
                path.display(),
                inventory.vaults.len(),
                inventory.virtual_machines.len(),
                inventory.virtual_networks.len(),
                inventory.storage_accounts.len()
            );
        }
    }
    Outcome::Success
}

/// Runs discovery with a progress bar on a terminal (plain lines otherwise).
pub(super) fn discover_with_progress(session: &Session, scope: &Scope) -> Discovery {
    let progress = progress();
    let discovery = session.block_on(discover(&session.backup, scope, progress.as_ref()));
    progress.finish();
    discovery
}

/// The inventory as text: YAML (which the loader reads back), or JSON.
pub(super) fn render(inventory: &Inventory, json: bool) -> Result<String, Diagnostic> {
    let body = serde_json::to_value(inventory).map_err(|e| not_renderable(&e))?;
    let mut document = serde_json::Map::new();
    document.insert("apiVersion".into(), "restoreplan/v1".into());
    document.insert("kind".into(), "Inventory".into());
    if let serde_json::Value::Object(fields) = body {
        document.extend(fields);
    }
    let document = serde_json::Value::Object(document);
    if json {
        let mut text = serde_json::to_string_pretty(&document).map_err(|e| not_renderable(&e))?;
        text.push('\n');
        return Ok(text);
    }
    // Ids on one line each: a folded scalar would split them in diffs.
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    let yaml =
        serde_saphyr::to_string_with_options(&document, options).map_err(|e| not_renderable(&e))?;
    Ok(format!(
        "# yaml-language-server: $schema=https://restoreplan.dev/schemas/inventory.schema.json\n# Written by `restoreplan inventory export` from Azure Resource Manager.\n{yaml}"
    ))
}

fn not_renderable(error: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::ExportInvalid,
        format!("the inventory cannot be written out: {error}"),
    )
    .with_help(Code::ExportInvalid.info().fix)
}

/// Loads the text as `plan` would; an inventory that does not pass is a bug
/// or an Azure answer restoreplan does not expect, and is not written.
pub(super) fn checked(name: &str, text: &str) -> Result<Inventory, Diagnostic> {
    let loaded = load_inventory(SourceFile::from_text(name, text), Vec::new());
    if let Some(inventory) = loaded.inventory {
        return Ok(inventory);
    }
    let first = loaded
        .report
        .diagnostics
        .first()
        .map_or_else(|| "no reason given".to_owned(), |d| d.message.clone());
    Err(Diagnostic::new(
        Code::ExportInvalid,
        format!(
            "the inventory read from Azure does not pass the inventory schema ({} problems; the first: {first})",
            loaded.report.diagnostics.len()
        ),
    )
    .with_help(Code::ExportInvalid.info().fix))
}

/// A progress bar on stderr on a terminal, else one plain line per step.
fn progress() -> Box<dyn Finish> {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} reading Azure [{bar:30}] {pos}/{len} {msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Box::new(Bar(bar))
    } else {
        Box::new(Lines)
    }
}

/// Progress that can be closed.
trait Finish: Progress {
    fn finish(&self);
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn expect(&self, count: u64) {
        self.0.inc_length(count);
    }
    fn done(&self, what: &str) {
        self.0.set_message(what.to_owned());
        self.0.inc(1);
    }
}

impl Finish for Bar {
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

struct Lines;

impl Progress for Lines {
    fn expect(&self, _count: u64) {}
    fn done(&self, what: &str) {
        eprintln!("read {what}");
    }
}

impl Finish for Lines {
    fn finish(&self) {}
}
