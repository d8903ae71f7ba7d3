//! Catalogue section G: cross-region restore (secondary region).
//!
//! A restore is cross-region when its target is in another region than the
//! VM (only `new-vm` and `disks` have a target to cross into: a replace
//! happens in place, so `crr-options` (AZ085) cannot be written in a plan).
//! The staging account's region is `sa-region`'s (AZ060); `crr-no-cancel`
//! (AZ088) and `crr-dedicated-host-na` (AZ089, information) have no
//! condition a plan or inventory shows, nor has `crr-rbac`.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::check::recovery_points::{Requirements, Unresolved, resolve};
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{DiskSku, Duration, RestoreMode, ThenAction, Tier, arm_id_name};
use crate::source::escape_pointer_token;

const LINK_CRR: &str =
    "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#cross-region-restore";

/// The secondary region's recovery point objective: a day between copies
/// to the vault tier, and up to 12 hours of replication.
const SECONDARY_RPO: Duration = Duration::from_secs(36 * 3_600);

static VAULT_CONFIG: RuleInfo = RuleInfo {
    id: "AZ080",
    rule: "crr-vault-config",
    section: "G",
    severity: Severity::Error,
    summary: "A cross-region restore needs a vault with geo-redundant backup storage and Cross Region Restore enabled.",
    fix: "Enable Cross Region Restore on the vault (it needs GRS backup storage), or restore into the vault's own region.",
    link: LINK_CRR,
};

static VAULT_TIER_ONLY: RuleInfo = RuleInfo {
    id: "AZ081",
    rule: "crr-vault-tier-only",
    section: "G",
    severity: Severity::Error,
    summary: "A cross-region restore reads only vault-tier recovery points that are already replicated to the secondary region.",
    fix: "Choose a recovery point already replicated to the secondary region (vault tier, about a day after the backup), without `tier: snapshot`.",
    link: LINK_CRR,
};

static RPO: RuleInfo = RuleInfo {
    id: "AZ082",
    rule: "crr-rpo",
    section: "G",
    severity: Severity::Warning,
    summary: "The newest recovery points are not in the secondary region yet: its recovery point objective is about 36 hours.",
    fix: "Set `objectives.rpo` to at least 36h for a cross-region restore, or restore in the vault's region while it is available.",
    link: LINK_CRR,
};

static TARGET_REGION: RuleInfo = RuleInfo {
    id: "AZ083",
    rule: "crr-target-region",
    section: "G",
    severity: Severity::Error,
    summary: "A cross-region restore can only restore into the vault's paired region.",
    fix: "Set the target's `region:` to the vault's paired region (or to the vault's own region).",
    link: LINK_CRR,
};

static NETWORK_SECONDARY: RuleInfo = RuleInfo {
    id: "AZ084",
    rule: "crr-staging-and-network-secondary",
    section: "G",
    severity: Severity::Error,
    summary: "The virtual network of a cross-region restore must be in the secondary region (its staging account too, see AZ060).",
    fix: "Give the target a virtual network and subnet in the secondary region.",
    link: LINK_CRR,
};

static ULTRA_DISK: RuleInfo = RuleInfo {
    id: "AZ086",
    rule: "crr-ultra-disk",
    section: "G",
    severity: Severity::Error,
    summary: "Cross-region restore does not support VMs with Ultra disks.",
    fix: "Restore the VM in the vault's region; replicate its data to the secondary region by other means.",
    link: LINK_CRR,
};

static MANAGED_VMS: RuleInfo = RuleInfo {
    id: "AZ087",
    rule: "crr-managed-vms",
    section: "G",
    severity: Severity::Warning,
    summary: "Cross-region restore is documented for VMs with managed disks; the VM has unmanaged disks.",
    fix: "Test the cross-region restore of this VM in a drill, or migrate it to managed disks.",
    link: LINK_CRR,
};

/// The rules of section G.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &VAULT_CONFIG,
        check: vault_config,
    },
    Rule {
        info: &VAULT_TIER_ONLY,
        check: vault_tier_only,
    },
    Rule {
        info: &RPO,
        check: rpo,
    },
    Rule {
        info: &TARGET_REGION,
        check: target_region,
    },
    Rule {
        info: &NETWORK_SECONDARY,
        check: network_secondary,
    },
    Rule {
        info: &ULTRA_DISK,
        check: ultra_disk,
    },
    Rule {
        info: &MANAGED_VMS,
        check: managed_vms,
    },
];

/// The region of the target of a cross-region restore.
fn crossing_into<'a>(facts: &RestoreFacts<'a>) -> Option<&'a str> {
    facts
        .target
        .filter(|_| facts.scenario.cross_region)
        .map(|t| t.region.as_str())
}

/// The secondary region: the vault's paired region, else the target's.
fn secondary<'a>(facts: &RestoreFacts<'a>) -> Option<&'a str> {
    facts
        .vault
        .paired_region
        .as_deref()
        .or_else(|| crossing_into(facts))
}

/// Whether the vault keeps a restorable copy in its paired region.
fn vault_replicates(facts: &RestoreFacts<'_>) -> bool {
    facts.vault.storage_redundancy.is_geo_redundant() && facts.vault.cross_region_restore
}

/// The pointer of a field of the target the restore uses.
fn target_field(facts: &RestoreFacts<'_>, field: &str) -> String {
    match &facts.resolved.target {
        Some(name) => format!("/targets/{}/{field}", escape_pointer_token(name)),
        None => facts.target_pointer(),
    }
}

/// The pointer of a restore field the plan may set in `defaults` instead.
fn own_or_default(facts: &RestoreFacts<'_>, field: &str, own: bool, default: bool) -> String {
    if !own && default {
        format!("/defaults/{field}")
    } else {
        facts.field(field)
    }
}

fn vault_config(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let into = crossing_into(facts)?;
    if vault_replicates(facts) {
        return None;
    }
    let vault = facts.vault;
    let why = if vault.storage_redundancy.is_geo_redundant() {
        format!(
            "Cross Region Restore is not enabled on vault `{}`",
            vault.name()
        )
    } else {
        format!(
            "vault `{}` keeps its backups {}, with no copy in another region",
            vault.name(),
            vault.storage_redundancy
        )
    };
    Some(Finding {
        message: format!(
            "{why}, so {} cannot be restored from {} into {into}",
            facts.subject(),
            vault.region
        ),
        pointer: facts.target_pointer(),
        label: "cross-region restore not possible from this vault".into(),
    })
}

fn vault_tier_only(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let into = crossing_into(facts)?;
    if !vault_replicates(facts) {
        return None; // crr-vault-config says why nothing is replicated
    }
    if facts.resolved.tier == Some(Tier::Snapshot) {
        return Some(Finding {
            message: format!(
                "the cross-region restore of {} into {into} asks for the snapshot tier, which stays in {}",
                facts.subject(),
                facts.vault.region
            ),
            pointer: own_or_default(
                facts,
                "tier",
                facts.restore.tier.is_some(),
                facts.plan.defaults.tier.is_some(),
            ),
            label: "only the vault tier is replicated".into(),
        });
    }
    let Some(Unresolved::TierUnavailable { newest, .. }) = &facts.unresolved else {
        return None;
    };
    Some(Finding {
        message: format!(
            "no recovery point of {} that matches the selector is replicated to {} with a valid vault tier at {}; the newest that matches, {newest}, is only in {}",
            facts.subject(),
            secondary(facts).unwrap_or(into),
            facts.at,
            facts.vault.region
        ),
        pointer: recovery_point_pointer(facts),
        label: "not in the secondary region".into(),
    })
}

fn recovery_point_pointer(facts: &RestoreFacts<'_>) -> String {
    own_or_default(
        facts,
        "recoveryPoint",
        facts.restore.recovery_point.is_some(),
        facts.plan.defaults.recovery_point.is_some(),
    )
}

fn rpo(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let into = crossing_into(facts)?;
    let chosen = facts.chosen?;
    let objective = facts.plan.objectives.rpo;
    // With `tier: snapshot`, crr-vault-tier-only says what is wrong.
    if objective.is_some_and(|rpo| rpo >= SECONDARY_RPO)
        || facts.resolved.tier == Some(Tier::Snapshot)
    {
        return None;
    }
    // The point a restore in the vault's own region would use.
    let query = facts.resolved.recovery_point.query().ok()?;
    let needs = Requirements {
        tier: None,
        cross_region: false,
        allow_rehydration: facts.restore.allow_rehydration,
    };
    let points = &facts.item?.recovery_points;
    let primary = resolve(points, &query, needs, facts.at).ok()?;
    if primary.point.time <= chosen.point.time {
        return None;
    }
    let behind = primary.point.time.duration_since(chosen.point.time);
    let (objective, pointer, label) = match objective {
        Some(rpo) => (
            format!("the plan's RPO of {} is tighter than", hours(rpo.as_secs())),
            "/objectives/rpo".to_owned(),
            "tighter than the secondary region's".to_owned(),
        ),
        None => (
            "the plan sets no RPO that allows for".to_owned(),
            recovery_point_pointer(facts),
            "older in the secondary region".to_owned(),
        ),
    };
    Some(Finding {
        message: format!(
            "the cross-region restore of {} into {into} uses recovery point {} ({}), {} older than the newest in {} ({}), and {objective} the secondary region's RPO of about {}",
            facts.subject(),
            chosen.point.id,
            chosen.point.time,
            hours(behind.as_secs().unsigned_abs()),
            facts.vault.region,
            primary.point.id,
            hours(SECONDARY_RPO.as_secs())
        ),
        pointer,
        label,
    })
}

/// A span in hours and minutes, as people weigh an RPO: `29h37m`, `36h`.
fn hours(seconds: u64) -> String {
    let minutes = seconds / 60;
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h}h"),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m}m"),
    }
}

fn target_region(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let into = crossing_into(facts)?;
    let paired = facts.vault.paired_region.as_deref()?;
    if into.eq_ignore_ascii_case(paired) {
        return None;
    }
    Some(Finding {
        message: format!(
            "the restore of {} goes into {into}, but vault `{}` in {} restores across regions only into its paired region, {paired}",
            facts.subject(),
            facts.vault.name(),
            facts.vault.region
        ),
        pointer: target_field(facts, "region"),
        label: format!("not {paired}"),
    })
}

fn network_secondary(facts: &RestoreFacts<'_>) -> Option<Finding> {
    crossing_into(facts)?;
    let creates_vm = facts.resolved.mode == RestoreMode::NewVm
        || facts.restore.then == Some(ThenAction::DeployTemplate);
    let network = facts.target?.network.as_ref()?;
    let vnet = facts
        .inventory
        .virtual_network_by_id(&network.virtual_network)?;
    let expected = secondary(facts)?;
    if !creates_vm || vnet.region.eq_ignore_ascii_case(expected) {
        return None;
    }
    Some(Finding {
        message: format!(
            "virtual network `{}` of the cross-region restore of {} is in {}, not in the secondary region {expected}",
            arm_id_name(&vnet.id),
            facts.subject(),
            vnet.region
        ),
        pointer: target_field(facts, "network/virtualNetwork"),
        label: format!("not in {expected}"),
    })
}

fn ultra_disk(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let into = crossing_into(facts)?;
    let ultra: Vec<String> = facts
        .vm
        .disks
        .iter()
        .filter(|d| d.kind == DiskSku::UltraSsdLrs)
        .map(|d| format!("`{}`", d.name))
        .collect();
    if ultra.is_empty() {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} has Ultra disk{} {}, and cross-region restore (into {into}) does not support VMs with Ultra disks",
            facts.subject(),
            if ultra.len() == 1 { "" } else { "s" },
            ultra.join(", ")
        ),
        pointer: facts.target_pointer(),
        label: "a VM with Ultra disks".into(),
    })
}

fn managed_vms(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let into = crossing_into(facts)?;
    let unmanaged_now = facts.vm.disks.iter().any(|d| !d.managed);
    let unmanaged_then = facts.chosen.is_some_and(|c| !c.point.managed);
    if !unmanaged_now && !unmanaged_then {
        return None;
    }
    Some(Finding {
        message: format!(
            "{} has unmanaged disks, and cross-region restore (into {into}) is documented for VMs with managed disks",
            facts.subject()
        ),
        pointer: facts.target_pointer(),
        label: "unmanaged disks".into(),
    })
}
