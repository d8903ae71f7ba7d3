//! Catalogue section A: recovery point selection (all scenarios).

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::check::recovery_points::Unresolved;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{Consistency, RestoreMode, TierKind};

const LINK_SPEC: &str = "https://learn.microsoft.com/rest/api/backup/recovery-points/get";
const LINK_RESTORE: &str = "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms";

static NO_VALID_TIER: RuleInfo = RuleInfo {
    id: "AZ010",
    rule: "rp-no-valid-tier",
    section: "A",
    severity: Severity::Error,
    summary: "No recovery point that the selector allows has a tier that is still valid at the time of the run.",
    fix: "Choose another recovery point, or take a new backup before the restore.",
    link: LINK_SPEC,
};

static ARCHIVE_NEEDS_REHYDRATION: RuleInfo = RuleInfo {
    id: "AZ011",
    rule: "rp-archive-needs-rehydration",
    section: "A",
    severity: Severity::Error,
    summary: "The chosen recovery point is only in the archive tier: Azure must rehydrate it first, which takes hours and costs extra.",
    fix: "Set `allowRehydration: true` on the restore to accept the delay, or choose a newer recovery point.",
    link: "https://learn.microsoft.com/azure/backup/archive-tier-support",
};

static SOFT_DELETED: RuleInfo = RuleInfo {
    id: "AZ012",
    rule: "rp-soft-deleted",
    section: "A",
    severity: Severity::Error,
    summary: "The chosen recovery point belongs to a soft-deleted backup item, which must be undeleted before it can be restored.",
    fix: "Undelete the backup item in the vault, or choose another recovery point.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-security-feature-cloud",
};

static CRASH_CONSISTENT: RuleInfo = RuleInfo {
    id: "AZ013",
    rule: "rp-crash-consistent",
    section: "A",
    severity: Severity::Warning,
    summary: "The chosen recovery point is only crash-consistent: applications restart as after a power loss.",
    fix: "Use `recoveryPoint: latest-application-consistent` if the application needs a consistent state.",
    link: LINK_RESTORE,
};

static ILR_SESSION_OPEN: RuleInfo = RuleInfo {
    id: "AZ014",
    rule: "rp-ilr-session-open",
    section: "A",
    severity: Severity::Warning,
    summary: "A file-recovery mount is open against the chosen recovery point; left open it can break later backups of the machine that mounted it.",
    fix: "Unmount the disks and close the file-recovery session before the restore.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-restore-files-from-vm",
};

static SELECTIVE_DISKS: RuleInfo = RuleInfo {
    id: "AZ015",
    rule: "rp-selective-disks",
    section: "A",
    severity: Severity::Error,
    summary: "The restore asks for a disk (by LUN) that the recovery point does not contain: it was excluded from the backup.",
    fix: "Remove the LUN from `luns:`, or include the disk in the backup policy and take a new backup.",
    link: "https://learn.microsoft.com/azure/backup/selective-disk-backup-restore",
};

static REPLACE_BEFORE_VAULT_TRANSFER: RuleInfo = RuleInfo {
    id: "AZ016",
    rule: "rp-replace-wait-for-vault-transfer",
    section: "A",
    severity: Severity::Warning,
    summary: "Replace-existing from a recovery point whose transfer to the vault has not finished: Microsoft advises to restore as a new VM instead.",
    fix: "Restore `as: new-vm`, or choose a recovery point that is already in the vault tier.",
    link: LINK_RESTORE,
};

/// The rules of section A.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &NO_VALID_TIER,
        check: no_valid_tier,
    },
    Rule {
        info: &ARCHIVE_NEEDS_REHYDRATION,
        check: archive_needs_rehydration,
    },
    Rule {
        info: &SOFT_DELETED,
        check: soft_deleted,
    },
    Rule {
        info: &CRASH_CONSISTENT,
        check: crash_consistent,
    },
    Rule {
        info: &ILR_SESSION_OPEN,
        check: ilr_session_open,
    },
    Rule {
        info: &SELECTIVE_DISKS,
        check: selective_disks,
    },
    Rule {
        info: &REPLACE_BEFORE_VAULT_TRANSFER,
        check: replace_before_vault_transfer,
    },
];

fn no_valid_tier(facts: &RestoreFacts<'_>) -> Option<Finding> {
    // With a tier required or a cross-region restore, the more specific rule speaks.
    let Some(Unresolved::TierUnavailable { newest, .. }) = &facts.unresolved else {
        return None;
    };
    if facts.resolved.tier.is_some() || facts.scenario.cross_region {
        return None;
    }
    Some(Finding {
        message: format!(
            "no recovery point of {} has a valid tier at {}; the newest that matches, {newest}, has none left",
            facts.subject(),
            facts.at
        ),
        pointer: facts.field("recoveryPoint"),
        label: "nothing valid to restore".into(),
    })
}

fn archive_needs_rehydration(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let Some(Unresolved::ArchiveOnly { point }) = &facts.unresolved else {
        return None;
    };
    Some(Finding {
        message: format!(
            "recovery point {point} of {} is only in the archive tier",
            facts.subject()
        ),
        pointer: facts.field("recoveryPoint"),
        label: "needs rehydration".into(),
    })
}

fn soft_deleted(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    chosen.point.soft_deleted.then(|| Finding {
        message: format!(
            "recovery point {} of {} is soft-deleted",
            chosen.point.id,
            facts.subject()
        ),
        pointer: facts.field("recoveryPoint"),
        label: "soft-deleted".into(),
    })
}

fn crash_consistent(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    (chosen.point.consistency == Consistency::CrashConsistent).then(|| Finding {
        message: format!(
            "recovery point {} of {} ({}) is only crash-consistent",
            chosen.point.id,
            facts.subject(),
            chosen.point.time
        ),
        pointer: facts.field("recoveryPoint"),
        label: "crash-consistent".into(),
    })
}

fn ilr_session_open(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    chosen.point.ilr_session_active.then(|| Finding {
        message: format!(
            "a file-recovery session is open on recovery point {} of {}",
            chosen.point.id,
            facts.subject()
        ),
        pointer: facts.field("recoveryPoint"),
        label: "mounted for file recovery".into(),
    })
}

fn selective_disks(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    let backed_up: Vec<u8> = chosen
        .point
        .disks
        .iter()
        .filter(|d| d.included)
        .filter_map(|d| d.lun)
        .collect();
    let missing: Vec<String> = facts
        .restore
        .luns
        .iter()
        .filter(|lun| !backed_up.contains(lun))
        .map(u8::to_string)
        .collect();
    (!missing.is_empty() && !chosen.point.disks.is_empty()).then(|| Finding {
        message: format!(
            "recovery point {} of {} has no disk at LUN {} (it holds LUNs {})",
            chosen.point.id,
            facts.subject(),
            missing.join(", "),
            if backed_up.is_empty() {
                "none".to_owned()
            } else {
                backed_up
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        pointer: facts.field("luns"),
        label: "not in the backup".into(),
    })
}

fn replace_before_vault_transfer(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    let in_vault = chosen.point.has_valid_tier(TierKind::Vault, facts.at);
    (facts.resolved.mode == RestoreMode::ReplaceExisting
        && chosen.tier == TierKind::Snapshot
        && !in_vault)
        .then(|| Finding {
            message: format!(
                "recovery point {} of {} is not in the vault yet, and the restore replaces the VM",
                chosen.point.id,
                facts.subject()
            ),
            pointer: facts.field("as"),
            label: "replace-existing before the vault transfer".into(),
        })
}
