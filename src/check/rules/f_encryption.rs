//! Catalogue section F: ADE-encrypted VMs, beyond the rules above, and
//! customer-managed keys in a cross-region restore. `ade-disks-only-path`
//! (AZ072) is information, not a finding: expansion already plans the
//! disks → template → extension path.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{AdeKeyKind, RestoreMode, TierKind, arm_id_name, arm_id_segment, same_arm_id};

const LINK_ENC_RESTORE: &str =
    "https://learn.microsoft.com/azure/backup/restore-azure-encrypted-virtual-machines";

static SAME_SUBSCRIPTION: RuleInfo = RuleInfo {
    id: "AZ070",
    rule: "ade-same-subscription",
    section: "F",
    severity: Severity::Error,
    summary: "An ADE-encrypted VM can only be restored within its own subscription.",
    fix: "Restore into a target in the VM's subscription.",
    link: LINK_ENC_RESTORE,
};

static CERTIFICATE_KEYS: RuleInfo = RuleInfo {
    id: "AZ071",
    rule: "ade-certificate-keys",
    section: "F",
    severity: Severity::Error,
    summary: "The VM is encrypted with a key that belongs to a Key Vault certificate; Azure Backup supports only standalone keys.",
    fix: "Re-encrypt the VM with a standalone Key Vault key and take a new backup before relying on this restore.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-vms-encryption#limitations",
};

static SINGLE_PASS_SNAPSHOT_TIER: RuleInfo = RuleInfo {
    id: "AZ073",
    rule: "ade-single-pass-snapshot-tier",
    section: "F",
    severity: Severity::Warning,
    summary: "A single-pass ADE VM restored from the snapshot tier fails if its keys or secrets were rotated since the backup.",
    fix: "Set `tier: vault`: the vault tier is the documented way to restore after a key rotation.",
    link: LINK_ENC_RESTORE,
};

static CRR_GEOGRAPHY: RuleInfo = RuleInfo {
    id: "AZ074",
    rule: "ade-crr-geography",
    section: "F",
    severity: Severity::Error,
    summary: "An ADE-encrypted VM cannot be restored across regions when the vault's paired region is in another geography.",
    fix: "Restore in the vault's region, or protect the VM with a vault whose paired region is in the same geography.",
    link: LINK_ENC_RESTORE,
};

static CMK_CRR: RuleInfo = RuleInfo {
    id: "AZ075",
    rule: "cmk-crr-non-cmk",
    section: "F",
    severity: Severity::Warning,
    summary: "A VM encrypted with a customer-managed key is restored in the secondary region with platform-managed keys, unless its vault encrypts backups with a customer-managed key.",
    fix: "Assign a disk encryption set of the secondary region to the restored disks after the restore.",
    link: "https://learn.microsoft.com/azure/backup/encryption-at-rest-with-cmk",
};

/// The rules of section F.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &SAME_SUBSCRIPTION,
        check: same_subscription,
    },
    Rule {
        info: &CERTIFICATE_KEYS,
        check: certificate_keys,
    },
    Rule {
        info: &SINGLE_PASS_SNAPSHOT_TIER,
        check: single_pass_snapshot_tier,
    },
    Rule {
        info: &CRR_GEOGRAPHY,
        check: crr_geography,
    },
    Rule {
        info: &CMK_CRR,
        check: cmk_crr,
    },
];

/// Whether the VM is encrypted with ADE now or was in the chosen point.
fn ade(facts: &RestoreFacts<'_>) -> bool {
    facts.vm.encryption.ade || facts.chosen.is_some_and(|c| c.point.encrypted)
}

/// The pointer of what names the VM: `vm:` or `select:`.
fn vm_pointer(facts: &RestoreFacts<'_>) -> String {
    if facts.restore.select.is_some() {
        facts.field("select")
    } else {
        facts.field("vm")
    }
}

/// The secondary region a cross-region restore goes to: the vault's
/// paired region, else the target's.
fn secondary<'a>(facts: &RestoreFacts<'a>) -> Option<&'a str> {
    facts
        .vault
        .paired_region
        .as_deref()
        .or(facts.target.map(|t| t.region.as_str()))
}

/// A subscription id with its display name, when the inventory has one.
fn describe_subscription(facts: &RestoreFacts<'_>, id: &str) -> String {
    match facts
        .inventory
        .subscription_by_id(id)
        .and_then(|s| s.name.as_deref())
    {
        Some(name) => format!("`{id}` ({name})"),
        None => format!("`{id}`"),
    }
}

fn same_subscription(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !facts.scenario.cross_subscription || !ade(facts) {
        return None;
    }
    let target = facts.target?;
    let into = target
        .subscription
        .as_deref()
        .or_else(|| arm_id_segment(&target.resource_group, "subscriptions"))?;
    let from = facts.vm.subscription()?;
    if same_arm_id(into, from) {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} is encrypted with Azure Disk Encryption, and the restore goes into subscription {}, not its own {}",
            facts.subject(),
            describe_subscription(facts, into),
            describe_subscription(facts, from)
        ),
        pointer: facts.target_pointer(),
        label: "another subscription".into(),
    })
}

fn certificate_keys(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let encryption = &facts.vm.encryption;
    if !encryption.ade || encryption.ade_key_kind != AdeKeyKind::Certificate {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} is encrypted with Azure Disk Encryption using a key that belongs to a Key Vault certificate",
            facts.subject()
        ),
        pointer: vm_pointer(facts),
        label: "certificate-based ADE key".into(),
    })
}

fn single_pass_snapshot_tier(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    let encryption = &facts.vm.encryption;
    if facts.resolved.mode == RestoreMode::Files
        || !ade(facts)
        || !encryption.ade_single_pass
        || chosen.tier != TierKind::Snapshot
    {
        return None;
    }
    let pointer = match (&facts.restore.tier, &facts.plan.defaults.tier) {
        (None, Some(_)) => "/defaults/tier".to_owned(),
        _ => facts.field("tier"),
    };
    Some(Finding {
        message: format!(
            "{} uses single-pass ADE, and recovery point {} ({}) is restored from the snapshot tier: if its keys or secrets were rotated since then, the restore fails",
            facts.subject(),
            chosen.point.id,
            chosen.point.time
        ),
        pointer,
        label: "snapshot tier of a single-pass ADE VM".into(),
    })
}

fn crr_geography(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !facts.scenario.cross_region || !ade(facts) {
        return None;
    }
    let primary = facts.vault.region.as_str();
    let secondary = secondary(facts)?;
    let (from, to) = (geography(primary)?, geography(secondary)?);
    if from == to {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} is encrypted with Azure Disk Encryption, and its cross-region restore goes from {primary} ({from}) to {secondary} ({to}), another geography",
            facts.subject()
        ),
        pointer: facts.target_pointer(),
        label: "across geographies".into(),
    })
}

fn cmk_crr(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !facts.scenario.cross_region || !facts.vm.encryption.cmk {
        return None;
    }
    let key = match facts.vm.encryption.disk_encryption_set.as_deref() {
        Some(set) => format!(" (disk encryption set `{}`)", arm_id_name(set)),
        None => String::new(),
    };
    Some(Finding {
        message: format!(
            "{}'s disks are encrypted with a customer-managed key{key}; restored in {} they get platform-managed keys unless vault `{}` encrypts its backups with a customer-managed key",
            facts.subject(),
            secondary(facts)?,
            facts.vault.name()
        ),
        pointer: facts.target_pointer(),
        label: "restored without the customer-managed key".into(),
    })
}

/// The Azure geography of a region (the data-residency boundary region
/// pairs normally stay within), for the regions Azure pairs.
fn geography(region: &str) -> Option<&'static str> {
    let region = region.to_ascii_lowercase();
    Some(match region.as_str() {
        "eastus" | "eastus2" | "westus" | "westus2" | "westus3" | "centralus"
        | "northcentralus" | "southcentralus" | "westcentralus" => "United States",
        "usgovvirginia" | "usgovtexas" | "usgovarizona" | "usdodeast" | "usdodcentral" => {
            "Azure Government"
        }
        "brazilsouth" | "brazilsoutheast" => "Brazil",
        "canadacentral" | "canadaeast" => "Canada",
        "northeurope" | "westeurope" => "Europe",
        "uksouth" | "ukwest" => "United Kingdom",
        "francecentral" | "francesouth" => "France",
        "germanywestcentral" | "germanynorth" => "Germany",
        "switzerlandnorth" | "switzerlandwest" => "Switzerland",
        "norwayeast" | "norwaywest" => "Norway",
        "swedencentral" | "swedensouth" => "Sweden",
        "eastasia" | "southeastasia" => "Asia Pacific",
        "australiaeast" | "australiasoutheast" | "australiacentral" | "australiacentral2" => {
            "Australia"
        }
        "japaneast" | "japanwest" => "Japan",
        "koreacentral" | "koreasouth" => "Korea",
        "centralindia" | "southindia" | "westindia" | "jioindiawest" | "jioindiacentral" => "India",
        "uaenorth" | "uaecentral" => "United Arab Emirates",
        "southafricanorth" | "southafricawest" => "South Africa",
        "chinanorth" | "chinaeast" | "chinanorth2" | "chinaeast2" | "chinanorth3"
        | "chinaeast3" => "China",
        _ => return None,
    })
}
