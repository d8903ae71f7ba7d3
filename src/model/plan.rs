//! The typed restore plan (`kind: RestorePlan`), as `schemas/restore-plan.schema.json`
//! describes it: everything but the steps, which live in `step.rs`.

use super::{Duration, RecoveryPointSelector, Step, Tier};
use crate::diagnostic::{Code, Diagnostic};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// A restore plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Who owns the plan and what it is.
    pub metadata: Metadata,
    /// The inventory file to check against, relative to the plan's folder.
    pub inventory: Option<String>,
    /// Recovery objectives.
    #[serde(default)]
    pub objectives: Objectives,
    /// Recovery Services vaults by name.
    #[serde(default)]
    pub vaults: IndexMap<String, Vault>,
    /// Restore targets by name.
    #[serde(default)]
    pub targets: IndexMap<String, Target>,
    /// Settings every restore step inherits.
    #[serde(default)]
    pub defaults: Defaults,
    /// Scheduler settings.
    #[serde(default)]
    pub execution: Execution,
    /// The steps, in file order; read one by one by [`Plan::from_value`],
    /// so that their values are not cloned.
    #[serde(skip)]
    pub steps: Vec<Step>,
}

/// Who owns the plan and what it is.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// The plan's name.
    pub name: String,
    /// What the plan is for.
    pub description: Option<String>,
    /// The team that owns the plan.
    pub owner: Option<String>,
    /// Free-form labels.
    #[serde(default)]
    pub labels: IndexMap<String, String>,
}

/// Recovery objectives the dry run measures the plan against.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Objectives {
    /// Recovery time objective.
    pub rto: Option<Duration>,
    /// Recovery point objective.
    pub rpo: Option<Duration>,
    /// How far apart the recovery points of the plan's VMs may lie.
    pub consistency_window: Option<Duration>,
}

/// A Recovery Services vault.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vault {
    /// The vault's ARM resource id.
    pub id: String,
    /// What the vault holds.
    pub description: Option<String>,
}

/// Where restored resources go.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// The Azure region.
    pub region: String,
    /// The resource group's ARM id.
    pub resource_group: String,
    /// The subscription, when it is not the resource group's.
    pub subscription: Option<String>,
    /// The network restored VMs join.
    pub network: Option<Network>,
    /// The staging storage account's ARM id.
    pub staging_storage_account: Option<String>,
    /// The availability zone.
    pub zone: Option<u8>,
    /// What the target is for.
    pub description: Option<String>,
}

/// A virtual network and subnet.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// The virtual network's ARM id.
    pub virtual_network: String,
    /// The subnet's name.
    pub subnet: String,
}

/// Settings every restore step inherits unless it sets its own.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Defaults {
    /// The vault name.
    pub vault: Option<String>,
    /// The target name.
    pub target: Option<String>,
    /// The recovery point selector.
    pub recovery_point: Option<RecoveryPointSelector>,
    /// The required tier.
    pub tier: Option<Tier>,
}

/// Scheduler settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    /// The most nodes running at once.
    pub max_parallel: Option<u32>,
    /// The most restores running at once against one vault.
    pub max_parallel_per_vault: Option<u32>,
    /// The most restores running at once in one subscription.
    pub max_parallel_per_subscription: Option<u32>,
    /// What a failure stops.
    pub on_failure: Option<OnFailure>,
    /// Retries of transient failures.
    pub retry: Option<Retry>,
    /// The default time limit of a step.
    pub timeout: Option<Duration>,
    /// The durations the recovery-time estimate assumes, where the plan sets them.
    #[serde(default)]
    pub estimates: Estimates,
}

/// Durations the recovery-time estimate assumes; `None` takes the default
/// that `check::estimate` documents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimates {
    /// A restore from the snapshot tier.
    pub snapshot_restore: Option<Duration>,
    /// The fixed part of a vault-tier restore.
    pub vault_restore: Option<Duration>,
    /// A vault-tier restore's transfer, per TiB.
    #[serde(rename = "vaultTransferPerTiB")]
    pub vault_transfer_per_tib: Option<Duration>,
    /// Rehydrating an archive-tier point.
    pub rehydration: Option<Duration>,
    /// Deploying a restore template.
    pub deploy_template: Option<Duration>,
    /// Reinstalling the disk-encryption extension.
    pub reinstall_disk_encryption: Option<Duration>,
    /// Mounting a recovery point for file recovery.
    pub file_recovery: Option<Duration>,
    /// A `run` step.
    pub run: Option<Duration>,
    /// A `check` step.
    pub check: Option<Duration>,
    /// An `approve` step.
    pub approve: Option<Duration>,
}

/// What a failed step stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnFailure {
    /// Stop scheduling anything.
    Abort,
    /// Skip what depends on the failed step.
    SkipDependents,
    /// Run everything else.
    Continue,
}

/// Retries of transient failures.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The first wait between attempts.
    pub backoff: Option<Duration>,
    /// The longest wait between attempts.
    pub max_backoff: Option<Duration>,
}

impl Plan {
    /// Reads a plan from a value that has passed the plan schema.
    pub fn from_value(value: &Value) -> Result<Plan, Diagnostic> {
        let internal = |pointer: &str, error: serde_json::Error| {
            Diagnostic::new(Code::Internal, format!("could not read the plan: {error}"))
                .at(pointer, "")
                .with_help(Code::Internal.info().fix)
        };
        let mut plan = Plan::deserialize(value).map_err(|e| internal("", e))?;
        plan.steps = value
            .get("steps")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(index, step)| {
                Step::from_value(step, index).map_err(|e| internal(&format!("/steps/{index}"), e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(plan)
    }
}
