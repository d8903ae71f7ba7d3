//! `plan --live`: the estate read from Azure (or `--emulator`) instead of an
//! inventory file, and `--validate-with-azure`: Azure's own
//! `ValidateOperation` asked about every restore node, its findings reported
//! as `EX016` beside the dry run's.

use super::azure_args::{AzureArgs, Session};
use super::inventory::{ScopeArgs, checked, discover_with_progress, render};
use super::plan::Checked;
use super::{Outcome, fail, read_inventory, report_problem};
use crate::azure::error::ArmErrorKind;
use crate::diagnostic::{Code, Diagnostic};
use crate::exec::azure::AzureRestorer;
use std::sync::Arc;

/// The flags of `plan` that read Azure.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct LiveArgs {
    /// Read the estate from Azure (`--subscription`/`--vault`) instead of an inventory file;
    /// with `--emulator`, `--inventory` seeds the emulated estate.
    #[arg(long)]
    live: bool,
    /// Also ask Azure's own validation (ValidateOperation) about each restore (needs `--live`).
    #[arg(long, requires = "live")]
    validate_with_azure: bool,
    /// Also keep the estate read live in this file (as `inventory export -o` writes it), so
    /// that `plan --inventory FILE` and `apply --inventory FILE` check the very same snapshot.
    #[arg(long, value_name = "FILE", requires = "live")]
    save_inventory: Option<std::path::PathBuf>,
    #[command(flatten)]
    scope: ScopeArgs,
    #[command(flatten)]
    azure: AzureArgs,
}

/// A live snapshot written where the dry run reads it, and the session that read it.
pub(super) struct LiveInventory {
    /// Kept open for `--validate-with-azure`.
    session: Session,
    /// Holds the snapshot file; removed when dropped.
    folder: tempfile::TempDir,
    /// Where `--save-inventory` kept the snapshot.
    saved: Option<std::path::PathBuf>,
}

impl LiveInventory {
    /// The snapshot's path, for the dry run.
    pub(super) fn path(&self) -> String {
        self.folder
            .path()
            .join("live-inventory.yaml")
            .to_string_lossy()
            .into_owned()
    }

    /// The file a resolved plan names as its inventory: the saved snapshot,
    /// or none (the temporary one is gone when `plan` ends).
    pub(super) fn saved(&self) -> Option<String> {
        self.saved
            .as_ref()
            .map(|path| path.to_string_lossy().into_owned())
    }

    /// Stops the emulator, if one was started.
    pub(super) fn close(self) {
        self.session.close();
    }
}

impl LiveArgs {
    /// Whether Azure's validation was asked for.
    pub(super) fn validate_with_azure(&self) -> bool {
        self.validate_with_azure
    }

    /// Reads the estate when `--live` is given; refuses Azure flags without it.
    /// `inventory` is `--inventory`: the emulator's seed under `--live --emulator`.
    pub(super) fn read(&self, inventory: Option<&str>) -> Result<Option<LiveInventory>, Outcome> {
        if !self.live {
            if !self.scope.is_empty() || self.azure.emulator {
                return Err(fail(
                    "`--subscription`, `--vault` and `--emulator` go with `--live`",
                ));
            }
            return Ok(None);
        }
        if inventory.is_some() && !self.azure.emulator {
            return Err(fail(
                "`--live` reads the estate from Azure: give `--inventory` only to seed `--emulator`",
            ));
        }
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let now = now.round(jiff::Unit::Second).unwrap_or(now);
        let scope = self.scope.scope(now)?;
        let seed = match inventory.map(read_inventory) {
            None => None,
            Some(Ok(Some(seed))) => Some(seed),
            Some(Ok(None)) => return Err(Outcome::Problems),
            Some(Err(message)) => return Err(fail(&message)),
        };
        let session = Session::open(&self.azure, seed.as_ref())?;
        let discovery = discover_with_progress(&session, &scope);
        for problem in &discovery.problems {
            report_problem(problem);
        }
        if discovery.incomplete() {
            session.close();
            eprintln!("error: part of the estate could not be read; the plan was not checked");
            return Err(Outcome::Problems);
        }
        let folder = tempfile::tempdir()
            .map_err(|error| fail(&format!("cannot make a temporary folder: {error}")))?;
        let live = LiveInventory {
            session,
            folder,
            saved: self.save_inventory.clone(),
        };
        let text = render(&discovery.inventory, false).map_err(|p| super::refuse(&p))?;
        checked(&live.path(), &text).map_err(|p| super::refuse(&p))?;
        std::fs::write(live.path(), &text)
            .map_err(|error| fail(&format!("cannot write `{}`: {error}", live.path())))?;
        if let Some(path) = &self.save_inventory {
            crate::exec::run_folder::write_file_whole(path, text.as_bytes()).map_err(|error| {
                super::refuse(
                    &Diagnostic::new(
                        Code::ExportNotWritten,
                        format!("cannot write `{}`: {error}", path.display()),
                    )
                    .with_help(Code::ExportNotWritten.info().fix),
                )
            })?;
        }
        Ok(Some(live))
    }
}

/// Azure's findings on every restore node of the dry run, located at the
/// node's step: `EX016` with Azure's code and message for each rule a restore
/// breaks, and the error itself when Azure could not be asked.
pub(super) fn azure_findings(live: &LiveInventory, checked: &Checked) -> Vec<Diagnostic> {
    let Some(plan) = checked.validated.plan.clone() else {
        return Vec::new();
    };
    let graph = Arc::new(checked.expanded.clone());
    // Nothing runs, so the run folder is the snapshot's, and never written to.
    let restorer = AzureRestorer::new(
        live.session.backup.clone(),
        Arc::new(plan),
        graph.clone(),
        Arc::new(checked.inventory.clone()),
        &checked.resolved,
        ("validate-with-azure", live.folder.path()),
    );
    let unsupported: Vec<String> = AzureRestorer::unsupported(&graph)
        .into_iter()
        .map(|(node, _)| node)
        .collect();
    let steps: std::collections::HashMap<&str, usize> = (0..graph.node_count())
        .map(|i| (graph.node(i).id.as_str(), graph.node(i).step_index))
        .collect();
    let mut found = Vec::new();
    for node in &checked.resolved.nodes {
        if node.kind != "restore" || node.recovery_point.is_none() || unsupported.contains(&node.id)
        {
            continue;
        }
        let pointer = steps
            .get(node.id.as_str())
            .map_or_else(String::new, |step| format!("/steps/{step}/restore"));
        let request = match restorer.restore_request(node) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(failure) => {
                let mut skipped = Diagnostic::new(
                    Code::AzureValidationFinding,
                    format!("`{}`: not asked of Azure: {}", node.id, failure.message),
                )
                .at(&pointer, "not validated by Azure");
                // The dry run already says what is missing; Azure was just not asked.
                skipped.severity = crate::diagnostic::Severity::Warning;
                found.push(skipped);
                continue;
            }
        };
        let (vault, point, request) = request;
        let answer = live.session.block_on(
            live.session
                .backup
                .validate_restore(&vault, &point, request),
        );
        let Err(error) = answer else { continue };
        match error.kind.as_ref() {
            ArmErrorKind::ValidationFindings(findings) => {
                for finding in findings {
                    let code = finding.code.as_deref().unwrap_or("no code");
                    let message = finding.message.as_deref().unwrap_or("no message");
                    let help = finding
                        .recommendations
                        .as_ref()
                        .filter(|r| !r.is_empty())
                        .map_or_else(
                            || Code::AzureValidationFinding.info().fix.to_owned(),
                            |r| r.join(" "),
                        );
                    found.push(
                        Diagnostic::new(
                            Code::AzureValidationFinding,
                            format!(
                                "`{}`: Azure refuses the restore: {code}: {message}",
                                node.id
                            ),
                        )
                        .at(&pointer, code)
                        .with_help(help),
                    );
                }
            }
            _ => {
                let diagnostic = error.to_diagnostic();
                found.push(
                    Diagnostic::new(
                        diagnostic.code,
                        format!(
                            "`{}`: Azure's validation could not run: {}",
                            node.id, diagnostic.message
                        ),
                    )
                    .at(&pointer, "not validated by Azure")
                    .with_help(diagnostic.help.unwrap_or_default()),
                );
            }
        }
    }
    found
}
