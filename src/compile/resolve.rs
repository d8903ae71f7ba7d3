//! Name resolution: defaults merged into each restore, vault and target
//! names checked, `dependsOn` entries and output references turned into edges.

use super::graph::Node;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Plan, RecoveryPointSelector, RestoreMode, Step, StepKind, Tier};
use crate::source::escape_pointer_token;
use crate::suggest::did_you_mean;

/// A restore step with the plan's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRestore {
    /// The restore mode.
    pub mode: RestoreMode,
    /// The vault name.
    pub vault: String,
    /// The target name, for modes that create resources.
    pub target: Option<String>,
    /// The recovery point selector (default `latest`).
    pub recovery_point: RecoveryPointSelector,
    /// The required tier, if any.
    pub tier: Option<Tier>,
}

/// One node per step, in file order; reports duplicate ids and bad names.
pub(super) fn resolve_steps(plan: &Plan, diagnostics: &mut Vec<Diagnostic>) -> Vec<Node> {
    check_default_names(plan, diagnostics);
    plan.steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let restore = match &step.kind {
                StepKind::Restore(_) => resolve_restore(plan, step, index, diagnostics),
                _ => None,
            };
            Node {
                id: step.id.clone(),
                step_index: index,
                kind: step.kind.name(),
                subject: match &step.kind {
                    StepKind::Restore(r) => Some(r.subject()),
                    _ => None,
                },
                restore,
                optional: step.optional,
                vm: None,
            }
        })
        .collect()
}

/// Reports a recovery-point selector whose time does not exist.
fn check_recovery_point(
    selector: Option<&RecoveryPointSelector>,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(Err(reason)) = selector.map(RecoveryPointSelector::query) {
        diagnostics.push(
            Diagnostic::new(Code::NotARealTime, reason)
                .at(&format!("{pointer}/before"), "no such time")
                .with_help(Code::NotARealTime.info().fix),
        );
    }
}

fn check_default_names(plan: &Plan, diagnostics: &mut Vec<Diagnostic>) {
    check_recovery_point(
        plan.defaults.recovery_point.as_ref(),
        "/defaults/recoveryPoint",
        diagnostics,
    );
    if let Some(vault) = &plan.defaults.vault {
        check_name(plan, Declared::Vault, vault, "/defaults/vault", diagnostics);
    }
    if let Some(target) = &plan.defaults.target {
        check_name(
            plan,
            Declared::Target,
            target,
            "/defaults/target",
            diagnostics,
        );
    }
}

#[derive(Clone, Copy)]
enum Declared {
    Vault,
    Target,
}

/// Reports a name that `vaults:`/`targets:` does not declare; true when it is declared.
fn check_name(
    plan: &Plan,
    kind: Declared,
    name: &str,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let (declared, code, noun, section): (Vec<&str>, _, _, _) = match kind {
        Declared::Vault => (
            plan.vaults.keys().map(String::as_str).collect(),
            Code::UnknownVault,
            "vault",
            "vaults",
        ),
        Declared::Target => (
            plan.targets.keys().map(String::as_str).collect(),
            Code::UnknownTarget,
            "target",
            "targets",
        ),
    };
    if declared.contains(&name) {
        return true;
    }
    let help = match did_you_mean(name, declared.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if declared.is_empty() => format!("declare it under `{section}:`"),
        None => format!(
            "declare it under `{section}:`, or use one of {}",
            declared
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    diagnostics.push(
        Diagnostic::new(code, format!("unknown {noun} `{name}`"))
            .at(
                pointer,
                format!("no {noun} of this name under `{section}:`"),
            )
            .with_help(help),
    );
    false
}

fn resolve_restore(
    plan: &Plan,
    step: &Step,
    index: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResolvedRestore> {
    let StepKind::Restore(restore) = &step.kind else {
        return None;
    };
    let at = |field: &str| format!("/steps/{index}/restore/{field}");
    let mut ok = true;
    let vault = match (&restore.vault, &plan.defaults.vault) {
        (Some(own), _) => {
            ok &= check_name(plan, Declared::Vault, own, &at("vault"), diagnostics);
            Some(own.clone())
        }
        (None, Some(default)) => Some(default.clone()),
        (None, None) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingVault,
                    format!("restore step `{}` has no vault", step.id),
                )
                .at(
                    &format!("/steps/{index}/restore"),
                    "no `vault:` here and no `defaults.vault`",
                )
                .with_help(Code::MissingVault.info().fix),
            );
            ok = false;
            None
        }
    };
    let target = match (&restore.target, &plan.defaults.target) {
        (Some(own), _) => {
            ok &= check_name(plan, Declared::Target, own, &at("target"), diagnostics);
            Some(own.clone())
        }
        // A replace needs the target's staging account too, though it restores in place.
        (None, Some(default)) if restore.mode != RestoreMode::Files => Some(default.clone()),
        (None, _) if restore.mode.needs_target() => {
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingTarget,
                    format!(
                        "restore step `{}` creates resources (`as: {}`) but has no target",
                        step.id,
                        restore.mode.as_str()
                    ),
                )
                .at(&format!("/steps/{index}/restore/as"), "needs a target")
                .with_help(Code::MissingTarget.info().fix),
            );
            ok = false;
            None
        }
        (None, _) => None,
    };
    check_mode_options(step, index, diagnostics);
    check_recovery_point(
        restore.recovery_point.as_ref(),
        &at("recoveryPoint"),
        diagnostics,
    );
    let restore_ok = ok && vault.is_some();
    restore_ok.then(|| ResolvedRestore {
        mode: restore.mode,
        vault: vault.unwrap_or_default(),
        target,
        recovery_point: restore
            .recovery_point
            .clone()
            .or_else(|| plan.defaults.recovery_point.clone())
            .unwrap_or_else(|| RecoveryPointSelector::Named("latest".into())),
        tier: restore.tier.or(plan.defaults.tier),
    })
}

/// Options that only make sense for some restore modes.
fn check_mode_options(step: &Step, index: usize, diagnostics: &mut Vec<Diagnostic>) {
    let StepKind::Restore(restore) = &step.kind else {
        return;
    };
    let at = |field: &str| format!("/steps/{index}/restore/{field}");
    let mode = restore.mode;
    if restore.then.is_some() && mode != RestoreMode::Disks {
        diagnostics.push(
            Diagnostic::new(
                Code::ThenNeedsDisks,
                format!(
                    "`then: deploy-template` needs `as: disks`, but step `{}` restores `as: {}`",
                    step.id,
                    mode.as_str()
                ),
            )
            .at(&at("then"), "only after a disk restore")
            .with_help(Code::ThenNeedsDisks.info().fix),
        );
    }
    let mut not_for = |field: &str, applies: bool, why: String| {
        if !applies {
            diagnostics.push(
                Diagnostic::new(
                    Code::OptionNotForMode,
                    format!("`{field}` does not apply to step `{}`: {why}", step.id),
                )
                .at_key(&at(field), "not applicable")
                .with_help(Code::OptionNotForMode.info().fix),
            );
        }
    };
    if restore.name.is_some() {
        if restore.select.is_some() {
            not_for(
                "name",
                false,
                "a `select:` restores several VMs, which cannot share one name".into(),
            );
        } else {
            let creates_vm = mode == RestoreMode::NewVm
                || (mode == RestoreMode::Disks && restore.then.is_some());
            not_for(
                "name",
                creates_vm,
                format!("`as: {}` creates no VM to name", mode.as_str()),
            );
        }
    }
    if !restore.luns.is_empty() {
        let applies = matches!(mode, RestoreMode::Disks | RestoreMode::NewVm);
        not_for(
            "luns",
            applies,
            format!(
                "disks are chosen by LUN only when restoring `as: disks` or `as: new-vm`, not `as: {}`",
                mode.as_str()
            ),
        );
    }
    if restore.zone.is_some() {
        not_for(
            "zone",
            mode.needs_target(),
            format!("`as: {}` places no resources in a zone", mode.as_str()),
        );
    }
    if restore.disk_encryption_set.is_some() {
        not_for(
            "diskEncryptionSet",
            mode.needs_target(),
            format!("`as: {}` creates no disks", mode.as_str()),
        );
    }
}

/// Warnings for vaults and targets that nothing uses. A declaration that a
/// misspelt name was meant to use is left out: the unknown-name error that
/// suggests it already says what is wrong.
pub(super) fn unused_declarations(plan: &Plan) -> Vec<Diagnostic> {
    let restores = || {
        plan.steps.iter().filter_map(|s| match &s.kind {
            StepKind::Restore(r) => Some(r),
            _ => None,
        })
    };
    let used_vaults: Vec<&str> = plan
        .defaults
        .vault
        .iter()
        .chain(restores().filter_map(|r| r.vault.as_ref()))
        .map(String::as_str)
        .collect();
    let used_targets: Vec<&str> = plan
        .defaults
        .target
        .iter()
        .chain(restores().filter_map(|r| r.target.as_ref()))
        .map(String::as_str)
        .collect();
    let mut found = Vec::new();
    let mut report = |kind: &str, section: &str, declared: Vec<&String>, used: &[&str]| {
        for name in declared {
            let meant_by_typo = used.iter().any(|u| {
                !declared_contains(plan, section, u) && did_you_mean(u, [name.as_str()]).is_some()
            });
            if used.contains(&name.as_str()) || meant_by_typo {
                continue;
            }
            found.push(
                Diagnostic::new(
                    Code::UnusedDeclaration,
                    format!("{kind} `{name}` is declared but no step uses it"),
                )
                .at_key(
                    &format!("/{section}/{}", escape_pointer_token(name)),
                    "unused",
                )
                .with_help(Code::UnusedDeclaration.info().fix),
            );
        }
    };
    report(
        "vault",
        "vaults",
        plan.vaults.keys().collect(),
        &used_vaults,
    );
    report(
        "target",
        "targets",
        plan.targets.keys().collect(),
        &used_targets,
    );
    found
}

fn declared_contains(plan: &Plan, section: &str, name: &str) -> bool {
    match section {
        "vaults" => plan.vaults.contains_key(name),
        _ => plan.targets.contains_key(name),
    }
}
