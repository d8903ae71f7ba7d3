//! Catalogue section D: restore disks (`as: disks`, RestoreDisks).
//!
//! Skipped: `rd-vhd-over-4tb` (AZ051), an `info` row.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{RestoreMode, ThenAction, Tier, TierKind, arm_id_name};
use crate::source::escape_pointer_token;

const RESTORE_DISKS: &str =
    "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#restore-disks";

/// Disks from this size up are not copied to the staging account as VHDs (4 TiB).
const VHD_COPY_LIMIT_GIB: u64 = 4096;
/// ADE settings are not restored on disks larger than this (4097 GB, as documented).
const ADE_DISK_LIMIT_GIB: u64 = 4097;
/// ADE settings are not restored on VMs with more disks than this.
const ADE_DISK_COUNT_LIMIT: usize = 16;

static TEMPLATE_SAS_KEY_ACCESS: RuleInfo = RuleInfo {
    id: "AZ050",
    rule: "rd-template-sas-key-access",
    section: "D",
    severity: Severity::Warning,
    summary: "The restore template is deployed with a SAS of the staging account, which fails when the account does not allow shared key access.",
    fix: "Allow storage account key access on the staging account, or use a staging account that allows it.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#use-templates-to-customize-a-restored-vm",
};

static STAGING_VHD_COST: RuleInfo = RuleInfo {
    id: "AZ052",
    rule: "rd-staging-vhd-cost",
    section: "D",
    severity: Severity::Warning,
    summary: "A disk restore of a managed VM from the vault tier also copies each disk under 4 TiB as a VHD to the staging account, where it is billed until deleted.",
    fix: "Delete the VHDs from the staging account after the restore (a `run` step), or restore from the snapshot tier.",
    link: RESTORE_DISKS,
};

static UNMANAGED_AS_MANAGED_VAULT_ONLY: RuleInfo = RuleInfo {
    id: "AZ053",
    rule: "rd-unmanaged-as-managed-vault-only",
    section: "D",
    severity: Severity::Error,
    summary: "Unmanaged disks are restored as managed disks only from the vault tier, and never for an encrypted VM.",
    fix: "Require `tier: vault` and choose a recovery point that is in the vault; for an encrypted unmanaged VM, restore its VHDs another way.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#restoring-unmanaged-vms-and-disks-as-managed",
};

static ADE_LIMITS: RuleInfo = RuleInfo {
    id: "AZ054",
    rule: "rd-ade-limits",
    section: "D",
    severity: Severity::Warning,
    summary: "For an ADE-encrypted VM with a disk over 4097 GB or more than 16 disks, the restore job does not restore the ADE settings on the restored disks.",
    fix: "Plan to reapply Azure Disk Encryption from the original Key Vault after the template is deployed (a `run` step).",
    link: "https://learn.microsoft.com/azure/backup/restore-azure-encrypted-virtual-machines#step-3-restore-an-encrypted-linux-vm",
};

static AVAILABILITY_SET_UNMANAGED: RuleInfo = RuleInfo {
    id: "AZ055",
    rule: "rd-availability-set-unmanaged",
    section: "D",
    severity: Severity::Warning,
    summary: "A VM with unmanaged disks cannot be restored straight into an availability set: the VM the template deploys is in none.",
    fix: "Deploy the VM into the availability set yourself from the restored disks, or migrate the VM to managed disks.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#support-for-vm-management",
};

/// The rules of section D.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &TEMPLATE_SAS_KEY_ACCESS,
        check: template_sas_key_access,
    },
    Rule {
        info: &STAGING_VHD_COST,
        check: staging_vhd_cost,
    },
    Rule {
        info: &UNMANAGED_AS_MANAGED_VAULT_ONLY,
        check: unmanaged_as_managed_vault_only,
    },
    Rule {
        info: &ADE_LIMITS,
        check: ade_limits,
    },
    Rule {
        info: &AVAILABILITY_SET_UNMANAGED,
        check: availability_set_unmanaged,
    },
];

fn restoring_disks(facts: &RestoreFacts<'_>) -> bool {
    facts.resolved.mode == RestoreMode::Disks
}

fn deploys_template(facts: &RestoreFacts<'_>) -> bool {
    restoring_disks(facts) && facts.restore.then == Some(ThenAction::DeployTemplate)
}

fn encrypted(facts: &RestoreFacts<'_>) -> bool {
    facts.vm.encryption.ade || facts.chosen.is_some_and(|c| c.point.encrypted)
}

fn unmanaged(facts: &RestoreFacts<'_>) -> bool {
    facts.vm.disks.iter().any(|d| !d.managed) || facts.chosen.is_some_and(|c| !c.point.managed)
}

/// The staging account's name, for messages.
fn staging_name(facts: &RestoreFacts<'_>) -> String {
    facts
        .target
        .and_then(|t| t.staging_storage_account.as_deref())
        .map_or_else(
            || "the staging account".to_owned(),
            |id| format!("`{}`", arm_id_name(id)),
        )
}

/// The pointer of the target's staging account, else of the target.
fn staging_pointer(facts: &RestoreFacts<'_>) -> String {
    match (&facts.resolved.target, facts.target) {
        (Some(name), Some(target)) if target.staging_storage_account.is_some() => format!(
            "/targets/{}/stagingStorageAccount",
            escape_pointer_token(name)
        ),
        _ => facts.target_pointer(),
    }
}

/// The sizes in GiB (`None`: unknown) of the disks the restore writes: the
/// recovery point's included disks, else the VM's, limited to `luns:` when set.
fn restored_disk_sizes(facts: &RestoreFacts<'_>) -> Vec<Option<u64>> {
    let wanted = |lun: Option<u8>| {
        facts.restore.luns.is_empty() || lun.is_none_or(|lun| facts.restore.luns.contains(&lun))
    };
    match facts.chosen.filter(|c| !c.point.disks.is_empty()) {
        Some(chosen) => chosen
            .point
            .disks
            .iter()
            .filter(|d| d.included && wanted(d.lun))
            .map(|d| d.size_gib)
            .collect(),
        None => facts
            .vm
            .disks
            .iter()
            .filter(|d| wanted(d.lun))
            .map(|d| d.size_gib)
            .collect(),
    }
}

fn template_sas_key_access(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let staging = facts.staging?;
    if !deploys_template(facts) || staging.allow_shared_key_access {
        return None;
    }
    Some(Finding {
        message: format!(
            "the template of {}'s disk restore is deployed with a SAS, but staging account `{}` does not allow shared key access",
            facts.subject(),
            arm_id_name(&staging.id)
        ),
        pointer: facts.field("then"),
        label: "needs shared key access".into(),
    })
}

fn staging_vhd_cost(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    if !restoring_disks(facts) || chosen.tier != TierKind::Vault || !chosen.point.managed {
        return None;
    }
    let copied: Vec<Option<u64>> = restored_disk_sizes(facts)
        .into_iter()
        .filter(|size| size.is_none_or(|gib| gib < VHD_COPY_LIMIT_GIB))
        .collect();
    if copied.is_empty() {
        return None;
    }
    let known: u64 = copied.iter().flatten().sum();
    Some(Finding {
        message: format!(
            "{} is restored from the vault tier of recovery point {}: {} VHD{} ({known} GiB) {} also copied to {}",
            facts.subject(),
            chosen.point.id,
            copied.len(),
            if copied.len() == 1 { "" } else { "s" },
            if copied.len() == 1 { "is" } else { "are" },
            staging_name(facts)
        ),
        pointer: staging_pointer(facts),
        label: "VHD copies land here".into(),
    })
}

fn unmanaged_as_managed_vault_only(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !restoring_disks(facts) || !unmanaged(facts) {
        return None;
    }
    let tier_pointer = if facts.restore.tier.is_some() {
        facts.field("tier")
    } else {
        "/defaults/tier".to_owned()
    };
    let (reason, pointer, label) = if encrypted(facts) {
        (
            "it is also encrypted, and encrypted unmanaged VMs cannot be restored as managed disks"
                .to_owned(),
            facts.field("as"),
            "unmanaged and encrypted",
        )
    } else if facts.resolved.tier == Some(Tier::Snapshot) {
        (
            "the restore requires the snapshot tier, and the conversion runs only from the vault tier"
                .to_owned(),
            tier_pointer,
            "the conversion needs the vault tier",
        )
    } else {
        let chosen = facts.chosen?;
        if chosen.point.has_valid_tier(TierKind::Vault, facts.at) {
            return None;
        }
        (
            format!(
                "recovery point {} is not in the vault tier at {}, and the conversion runs only from it",
                chosen.point.id, facts.at
            ),
            facts.field("recoveryPoint"),
            "not in the vault yet",
        )
    };
    Some(Finding {
        message: format!(
            "{} has unmanaged disks, restored as managed disks: {reason}",
            facts.subject()
        ),
        pointer,
        label: label.to_owned(),
    })
}

fn ade_limits(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !restoring_disks(facts) || !encrypted(facts) {
        return None;
    }
    // The limits are the VM's, whichever of its disks the restore asks for.
    let sizes: Vec<Option<u64>> = match facts.chosen.filter(|c| !c.point.disks.is_empty()) {
        Some(chosen) => chosen.point.disks.iter().map(|d| d.size_gib).collect(),
        None => facts.vm.disks.iter().map(|d| d.size_gib).collect(),
    };
    let largest = sizes.iter().flatten().copied().max().unwrap_or(0);
    let mut why = Vec::new();
    if largest > ADE_DISK_LIMIT_GIB {
        why.push(format!("a disk of {largest} GiB"));
    }
    if sizes.len() > ADE_DISK_COUNT_LIMIT {
        why.push(format!("{} disks", sizes.len()));
    }
    if why.is_empty() {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} is encrypted with Azure Disk Encryption and has {}: the restored disks will not carry its ADE settings",
            facts.subject(),
            why.join(" and ")
        ),
        pointer: facts.field("as"),
        label: "ADE settings not restored".into(),
    })
}

fn availability_set_unmanaged(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let set = facts.vm.availability_set.as_deref()?;
    if !deploys_template(facts) || !unmanaged(facts) {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} is in availability set `{}` and has unmanaged disks: the VM the template deploys will be in no availability set",
            facts.subject(),
            arm_id_name(set)
        ),
        pointer: facts.field("then"),
        label: "outside the availability set".into(),
    })
}
