//! Catalogue section K: Trusted Launch and Confidential VMs.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{RestoreMode, SecurityType, Tier, TierKind, arm_id_name, same_arm_id};

const LINK: &str = "https://learn.microsoft.com/azure/backup/confidential-vm-restore";

/// The regions of the confidential-VM backup preview.
const PREVIEW_REGIONS: &[&str] = &["uaenorth", "koreacentral"];

// AZ120 (`tvm-enhanced-policy`) is information only.

static PREVIEW_SCOPE: RuleInfo = RuleInfo {
    id: "AZ121",
    rule: "cvm-preview-scope",
    section: "K",
    severity: Severity::Error,
    summary: "Backup and restore of confidential VMs is a preview limited to v6-series sizes in UAE North and Korea Central.",
    fix: "Protect this confidential VM another way until Azure Backup supports its size and region.",
    link: LINK,
};

static CROSS_REGION: RuleInfo = RuleInfo {
    id: "AZ122",
    rule: "cvm-crr",
    section: "K",
    severity: Severity::Error,
    summary: "Cross-region restore is not supported for confidential VMs.",
    fix: "Restore the confidential VM in the vault's region.",
    link: LINK,
};

static SNAPSHOT_TIER_DES: RuleInfo = RuleInfo {
    id: "AZ123",
    rule: "cvm-snapshot-tier-des",
    section: "K",
    severity: Severity::Error,
    summary: "A confidential VM restored with another disk encryption set than the original can only be restored from the vault tier.",
    fix: "Leave out `diskEncryptionSet` (the original set is used), or set `tier: vault` so that the restore uses a recovery point in the vault.",
    link: LINK,
};

// AZ124 (`cvm-vault-tier-key-location`) and AZ125 (`cvm-des-permissions`): key vaults, their
// keys and access policies are not in the inventory. AZ126 (`cvm-request-field`) is information.

/// The rules of section K.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &PREVIEW_SCOPE,
        check: preview_scope,
    },
    Rule {
        info: &CROSS_REGION,
        check: cross_region,
    },
    Rule {
        info: &SNAPSHOT_TIER_DES,
        check: snapshot_tier_des,
    },
];

/// Whether the VM was confidential when backed up (the point's record, else the VM's).
fn confidential(facts: &RestoreFacts<'_>) -> bool {
    facts
        .chosen
        .and_then(|c| c.point.security_type)
        .unwrap_or(facts.vm.security_type)
        == SecurityType::ConfidentialVm
}

/// The field naming the VM: `vm:`, else the `select:` that chose it.
fn vm_pointer(facts: &RestoreFacts<'_>) -> String {
    if facts.restore.vm.is_some() {
        facts.field("vm")
    } else {
        facts.field("select")
    }
}

fn preview_scope(facts: &RestoreFacts<'_>) -> Option<Finding> {
    // File recovery of a confidential VM is refused by `ilr-confidential-vm` on its own.
    if !confidential(facts) || facts.resolved.mode == RestoreMode::Files {
        return None;
    }
    let size = facts
        .chosen
        .and_then(|c| c.point.vm_size.as_deref())
        .or(facts.vm.size.as_deref());
    let mut outside = Vec::new();
    if let Some(size) = size.filter(|s| !s.to_ascii_lowercase().ends_with("_v6")) {
        outside.push(format!("its size {size} is not a v6 size"));
    }
    let region = &facts.vm.region;
    if !PREVIEW_REGIONS
        .iter()
        .any(|r| r.eq_ignore_ascii_case(region))
    {
        outside.push(format!(
            "{region} is not one of the preview's regions (uaenorth, koreacentral)"
        ));
    }
    if outside.is_empty() {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} is a confidential VM outside the backup preview: {}",
            facts.subject(),
            outside.join(", and ")
        ),
        pointer: vm_pointer(facts),
        label: "confidential VM outside the preview".into(),
    })
}

fn cross_region(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !confidential(facts) || !facts.scenario.cross_region {
        return None;
    }
    let into = facts.target.map_or("?", |t| t.region.as_str());
    Some(Finding {
        message: format!(
            "{} is a confidential VM in {}, and the restore goes into {into}",
            facts.subject(),
            facts.vm.region
        ),
        pointer: facts.target_pointer(),
        label: "confidential VM into another region".into(),
    })
}

fn snapshot_tier_des(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    let new_set = facts.restore.disk_encryption_set.as_deref()?;
    let original = facts.vm.encryption.disk_encryption_set.as_deref();
    if !confidential(facts) || original.is_some_and(|o| same_arm_id(o, new_set)) {
        return None;
    }
    let snapshot_only = !chosen.point.has_valid_tier(TierKind::Vault, facts.at);
    if facts.resolved.tier != Some(Tier::Snapshot) && !snapshot_only {
        return None;
    }
    let why = if snapshot_only {
        format!(
            "recovery point {} ({}) is only in the snapshot tier",
            chosen.point.id, chosen.point.time
        )
    } else {
        "the restore requires the snapshot tier".to_owned()
    };
    Some(Finding {
        message: format!(
            "confidential VM {} is restored with disk encryption set `{}` instead of {}, but {why}",
            facts.subject(),
            arm_id_name(new_set),
            original.map_or_else(
                || "its original one".to_owned(),
                |o| format!("`{}`", arm_id_name(o))
            )
        ),
        pointer: facts.field("diskEncryptionSet"),
        label: "a new disk encryption set needs the vault tier".into(),
    })
}
