//! Catalogue section I: cross-zonal restore.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{SecurityType, StorageRedundancy, TierKind, arm_id_segment};

const LINK: &str =
    "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#restore-options";

static VAULT_REDUNDANCY: RuleInfo = RuleInfo {
    id: "AZ100",
    rule: "czr-vault-redundancy",
    section: "I",
    severity: Severity::Error,
    summary: "A restore into another availability zone of the same region needs a vault with zone-redundant (ZRS) backup storage.",
    fix: "Restore into the VM's own zone (or without `zone:`), or back the VM up to a ZRS vault.",
    link: LINK,
};

static VAULT_TIER_ONLY: RuleInfo = RuleInfo {
    id: "AZ101",
    rule: "czr-vault-tier-only",
    section: "I",
    severity: Severity::Error,
    summary: "Cross-zonal restore reads only recovery points that are in the vault tier alone: not from a snapshot, nor a point that is in both tiers.",
    fix: "Choose a recovery point older than the instant-restore retention (its snapshot expired), with `recoveryPoint: {before: …}` or `{id: …}`.",
    link: LINK,
};

static NOT_ENCRYPTED: RuleInfo = RuleInfo {
    id: "AZ102",
    rule: "czr-not-encrypted",
    section: "I",
    severity: Severity::Error,
    summary: "Cross-zonal restore is not supported for VMs encrypted with Azure Disk Encryption.",
    fix: "Restore into the VM's own zone, or restore `as: disks` without `zone:` and create the VM in the new zone from the disks.",
    link: LINK,
};

static MANAGED_ONLY: RuleInfo = RuleInfo {
    id: "AZ103",
    rule: "czr-managed-only",
    section: "I",
    severity: Severity::Error,
    summary: "Cross-zonal restore is supported only for VMs with managed disks.",
    fix: "Restore without `zone:` (as the VM is now).",
    link: LINK,
};

static LOGICAL_ZONE: RuleInfo = RuleInfo {
    id: "AZ104",
    rule: "czr-logical-zone",
    section: "I",
    severity: Severity::Warning,
    summary: "Zone numbers are logical per subscription: a zone of the target subscription need not be the same physical zone as the same number in the source subscription.",
    fix: "Map the target subscription's logical zones to physical ones (`az account list-locations`) before choosing the zone.",
    link: LINK,
};

// AZ105 (`czr-pinned-zone-down`): whether a zone is down is not in the inventory.

static TRUSTED_LAUNCH: RuleInfo = RuleInfo {
    id: "AZ106",
    rule: "czr-tvm",
    section: "I",
    severity: Severity::Warning,
    summary: "The VM is a Trusted Launch VM: the 2023 support matrix lists cross-zonal restore as unsupported for it.",
    fix: "Prove the cross-zonal restore of this VM in a drill, or restore into its own zone.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#tvm-backup",
};

/// The rules of section I.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &VAULT_REDUNDANCY,
        check: vault_redundancy,
    },
    Rule {
        info: &VAULT_TIER_ONLY,
        check: vault_tier_only,
    },
    Rule {
        info: &NOT_ENCRYPTED,
        check: not_encrypted,
    },
    Rule {
        info: &MANAGED_ONLY,
        check: managed_only,
    },
    Rule {
        info: &LOGICAL_ZONE,
        check: logical_zone,
    },
    Rule {
        info: &TRUSTED_LAUNCH,
        check: trusted_launch,
    },
];

/// The zone the restore asks for: its own `zone:`, else its target's.
fn requested_zone(facts: &RestoreFacts<'_>) -> Option<u8> {
    facts.restore.zone.or(facts.target.and_then(|t| t.zone))
}

/// Whether the restore creates resources in another zone than the VM's. A
/// replace cannot change zones (`olr-no-zone-change` says so), so it is left out.
fn crossing_zones(facts: &RestoreFacts<'_>) -> bool {
    facts.scenario.cross_zone && facts.resolved.mode.needs_target()
}

/// The field the zone comes from: the restore's `zone:`, else the target.
fn zone_pointer(facts: &RestoreFacts<'_>) -> String {
    if facts.restore.zone.is_some() {
        facts.field("zone")
    } else {
        facts.target_pointer()
    }
}

/// `zone 1`, or `no zone` for a VM that is not zonal.
fn vm_zone(facts: &RestoreFacts<'_>) -> String {
    facts
        .vm
        .zone
        .map_or_else(|| "no zone".to_owned(), |zone| format!("zone {zone}"))
}

fn at_zone(facts: &RestoreFacts<'_>, message: String, label: &str) -> Option<Finding> {
    Some(Finding {
        message,
        pointer: zone_pointer(facts),
        label: label.to_owned(),
    })
}

fn vault_redundancy(facts: &RestoreFacts<'_>) -> Option<Finding> {
    // Into the paired region, cross-region restore's vault settings apply (section G).
    let redundancy = facts.vault.storage_redundancy;
    if !crossing_zones(facts) || facts.scenario.cross_region || redundancy == StorageRedundancy::Zrs
    {
        return None;
    }
    let zone = requested_zone(facts)?;
    at_zone(
        facts,
        format!(
            "{} ({}) is restored into zone {zone} of {}, but vault `{}` keeps its backups {redundancy}, not ZRS",
            facts.subject(),
            vm_zone(facts),
            facts.vm.region,
            facts.vault.name()
        ),
        "another zone needs a ZRS vault",
    )
}

fn vault_tier_only(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    // In the paired region only the vault copy exists: no snapshot to get in the way.
    if !crossing_zones(facts)
        || facts.scenario.cross_region
        || !chosen.point.has_valid_tier(TierKind::Snapshot, facts.at)
    {
        return None;
    }
    let until = chosen
        .point
        .tiers
        .iter()
        .filter(|tier| tier.kind == TierKind::Snapshot && tier.usable_at(facts.at))
        .filter_map(|tier| tier.expires_at)
        .max()
        .map_or_else(String::new, |expires| format!(" until {expires}"));
    // The selector that chose the point: the restore's own, else the plan's default.
    let pointer = match (
        &facts.restore.recovery_point,
        &facts.plan.defaults.recovery_point,
    ) {
        (None, Some(_)) => "/defaults/recoveryPoint".to_owned(),
        _ => facts.field("recoveryPoint"),
    };
    Some(Finding {
        message: format!(
            "recovery point {} of {} ({}) is still in the snapshot tier{until}, and the restore moves the VM into another zone",
            chosen.point.id,
            facts.subject(),
            chosen.point.time
        ),
        pointer,
        label: "still in the snapshot tier".into(),
    })
}

fn not_encrypted(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let encrypted = facts.vm.encryption.ade || facts.chosen.is_some_and(|c| c.point.encrypted);
    if !crossing_zones(facts) || !encrypted {
        return None;
    }
    let zone = requested_zone(facts)?;
    at_zone(
        facts,
        format!(
            "{} ({}) is encrypted with Azure Disk Encryption and is restored into zone {zone}",
            facts.subject(),
            vm_zone(facts)
        ),
        "ADE-encrypted VM into another zone",
    )
}

fn managed_only(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let unmanaged_now = facts.vm.disks.iter().any(|d| !d.managed);
    let unmanaged_then = facts.chosen.is_some_and(|c| !c.point.managed);
    if !crossing_zones(facts) || !(unmanaged_now || unmanaged_then) {
        return None;
    }
    let zone = requested_zone(facts)?;
    at_zone(
        facts,
        format!(
            "{} ({}) has unmanaged disks and is restored into zone {zone}",
            facts.subject(),
            vm_zone(facts)
        ),
        "unmanaged disks into another zone",
    )
}

fn logical_zone(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !facts.scenario.cross_subscription || !facts.resolved.mode.needs_target() {
        return None;
    }
    let zone = requested_zone(facts)?;
    let into = facts.target.and_then(|t| {
        t.subscription
            .as_deref()
            .or_else(|| arm_id_segment(&t.resource_group, "subscriptions"))
    })?;
    let named = |id: &str| match facts
        .inventory
        .subscription_by_id(id)
        .and_then(|s| s.name.as_deref())
    {
        Some(name) => format!("`{name}`"),
        None => format!("`{id}`"),
    };
    at_zone(
        facts,
        format!(
            "zones are numbered per subscription: zone {zone} of {} need not be zone {zone} of {}, where {} runs ({})",
            named(into),
            named(facts.vm.subscription().unwrap_or("?")),
            facts.subject(),
            vm_zone(facts)
        ),
        "a zone number of another subscription",
    )
}

fn trusted_launch(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let security = facts
        .chosen
        .and_then(|c| c.point.security_type)
        .unwrap_or(facts.vm.security_type);
    if !crossing_zones(facts) || security != SecurityType::TrustedLaunch {
        return None;
    }
    let zone = requested_zone(facts)?;
    at_zone(
        facts,
        format!(
            "{} ({}) is a Trusted Launch VM and is restored into zone {zone}",
            facts.subject(),
            vm_zone(facts)
        ),
        "Trusted Launch VM into another zone",
    )
}
