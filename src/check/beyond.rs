//! Checks beyond the catalogue of Azure limitations: facts of the estate
//! that make a restore impossible or break the plan's objectives.

use crate::diagnostic::{RuleInfo, Severity};

/// The VM is not protected by the vault the restore names.
pub static NOT_PROTECTED: RuleInfo = RuleInfo {
    id: "AZ001",
    rule: "vm-not-protected",
    section: "-",
    severity: Severity::Error,
    summary: "The VM has no backups in the vault the restore uses.",
    fix: "Restore from the vault that protects the VM, or configure its backup.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-vms-first-look-arm",
};

/// No recovery point matches the selector.
pub static NO_MATCHING_POINT: RuleInfo = RuleInfo {
    id: "AZ002",
    rule: "rp-none-matches",
    section: "-",
    severity: Severity::Error,
    summary: "No recovery point of the VM matches the restore's selector (consistency, `before`, `id`).",
    fix: "Loosen the selector, or check the recovery points the vault lists for the VM.",
    link: "https://learn.microsoft.com/rest/api/backup/recovery-points/list",
};

/// The tier the restore requires is absent or expired.
pub static TIER_UNAVAILABLE: RuleInfo = RuleInfo {
    id: "AZ003",
    rule: "rp-required-tier-unavailable",
    section: "-",
    severity: Severity::Error,
    summary: "No matching recovery point has the tier the restore requires, still valid at the time of the run.",
    fix: "Remove or change `tier:`, or choose a recovery point that has that tier.",
    link: "https://learn.microsoft.com/azure/backup/backup-instant-restore-capability",
};

/// The chosen recovery point is older than the plan's RPO.
pub static OLDER_THAN_RPO: RuleInfo = RuleInfo {
    id: "AZ004",
    rule: "rp-older-than-rpo",
    section: "-",
    severity: Severity::Error,
    summary: "The recovery point the restore will use is older than the plan's recovery point objective (`objectives.rpo`).",
    fix: "Take a new backup, fix the backup policy, or review the objective.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction",
};

/// No set of recovery points lies within the consistency window.
pub static WINDOW_IMPOSSIBLE: RuleInfo = RuleInfo {
    id: "AZ005",
    rule: "consistency-window-impossible",
    section: "-",
    severity: Severity::Error,
    summary: "No set of recovery points, one per VM, lies within `objectives.consistencyWindow` of each other.",
    fix: "Widen the window, or align the backup schedules of the VMs that restore together.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction",
};

/// The estimated recovery time is longer than the plan's RTO.
pub static RTO_AT_RISK: RuleInfo = RuleInfo {
    id: "AZ006",
    rule: "rto-at-risk",
    section: "-",
    severity: Severity::Warning,
    summary: "The estimated recovery time, played out under the plan's parallelism, is longer than `objectives.rto`.",
    fix: "Shorten the critical path (fewer dependencies, more `maxParallel`, snapshot-tier points), or review the objective.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms",
};

/// A restore is estimated to take longer than the timeout it runs under.
pub static OUTLASTS_TIMEOUT: RuleInfo = RuleInfo {
    id: "AZ007",
    rule: "restore-outlasts-timeout",
    section: "-",
    severity: Severity::Warning,
    summary: "A restore is estimated to take longer than its `timeout` (the step's, else `execution.timeout`): `apply` would stop following it and fail the step while Azure goes on restoring.",
    fix: "Raise the timeout above the estimate, or restore from a faster tier (snapshot) or fewer disks.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms",
};

/// Every check beyond the catalogue, in code order.
pub static INFOS: &[&RuleInfo] = &[
    &NOT_PROTECTED,
    &NO_MATCHING_POINT,
    &TIER_UNAVAILABLE,
    &OLDER_THAN_RPO,
    &WINDOW_IMPOSSIBLE,
    &RTO_AT_RISK,
    &OUTLASTS_TIMEOUT,
];
