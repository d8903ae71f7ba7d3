//! Catalogue section H: cross-subscription restore.
//!
//! `csr-not-ade` has no rule here: it is the very condition of section F's
//! `ade-same-subscription` (AZ070), which reports it once.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{
    CrossSubscriptionRestore, RestoreMode, SecurityType, Tier, TierKind, arm_id_segment,
    same_arm_id,
};

const LINK: &str =
    "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#restore-options";

static VAULT_DISABLED: RuleInfo = RuleInfo {
    id: "AZ090",
    rule: "csr-vault-disabled",
    section: "H",
    severity: Severity::Error,
    summary: "The restore goes into another subscription, and the vault does not allow cross-subscription restore.",
    fix: "Enable Cross Subscription Restore on the vault (impossible once it is `PermanentlyDisabled`), or restore into the vault's subscription.",
    link: LINK,
};

static SAME_TENANT: RuleInfo = RuleInfo {
    id: "AZ091",
    rule: "csr-same-tenant",
    section: "H",
    severity: Severity::Error,
    summary: "Cross-subscription restore works only into a subscription of the same Microsoft Entra tenant.",
    fix: "Choose a target subscription in the source subscription's tenant.",
    link: LINK,
};

static MANAGED_ONLY: RuleInfo = RuleInfo {
    id: "AZ092",
    rule: "csr-managed-only",
    section: "H",
    severity: Severity::Error,
    summary: "Cross-subscription restore is supported only for VMs with managed disks.",
    fix: "Restore into the VM's own subscription, then move the restored resources.",
    link: LINK,
};

static NOT_SNAPSHOT_TIER: RuleInfo = RuleInfo {
    id: "AZ093",
    rule: "csr-not-snapshot-tier",
    section: "H",
    severity: Severity::Error,
    summary: "Cross-subscription restore is not supported from the snapshot tier.",
    fix: "Set `tier: vault` on the restore, so that it uses a recovery point already in the vault.",
    link: LINK,
};

static TRUSTED_LAUNCH: RuleInfo = RuleInfo {
    id: "AZ095",
    rule: "csr-tvm",
    section: "H",
    severity: Severity::Warning,
    summary: "The VM is a Trusted Launch VM: the 2023 support matrix lists cross-subscription restore as unsupported for it, newer restore documentation no longer does.",
    fix: "Prove the cross-subscription restore of this VM in a drill, or restore into its own subscription.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#tvm-backup",
};

static VAULT_MOVED: RuleInfo = RuleInfo {
    id: "AZ096",
    rule: "csr-vault-moved",
    section: "H",
    severity: Severity::Warning,
    summary: "The vault has moved to another subscription than the VM's, and cross-subscription restore is off: a restore into the original subscription fails.",
    fix: "Enable Cross Subscription Restore on the vault, or restore into the vault's subscription.",
    link: LINK,
};

// AZ097 (`csr-rbac`): the caller's rights in the target subscription are not in the inventory.

/// The rules of section H.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &VAULT_DISABLED,
        check: vault_disabled,
    },
    Rule {
        info: &SAME_TENANT,
        check: same_tenant,
    },
    Rule {
        info: &MANAGED_ONLY,
        check: managed_only,
    },
    Rule {
        info: &NOT_SNAPSHOT_TIER,
        check: not_snapshot_tier,
    },
    Rule {
        info: &TRUSTED_LAUNCH,
        check: trusted_launch,
    },
    Rule {
        info: &VAULT_MOVED,
        check: vault_moved,
    },
];

/// The subscription the target writes into: its own `subscription`, else its resource group's.
fn target_subscription<'a>(facts: &RestoreFacts<'a>) -> Option<&'a str> {
    let target = facts.target?;
    target
        .subscription
        .as_deref()
        .or_else(|| arm_id_segment(&target.resource_group, "subscriptions"))
}

fn vault_subscription<'a>(facts: &RestoreFacts<'a>) -> Option<&'a str> {
    arm_id_segment(&facts.vault.id, "subscriptions")
}

/// A subscription as people know it: `` `contoso-sandbox` `` when the inventory names it, else its id.
fn named(facts: &RestoreFacts<'_>, id: &str) -> String {
    match facts
        .inventory
        .subscription_by_id(id)
        .and_then(|s| s.name.as_deref())
    {
        Some(name) => format!("`{name}`"),
        None => format!("`{id}`"),
    }
}

/// The finding at the target, for a restore into another subscription.
fn at_target(facts: &RestoreFacts<'_>, message: String, label: &str) -> Option<Finding> {
    Some(Finding {
        message,
        pointer: facts.target_pointer(),
        label: label.to_owned(),
    })
}

fn vault_disabled(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let state = facts.vault.cross_subscription_restore;
    if !facts.scenario.cross_subscription || state == CrossSubscriptionRestore::Enabled {
        return None;
    }
    let target = target_subscription(facts)?;
    // Into the vault's own subscription is no cross-subscription restore for the vault.
    if vault_subscription(facts).is_some_and(|vault| same_arm_id(vault, target)) {
        return None;
    }
    at_target(
        facts,
        format!(
            "{} is restored into subscription {}, but vault `{}` has cross-subscription restore `{state}`",
            facts.subject(),
            named(facts, target),
            facts.vault.name()
        ),
        "another subscription",
    )
}

fn same_tenant(facts: &RestoreFacts<'_>) -> Option<Finding> {
    if !facts.scenario.cross_subscription {
        return None;
    }
    let target = target_subscription(facts)?;
    let source = facts.vm.subscription()?;
    let tenant = |id: &str| {
        facts
            .inventory
            .subscription_by_id(id)
            .and_then(|s| s.tenant_id.as_deref())
    };
    let (to, from) = (tenant(target)?, tenant(source)?);
    if to.eq_ignore_ascii_case(from) {
        return None;
    }
    at_target(
        facts,
        format!(
            "{} is restored from subscription {} of tenant `{from}` into subscription {} of tenant `{to}`",
            facts.subject(),
            named(facts, source),
            named(facts, target)
        ),
        "a subscription of another tenant",
    )
}

fn managed_only(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let unmanaged_now = facts.vm.disks.iter().any(|d| !d.managed);
    let unmanaged_then = facts.chosen.is_some_and(|c| !c.point.managed);
    if !facts.scenario.cross_subscription || !(unmanaged_now || unmanaged_then) {
        return None;
    }
    at_target(
        facts,
        format!(
            "{} has unmanaged disks and is restored into another subscription",
            facts.subject()
        ),
        "cross-subscription restore of unmanaged disks",
    )
}

fn not_snapshot_tier(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let chosen = facts.chosen?;
    if !facts.scenario.cross_subscription {
        return None;
    }
    if facts.resolved.tier == Some(Tier::Snapshot) {
        return Some(Finding {
            message: format!(
                "the restore of {} into another subscription requires the snapshot tier",
                facts.subject()
            ),
            pointer: if facts.restore.tier.is_some() {
                facts.field("tier")
            } else {
                "/defaults/tier".to_owned()
            },
            label: "snapshot tier across subscriptions".into(),
        });
    }
    if chosen.point.has_valid_tier(TierKind::Vault, facts.at) {
        return None;
    }
    Some(Finding {
        message: format!(
            "recovery point {} of {} ({}) is only in the snapshot tier, and the restore goes into another subscription",
            chosen.point.id,
            facts.subject(),
            chosen.point.time
        ),
        pointer: facts.field("recoveryPoint"),
        label: "not in the vault tier yet".into(),
    })
}

fn trusted_launch(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let security = facts
        .chosen
        .and_then(|c| c.point.security_type)
        .unwrap_or(facts.vm.security_type);
    if !facts.scenario.cross_subscription || security != SecurityType::TrustedLaunch {
        return None;
    }
    at_target(
        facts,
        format!(
            "{} is a Trusted Launch VM and is restored into another subscription",
            facts.subject()
        ),
        "Trusted Launch VM into another subscription",
    )
}

fn vault_moved(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let state = facts.vault.cross_subscription_restore;
    if state == CrossSubscriptionRestore::Enabled {
        return None;
    }
    let original = facts.vm.subscription()?;
    let vault = vault_subscription(facts)?;
    // A replace writes in place; the other modes write into the target's subscription.
    let into = match facts.resolved.mode {
        RestoreMode::ReplaceExisting => original,
        RestoreMode::NewVm | RestoreMode::Disks => target_subscription(facts)?,
        RestoreMode::Files => return None,
    };
    if same_arm_id(vault, original) || !same_arm_id(into, original) {
        return None;
    }
    at_target(
        facts,
        format!(
            "vault `{}` has moved to subscription {} with cross-subscription restore `{state}`, and {} is restored into its original subscription {}",
            facts.vault.name(),
            named(facts, vault),
            facts.subject(),
            named(facts, original)
        ),
        "the VM's original subscription",
    )
}
