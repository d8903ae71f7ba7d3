//! Catalogue section J: file (item-level) recovery (`as: files`).

use super::{Finding, Rule, at_mode};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{
    FirewallDefaultAction, PublicNetworkAccess, RestoreMode, SecurityType, arm_id_name,
};

const LINK_MATRIX: &str = "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#support-for-file-level-restore";
const LINK_FILE: &str =
    "https://learn.microsoft.com/azure/backup/backup-azure-restore-files-from-vm";

/// The most disks, and the largest disk in GiB, the mount script handles on the VM itself.
const MOST_DISKS: usize = 16;
const LARGEST_DISK_GIB: u64 = 4096;

static ENCRYPTED: RuleInfo = RuleInfo {
    id: "AZ110",
    rule: "ilr-encrypted",
    section: "J",
    severity: Severity::Error,
    summary: "File recovery is not supported for VMs encrypted with Azure Disk Encryption.",
    fix: "Restore `as: disks`, attach the restored disks to a VM that can unlock them, and copy the files from there.",
    link: LINK_MATRIX,
};

static TRUSTED_LAUNCH: RuleInfo = RuleInfo {
    id: "AZ111",
    rule: "ilr-trusted-launch",
    section: "J",
    severity: Severity::Error,
    summary: "File recovery (item-level restore) is not supported for Trusted Launch VMs.",
    fix: "Restore `as: disks`, attach the restored disks to a VM, and copy the files from there.",
    link: LINK_MATRIX,
};

static CONFIDENTIAL_VM: RuleInfo = RuleInfo {
    id: "AZ112",
    rule: "ilr-confidential-vm",
    section: "J",
    severity: Severity::Error,
    summary: "File recovery is not supported for confidential VMs.",
    fix: "Restore `as: disks` (or `new-vm`) and copy the files from the restored VM.",
    link: LINK_MATRIX,
};

static NETWORK_RESTRICTED_ACCOUNT: RuleInfo = RuleInfo {
    id: "AZ113",
    rule: "ilr-network-restricted-sa",
    section: "J",
    severity: Severity::Error,
    summary: "File recovery is not supported for VM disks in storage accounts restricted to selected networks.",
    fix: "Restore `as: disks`, attach the restored disks to a VM, and copy the files from there.",
    link: LINK_MATRIX,
};

static UNSUPPORTED_DISKS: RuleInfo = RuleInfo {
    id: "AZ114",
    rule: "ilr-unsupported-disks",
    section: "J",
    severity: Severity::Error,
    summary: "File recovery cannot read shared disks or disks with Write Accelerator.",
    fix: "Restore `as: disks` with `luns:` of the disks holding the files, attach them to a VM, and copy the files from there.",
    link: LINK_MATRIX,
};

// AZ115 (`ilr-same-vm-special-config`): Storage Spaces, LVM or RAID volumes, and where the
// script will run, are not in the inventory or the plan.

static LARGE_DISK_VM: RuleInfo = RuleInfo {
    id: "AZ116",
    rule: "ilr-large-disk-vm",
    section: "J",
    severity: Severity::Warning,
    summary: "The VM has more than 16 disks or a disk larger than 4 TB: the recovery script must run on another machine than the VM itself.",
    fix: "Run the mount script on a separate machine with a compatible OS, not on the VM.",
    link: LINK_FILE,
};

// AZ117 (`ilr-os-compat`): the plan does not say on which machine the script runs.
// AZ118 (`ilr-close-connection`): a plan cannot leave a mount open past the run (the engine
// revokes it); a session already open is `rp-ilr-session-open` (AZ014).

/// The rules of section J.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &ENCRYPTED,
        check: encrypted,
    },
    Rule {
        info: &TRUSTED_LAUNCH,
        check: trusted_launch,
    },
    Rule {
        info: &CONFIDENTIAL_VM,
        check: confidential_vm,
    },
    Rule {
        info: &NETWORK_RESTRICTED_ACCOUNT,
        check: network_restricted_account,
    },
    Rule {
        info: &UNSUPPORTED_DISKS,
        check: unsupported_disks,
    },
    Rule {
        info: &LARGE_DISK_VM,
        check: large_disk_vm,
    },
];

fn recovering_files(facts: &RestoreFacts<'_>) -> bool {
    facts.resolved.mode == RestoreMode::Files
}

/// The security type at backup time when the recovery point records it, else the VM's.
fn security_type(facts: &RestoreFacts<'_>) -> SecurityType {
    facts
        .chosen
        .and_then(|c| c.point.security_type)
        .unwrap_or(facts.vm.security_type)
}

/// `` `a`, `b` and `c` ``.
fn names(mut items: Vec<String>) -> String {
    let last = items.pop().unwrap_or_default();
    if items.is_empty() {
        last
    } else {
        format!("{} and {last}", items.join(", "))
    }
}

fn encrypted(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let encrypted = facts.vm.encryption.ade || facts.chosen.is_some_and(|c| c.point.encrypted);
    if !recovering_files(facts) || !encrypted {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} is encrypted with Azure Disk Encryption, so its files cannot be recovered from a mount",
            facts.subject()
        ),
        "file recovery of an ADE-encrypted VM",
    )
}

fn trusted_launch(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !recovering_files(facts) || security_type(facts) != SecurityType::TrustedLaunch {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} is a Trusted Launch VM, so its files cannot be recovered from a mount",
            facts.subject()
        ),
        "file recovery of a Trusted Launch VM",
    )
}

fn confidential_vm(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !recovering_files(facts) || security_type(facts) != SecurityType::ConfidentialVm {
        return None;
    }
    at_mode(
        facts,
        format!(
            "{} is a confidential VM, so its files cannot be recovered from a mount",
            facts.subject()
        ),
        "file recovery of a confidential VM",
    )
}

fn network_restricted_account(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !recovering_files(facts) {
        return None;
    }
    // The VHDs of each restricted account, accounts in the order of the disks.
    let mut restricted: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for disk in &facts.vm.disks {
        let Some(account) = disk
            .storage_account
            .as_deref()
            .and_then(|id| facts.inventory.storage_account_by_id(id))
        else {
            continue;
        };
        let how = if account.public_network_access == PublicNetworkAccess::Disabled {
            "has public network access disabled"
        } else if account.firewall_default_action == FirewallDefaultAction::Deny {
            "has a firewall that denies by default"
        } else {
            continue;
        };
        let name = arm_id_name(&account.id);
        match restricted.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, _, disks)) => disks.push(format!("`{}`", disk.name)),
            None => restricted.push((name, how, vec![format!("`{}`", disk.name)])),
        }
    }
    let restricted: Vec<String> = restricted
        .into_iter()
        .map(|(name, how, disks)| {
            let noun = if disks.len() == 1 { "disk" } else { "disks" };
            format!(
                "storage account `{name}`, which holds {noun} {}, {how}",
                names(disks)
            )
        })
        .collect();
    if restricted.is_empty() {
        return None;
    }
    at_mode(
        facts,
        format!(
            "files of {} cannot be recovered from a mount: {}",
            facts.subject(),
            names(restricted)
        ),
        "disks in a network-restricted storage account",
    )
}

fn unsupported_disks(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !recovering_files(facts) {
        return None;
    }
    let unsupported: Vec<String> = facts
        .vm
        .disks
        .iter()
        .filter_map(|disk| {
            let what = match (disk.shared, disk.write_accelerator) {
                (true, true) => "shared, with Write Accelerator",
                (true, false) => "shared",
                (false, true) => "Write Accelerator",
                (false, false) => return None,
            };
            Some(format!("`{}` ({what})", disk.name))
        })
        .collect();
    if unsupported.is_empty() {
        return None;
    }
    at_mode(
        facts,
        format!(
            "files on {} of {} cannot be recovered from a mount",
            names(unsupported),
            facts.subject()
        ),
        "disks file recovery cannot read",
    )
}

fn large_disk_vm(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !recovering_files(facts) {
        return None;
    }
    // The disks the mount exposes: the recovery point's, when the inventory lists them.
    let (count, largest, whose) = match facts.chosen.filter(|c| !c.point.disks.is_empty()) {
        Some(chosen) => {
            let disks = chosen.point.disks.iter().filter(|d| d.included);
            (
                disks.clone().count(),
                disks.filter_map(|d| d.size_gib).max(),
                format!("recovery point {} of {}", chosen.point.id, facts.subject()),
            )
        }
        None => (
            facts.vm.disks.len(),
            facts.vm.disks.iter().filter_map(|d| d.size_gib).max(),
            facts.subject(),
        ),
    };
    let mut reasons = Vec::new();
    if count > MOST_DISKS {
        reasons.push(format!("{count} disks"));
    }
    if let Some(largest) = largest.filter(|size| *size > LARGEST_DISK_GIB) {
        reasons.push(format!("a disk of {largest} GiB"));
    }
    if reasons.is_empty() {
        return None;
    }
    at_mode(
        facts,
        format!("{whose} has {}", names(reasons)),
        "run the mount script on another machine",
    )
}
