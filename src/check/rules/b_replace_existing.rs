//! Catalogue section B: replace existing (`as: replace-existing`, OriginalLocation).

use super::{Finding, Rule, at_mode};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::RestoreMode;

const LINK: &str =
    "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#replace-existing-disks";

static VM_MUST_EXIST: RuleInfo = RuleInfo {
    id: "AZ020",
    rule: "olr-vm-must-exist",
    section: "B",
    severity: Severity::Error,
    summary: "Replace-existing needs the source VM to exist; it has been deleted.",
    fix: "Restore `as: new-vm` (or `disks`) instead.",
    link: LINK,
};

static UNMANAGED: RuleInfo = RuleInfo {
    id: "AZ021",
    rule: "olr-unmanaged-or-classic",
    section: "B",
    severity: Severity::Error,
    summary: "Replace-existing is supported only for VMs with managed disks.",
    fix: "Restore `as: new-vm` or `as: disks`.",
    link: LINK,
};

static GENERALIZED: RuleInfo = RuleInfo {
    id: "AZ022",
    rule: "olr-generalized-vm",
    section: "B",
    severity: Severity::Error,
    summary: "Replace-existing is not supported for a generalized VM.",
    fix: "Restore `as: new-vm` or `as: disks`.",
    link: LINK,
};

static ADE_ENCRYPTED: RuleInfo = RuleInfo {
    id: "AZ023",
    rule: "olr-ade-encrypted",
    section: "B",
    severity: Severity::Error,
    summary: "An ADE-encrypted VM cannot be restored with replace-existing.",
    fix: "Restore `as: disks` with `then: deploy-template` (for Linux, the disk-encryption extension is reinstalled).",
    link: "https://learn.microsoft.com/azure/backup/restore-azure-encrypted-virtual-machines",
};

static LINKED_RESOURCES: RuleInfo = RuleInfo {
    id: "AZ024",
    rule: "olr-linked-resources",
    section: "B",
    severity: Severity::Warning,
    summary: "The VM has a user-assigned managed identity: older documentation says replace-existing does not support linked resources.",
    fix: "Test the replace in a drill first, or restore `as: new-vm`.",
    link: LINK,
};

static DISK_COUNT_MISMATCH: RuleInfo = RuleInfo {
    id: "AZ025",
    rule: "olr-disk-count-mismatch",
    section: "B",
    severity: Severity::Warning,
    summary: "The recovery point has another number of disks than the VM has now: after the replace, the VM has the recovery point's disks.",
    fix: "Check that the disks added or removed since the backup are not needed, or restore `as: new-vm`.",
    link: LINK,
};

static STAGING_ACCOUNT: RuleInfo = RuleInfo {
    id: "AZ026",
    rule: "olr-staging-account",
    section: "B",
    severity: Severity::Error,
    summary: "Replace-existing needs a staging storage account, and the restore has none.",
    fix: "Give the restore a `target:` whose `stagingStorageAccount` is in the vault's region.",
    link: LINK,
};

/// The rules of section B.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &VM_MUST_EXIST,
        check: vm_must_exist,
    },
    Rule {
        info: &UNMANAGED,
        check: unmanaged,
    },
    Rule {
        info: &GENERALIZED,
        check: generalized,
    },
    Rule {
        info: &ADE_ENCRYPTED,
        check: ade_encrypted,
    },
    Rule {
        info: &LINKED_RESOURCES,
        check: linked_resources,
    },
    Rule {
        info: &DISK_COUNT_MISMATCH,
        check: disk_count_mismatch,
    },
    Rule {
        info: &STAGING_ACCOUNT,
        check: staging_account,
    },
];

fn replacing(facts: &RestoreFacts<'_>) -> bool {
    facts.resolved.mode == RestoreMode::ReplaceExisting
}

fn vm_must_exist(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !replacing(facts) || facts.vm.exists {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} no longer exists, so it cannot be replaced",
            facts.subject()
        ),
        "the VM is gone",
    )
}

fn unmanaged(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let unmanaged_now = facts.vm.disks.iter().any(|d| !d.managed);
    let unmanaged_then = facts.chosen.is_some_and(|c| !c.point.managed);
    if !replacing(facts) || !(unmanaged_now || unmanaged_then) {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} has unmanaged disks, which replace-existing does not support",
            facts.subject()
        ),
        "unmanaged disks",
    )
}

fn generalized(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !replacing(facts) || !facts.vm.generalized {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} is generalized, which replace-existing does not support",
            facts.subject()
        ),
        "generalized VM",
    )
}

fn ade_encrypted(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let encrypted = facts.vm.encryption.ade || facts.chosen.is_some_and(|c| c.point.encrypted);
    if !replacing(facts) || !encrypted {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} is encrypted with Azure Disk Encryption, so it cannot be replaced",
            facts.subject()
        ),
        "ADE-encrypted VM",
    )
}

fn linked_resources(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !replacing(facts) || facts.vm.identity.user_assigned.is_empty() {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} has {} user-assigned identit{}",
            facts.subject(),
            facts.vm.identity.user_assigned.len(),
            if facts.vm.identity.user_assigned.len() == 1 {
                "y"
            } else {
                "ies"
            }
        ),
        "linked resources",
    )
}

fn disk_count_mismatch(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    let (then, now) = (chosen.point.disks.len(), facts.vm.disks.len());
    if !replacing(facts) || then == 0 || now == 0 || then == now {
        return None;
    }
    at_mode(
        facts,
        format!(
            "recovery point {} of {} has {then} disks, the VM has {now} now",
            chosen.point.id,
            facts.subject()
        ),
        "the disk set changes",
    )
}

fn staging_account(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let has_staging = facts
        .target
        .is_some_and(|t| t.staging_storage_account.is_some());
    if !replacing(facts) || has_staging {
        return None;
    }
    Some(Finding {
        message: format!(
            "the replace of {} has no staging storage account",
            facts.subject()
        ),
        pointer: facts.target_pointer(),
        label: "no staging storage account".into(),
    })
}
