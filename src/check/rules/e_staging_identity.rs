//! Catalogue section E: staging storage account and managed identity.
//!
//! Every restore but a file recovery writes to the target's staging storage
//! account, which Azure Backup restricts by region, redundancy, kind and
//! performance tier. A plan cannot (yet) ask for a restore with a managed
//! identity (`identityInfo`), so `msi-managed-vm-only` and `msi-crr` cannot
//! occur, and `msi-permissions` (role assignments) is not in an inventory:
//! AZ066 and AZ067 are kept for the first two.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{
    DiskSku, FirewallDefaultAction, PublicNetworkAccess, RestoreMode, StorageAccount, StorageKind,
    StorageSku, VmDisk, arm_id_name,
};
use crate::source::escape_pointer_token;

const LINK_STORAGE: &str =
    "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#storage-accounts";

static REGION: RuleInfo = RuleInfo {
    id: "AZ060",
    rule: "sa-region",
    section: "E",
    severity: Severity::Error,
    summary: "The staging storage account must be in the vault's region (for a cross-region restore, in the secondary region).",
    fix: "Use a `stagingStorageAccount` in the region the restore runs in: the vault's, or its paired region for a cross-region restore.",
    link: LINK_STORAGE,
};

static ZRS: RuleInfo = RuleInfo {
    id: "AZ061",
    rule: "sa-zrs",
    section: "E",
    severity: Severity::Error,
    summary: "The staging storage account is zone-redundant, which Azure Backup does not accept for a restore.",
    fix: "Use a locally or geo-redundant staging storage account (`Standard_LRS`, `Standard_GRS`).",
    link: LINK_STORAGE,
};

static BLOB_KIND: RuleInfo = RuleInfo {
    id: "AZ062",
    rule: "sa-blob-kind",
    section: "E",
    severity: Severity::Error,
    summary: "The staging storage account is a (legacy) Blob storage account, which Azure Backup does not accept for a restore.",
    fix: "Use a general-purpose (`StorageV2`) staging storage account.",
    link: LINK_STORAGE,
};

static PREMIUM: RuleInfo = RuleInfo {
    id: "AZ063",
    rule: "sa-premium-nonpremium",
    section: "E",
    severity: Severity::Error,
    summary: "A premium staging storage account is not supported for a VM without premium disks, nor, with network rules, for a VM with managed disks.",
    fix: "Use a standard (`Standard_LRS`) staging storage account without network rules.",
    link: LINK_STORAGE,
};

static MIXED_DISK_TYPES: RuleInfo = RuleInfo {
    id: "AZ064",
    rule: "sa-mixed-disk-types",
    section: "E",
    severity: Severity::Warning,
    summary: "Unmanaged disks are all restored as premium or all as standard, following the staging storage account: disks of the other type change type.",
    fix: "Restore the disks of each type separately (`luns:`) with a staging account of that type, or change the disks' type after the restore.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#support-for-vm-management",
};

static FIREWALL: RuleInfo = RuleInfo {
    id: "AZ065",
    rule: "sa-firewall-needs-system-msi",
    section: "E",
    severity: Severity::Error,
    summary: "A staging storage account restricted by a firewall can only be used by a restore with the vault's system-assigned identity, which a plan does not request.",
    fix: "Use a staging storage account whose firewall allows access (default action `Allow`, public network access enabled).",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#restore-vms-with-managed-identities",
};

static DES_IN_CRR: RuleInfo = RuleInfo {
    id: "AZ068",
    rule: "des-in-crr",
    section: "E",
    severity: Severity::Error,
    summary: "A cross-region restore does not accept a disk encryption set.",
    fix: "Remove `diskEncryptionSet:` and assign the disk encryption set to the restored disks after the restore.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#vm-storage-support",
};

static PRIVATE_ACCESS_DISKS: RuleInfo = RuleInfo {
    id: "AZ069",
    rule: "private-access-disks",
    section: "E",
    severity: Severity::Warning,
    summary: "The recovery point has disks with private-endpoint network access; the plan does not say which network access the restored disks get.",
    fix: "Check the network access of the restored disks (private endpoint or public) after the restore, and set it where it differs from the source disks'.",
    link: "https://learn.microsoft.com/rest/api/backup/restores/trigger#targetdisknetworkaccesssettings",
};

/// The rules of section E.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &REGION,
        check: region,
    },
    Rule {
        info: &ZRS,
        check: zrs,
    },
    Rule {
        info: &BLOB_KIND,
        check: blob_kind,
    },
    Rule {
        info: &PREMIUM,
        check: premium,
    },
    Rule {
        info: &MIXED_DISK_TYPES,
        check: mixed_disk_types,
    },
    Rule {
        info: &FIREWALL,
        check: firewall,
    },
    Rule {
        info: &DES_IN_CRR,
        check: des_in_crr,
    },
    Rule {
        info: &PRIVATE_ACCESS_DISKS,
        check: private_access_disks,
    },
];

/// The staging account a restore writes to (every mode but file recovery),
/// when the inventory has it.
fn staging<'a>(facts: &RestoreFacts<'a>) -> Option<&'a StorageAccount> {
    (facts.resolved.mode != RestoreMode::Files)
        .then_some(facts.staging)
        .flatten()
}

/// The pointer of the target's `stagingStorageAccount`.
fn staging_pointer(facts: &RestoreFacts<'_>) -> String {
    match &facts.resolved.target {
        Some(name) => format!(
            "/targets/{}/stagingStorageAccount",
            escape_pointer_token(name)
        ),
        None => facts.target_pointer(),
    }
}

/// A finding at the staging account, opening with "staging account `x` of
/// <VM>'s restore".
fn at_staging(
    facts: &RestoreFacts<'_>,
    account: &StorageAccount,
    rest: &str,
    label: &str,
) -> Option<Finding> {
    Some(Finding {
        message: format!(
            "staging account `{}` of the restore of {} {rest}",
            arm_id_name(&account.id),
            facts.subject()
        ),
        pointer: staging_pointer(facts),
        label: label.to_owned(),
    })
}

fn is_premium_account(account: &StorageAccount) -> bool {
    matches!(account.sku, StorageSku::PremiumLrs | StorageSku::PremiumZrs)
        || matches!(
            account.kind,
            StorageKind::BlockBlobStorage | StorageKind::FileStorage
        )
}

fn is_premium_disk(disk: &VmDisk) -> bool {
    matches!(
        disk.kind,
        DiskSku::PremiumLrs | DiskSku::PremiumZrs | DiskSku::PremiumV2Lrs | DiskSku::UltraSsdLrs
    )
}

/// Whether the account only lets allowed networks in.
fn has_network_rules(account: &StorageAccount) -> bool {
    account.firewall_default_action == FirewallDefaultAction::Deny
        || account.public_network_access == PublicNetworkAccess::Disabled
}

fn is_unmanaged(facts: &RestoreFacts<'_>) -> bool {
    facts.vm.disks.iter().any(|d| !d.managed) || facts.chosen.is_some_and(|c| !c.point.managed)
}

fn region(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let account = staging(facts)?;
    let (expected, whose) = if facts.scenario.cross_region {
        let secondary = facts
            .vault
            .paired_region
            .as_deref()
            .or(facts.target.map(|t| t.region.as_str()))?;
        (secondary, "the secondary region of vault")
    } else {
        (facts.vault.region.as_str(), "the region of vault")
    };
    if account.region.eq_ignore_ascii_case(expected) {
        return None;
    }
    at_staging(
        facts,
        account,
        &format!(
            "is in {}, not in {expected}, {whose} `{}`",
            account.region,
            facts.vault.name()
        ),
        &format!("not in {expected}"),
    )
}

fn zrs(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let account = staging(facts)?;
    let zone_redundant = matches!(
        account.sku,
        StorageSku::StandardZrs
            | StorageSku::PremiumZrs
            | StorageSku::StandardGzrs
            | StorageSku::StandardRagzrs
    );
    if !zone_redundant {
        return None;
    }
    at_staging(
        facts,
        account,
        &format!("is zone-redundant ({})", account.sku),
        "zone-redundant storage",
    )
}

fn blob_kind(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let account = staging(facts)?;
    if account.kind != StorageKind::BlobStorage {
        return None;
    }
    at_staging(
        facts,
        account,
        "is a Blob storage account (kind `BlobStorage`)",
        "Blob storage account",
    )
}

fn premium(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let account = staging(facts)?;
    if !is_premium_account(account) || facts.vm.disks.is_empty() {
        return None;
    }
    let premium_vm = facts.vm.disks.iter().any(is_premium_disk);
    let rest = if !premium_vm {
        format!(
            "is premium ({} {}), and the VM has no premium disks",
            account.kind, account.sku
        )
    } else if has_network_rules(account) && !is_unmanaged(facts) {
        format!(
            "is premium ({}) with network rules, and the VM has managed disks",
            account.sku
        )
    } else {
        return None;
    };
    at_staging(facts, account, &rest, "premium staging account")
}

fn mixed_disk_types(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let account = staging(facts)?;
    let creates = matches!(facts.resolved.mode, RestoreMode::NewVm | RestoreMode::Disks);
    if !creates || !is_unmanaged(facts) {
        return None;
    }
    let premium = is_premium_account(account);
    let restored = |disk: &&VmDisk| {
        facts.restore.luns.is_empty()
            || disk.lun.is_none_or(|lun| facts.restore.luns.contains(&lun))
    };
    let changing: Vec<String> = facts
        .vm
        .disks
        .iter()
        .filter(restored)
        .filter(|disk| is_premium_disk(disk) != premium)
        .map(|disk| format!("`{}` ({})", disk.name, disk.kind))
        .collect();
    if changing.is_empty() {
        return None;
    }
    at_staging(
        facts,
        account,
        &format!(
            "is {} ({}): the VM's unmanaged disks are all restored as {}, so {} change{} type",
            if premium { "premium" } else { "standard" },
            account.sku,
            if premium { "premium" } else { "standard" },
            changing.join(", "),
            if changing.len() == 1 { "s" } else { "" }
        ),
        "restored disks take this account's type",
    )
}

fn firewall(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let account = staging(facts)?;
    if !has_network_rules(account) {
        return None;
    }
    let how = if account.public_network_access == PublicNetworkAccess::Disabled {
        "public network access disabled"
    } else {
        "firewall default action `Deny`"
    };
    at_staging(
        facts,
        account,
        &format!(
            "is restricted by its firewall ({how}), and the restore does not use the vault's system-assigned identity"
        ),
        "restricted by a firewall",
    )
}

fn des_in_crr(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let set = facts.restore.disk_encryption_set.as_deref()?;
    let target = facts.target?;
    if !facts.scenario.cross_region {
        return None;
    }
    Some(Finding {
        message: format!(
            "the cross-region restore of {} into {} supplies disk encryption set `{}`",
            facts.subject(),
            target.region,
            arm_id_name(set)
        ),
        pointer: facts.field("diskEncryptionSet"),
        label: "not accepted by a cross-region restore".into(),
    })
}

fn private_access_disks(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    let creates = matches!(facts.resolved.mode, RestoreMode::NewVm | RestoreMode::Disks);
    if !creates || !chosen.point.private_access_on_any_disk {
        return None;
    }
    Some(Finding {
        message: format!(
            "recovery point {} of {} has disks with private-endpoint access, and the plan does not choose the restored disks' network access",
            chosen.point.id,
            facts.subject()
        ),
        pointer: facts.field("as"),
        label: "disks with private access".into(),
    })
}
