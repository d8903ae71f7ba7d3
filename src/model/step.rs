//! The steps of a plan: the five kinds, and how one is read from its JSON value.

use super::{Duration, OnFailure, Retry, StepOutline};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// One step of the plan.
#[derive(Debug, Clone)]
pub struct Step {
    /// The step id.
    pub id: String,
    /// What the step does.
    pub description: Option<String>,
    /// Steps that must succeed first.
    pub depends_on: Vec<String>,
    /// A failure of an optional step never fails the run.
    pub optional: bool,
    /// The step's time limit.
    pub timeout: Option<Duration>,
    /// The step's retries.
    pub retry: Option<Retry>,
    /// What the step's failure stops.
    pub on_failure: Option<OnFailure>,
    /// What the step does.
    pub kind: StepKind,
    /// The id, dependencies and references: what the graph needs.
    pub outline: StepOutline,
}

/// The kinds of step.
#[derive(Debug, Clone)]
pub enum StepKind {
    /// Restore one VM or a selection of VMs.
    Restore(Box<Restore>),
    /// Run a program.
    Run(Run),
    /// Probe an endpoint until it answers.
    Check(Check),
    /// Wait for a person's approval.
    Approve(Approve),
    /// Wait for a while.
    Wait(Duration),
}

impl StepKind {
    /// The kind's name as written in the plan.
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Restore(_) => "restore",
            StepKind::Run(_) => "run",
            StepKind::Check(_) => "check",
            StepKind::Approve(_) => "approve",
            StepKind::Wait(_) => "wait",
        }
    }

    /// The availability zone a restore asks for itself, if any.
    pub fn restore_zone(&self) -> Option<u8> {
        match self {
            StepKind::Restore(restore) => restore.zone,
            _ => None,
        }
    }

    /// The outputs later steps may reference.
    pub fn outputs(&self) -> &'static [&'static str] {
        super::outputs_of(self.name())
    }
}

/// A restore step.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Restore {
    /// One VM by name or resource id.
    pub vm: Option<String>,
    /// VMs chosen by tags, names or resource group.
    pub select: Option<Selector>,
    /// The restore mode.
    #[serde(rename = "as")]
    pub mode: RestoreMode,
    /// The new VM's name.
    pub name: Option<String>,
    /// The vault name.
    pub vault: Option<String>,
    /// The target name.
    pub target: Option<String>,
    /// The recovery point selector.
    pub recovery_point: Option<RecoveryPointSelector>,
    /// The required tier.
    pub tier: Option<Tier>,
    /// Whether an archive-only recovery point may be rehydrated.
    #[serde(default)]
    pub allow_rehydration: bool,
    /// What follows a disk restore.
    pub then: Option<ThenAction>,
    /// The data disks to restore, by LUN.
    #[serde(default)]
    pub luns: Vec<u8>,
    /// The availability zone.
    pub zone: Option<u8>,
    /// The disk encryption set for restored disks.
    pub disk_encryption_set: Option<String>,
}

impl Restore {
    /// The VM or selection, for people.
    pub fn subject(&self) -> String {
        match (&self.vm, &self.select) {
            (Some(vm), _) => vm.rsplit('/').next().unwrap_or(vm).to_owned(),
            (None, Some(select)) => select.describe(),
            (None, None) => String::new(),
        }
    }
}

/// Which VMs a `select:` restore covers.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    /// Tags every chosen VM has.
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// Name patterns.
    #[serde(default)]
    pub names: Vec<String>,
    /// The resource group.
    pub resource_group: Option<String>,
}

impl Selector {
    /// `tags app=orders,tier=web` and the like.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            parts.push(format!("tags {}", tags.join(",")));
        }
        if !self.names.is_empty() {
            parts.push(format!("names {}", self.names.join(",")));
        }
        if let Some(group) = &self.resource_group {
            parts.push(format!("group {group}"));
        }
        parts.join(" ")
    }
}

/// Azure Backup's restore scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestoreMode {
    /// Replace the disks of the existing VM.
    ReplaceExisting,
    /// Create a new VM.
    NewVm,
    /// Restore the disks only.
    Disks,
    /// Mount the recovery point for file recovery.
    Files,
}

impl RestoreMode {
    /// The mode as written in the plan.
    pub fn as_str(self) -> &'static str {
        match self {
            RestoreMode::ReplaceExisting => "replace-existing",
            RestoreMode::NewVm => "new-vm",
            RestoreMode::Disks => "disks",
            RestoreMode::Files => "files",
        }
    }

    /// Whether the mode creates resources in a target.
    pub fn needs_target(self) -> bool {
        matches!(self, RestoreMode::NewVm | RestoreMode::Disks)
    }
}

/// What follows a disk restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThenAction {
    /// Deploy the ARM template the restore job produces.
    DeployTemplate,
}

/// A recovery point tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// The instant-restore snapshot.
    Snapshot,
    /// The vault copy.
    Vault,
}

/// Which recovery point to restore.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RecoveryPointSelector {
    /// `latest`, `latest-application-consistent` or `latest-crash-consistent`.
    Named(String),
    /// A point chosen by time or id.
    Spec {
        /// The newest point before this RFC 3339 time.
        before: Option<String>,
        /// This recovery point id.
        id: Option<String>,
        /// Required consistency.
        consistency: Option<String>,
    },
}

/// Which recovery-point consistency a selector accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsistencyFilter {
    /// Application-consistent points only.
    Application,
    /// Crash-consistent points only.
    Crash,
    /// Any point.
    Any,
}

/// A recovery-point selector made precise: what the dry run filters by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryPointQuery {
    /// The consistency accepted.
    pub consistency: ConsistencyFilter,
    /// Only points taken at or before this time.
    pub before: Option<jiff::Timestamp>,
    /// Only the point with this id.
    pub id: Option<String>,
}

impl RecoveryPointSelector {
    /// The query this selector means, or why it means none (a time that
    /// has the RFC 3339 form but does not exist, such as 30 February).
    pub fn query(&self) -> Result<RecoveryPointQuery, String> {
        let consistency = |name: Option<&str>| match name {
            Some("application") => Ok(ConsistencyFilter::Application),
            Some("crash") => Ok(ConsistencyFilter::Crash),
            Some("any") | None => Ok(ConsistencyFilter::Any),
            Some(other) => Err(format!("`{other}` is not a consistency")),
        };
        match self {
            RecoveryPointSelector::Named(name) => {
                let consistency = match name.as_str() {
                    "latest" => ConsistencyFilter::Any,
                    "latest-application-consistent" => ConsistencyFilter::Application,
                    "latest-crash-consistent" => ConsistencyFilter::Crash,
                    other => return Err(format!("`{other}` is not a recovery point keyword")),
                };
                Ok(RecoveryPointQuery {
                    consistency,
                    before: None,
                    id: None,
                })
            }
            RecoveryPointSelector::Spec {
                before,
                id,
                consistency: wanted,
            } => {
                let before = before
                    .as_deref()
                    .map(|text| {
                        text.parse::<jiff::Timestamp>().map_err(|error| {
                            format!("`{text}` is not a real point in time: {error}")
                        })
                    })
                    .transpose()?;
                Ok(RecoveryPointQuery {
                    consistency: consistency(wanted.as_deref())?,
                    before,
                    id: id.clone(),
                })
            }
        }
    }
}

/// A run step: a program and its arguments, never a shell string.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// Extra environment variables.
    pub env: IndexMap<String, String>,
    /// The working directory.
    pub working_directory: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRun {
    Argv(Vec<String>),
    #[serde(rename_all = "camelCase")]
    Spec {
        argv: Vec<String>,
        #[serde(default)]
        env: IndexMap<String, String>,
        working_directory: Option<String>,
    },
}

/// A check step: an HTTP or TCP probe with a deadline.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// The URL to GET.
    pub http: Option<String>,
    /// The `host:port` to connect to.
    pub tcp: Option<String>,
    /// The expected HTTP status.
    pub expect: Option<u16>,
    /// A substring the HTTP body must contain.
    pub body_contains: Option<String>,
    /// How long to keep trying.
    pub within: Duration,
    /// How long to wait between tries.
    pub interval: Option<Duration>,
}

/// An approval gate.
#[derive(Debug, Clone)]
pub struct Approve {
    /// The question put to the approver.
    pub message: String,
    /// Who may approve.
    pub approvers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawApprove {
    Message(String),
    Spec {
        message: String,
        #[serde(default)]
        approvers: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStep {
    id: String,
    description: Option<String>,
    #[serde(default)]
    depends_on: Vec<String>,
    #[serde(default)]
    optional: bool,
    timeout: Option<Duration>,
    retry: Option<Retry>,
    on_failure: Option<OnFailure>,
    restore: Option<Restore>,
    run: Option<RawRun>,
    check: Option<Check>,
    approve: Option<RawApprove>,
    wait: Option<Duration>,
}

impl Step {
    /// Reads the step at `index` from a value that has passed the plan schema.
    pub fn from_value(value: &Value, index: usize) -> Result<Step, serde_json::Error> {
        let raw = RawStep::deserialize(value)?;
        let kind = if let Some(restore) = raw.restore {
            StepKind::Restore(Box::new(restore))
        } else if let Some(run) = raw.run {
            StepKind::Run(match run {
                RawRun::Argv(argv) => Run {
                    argv,
                    ..Run::default()
                },
                RawRun::Spec {
                    argv,
                    env,
                    working_directory,
                } => Run {
                    argv,
                    env,
                    working_directory,
                },
            })
        } else if let Some(check) = raw.check {
            StepKind::Check(check)
        } else if let Some(approve) = raw.approve {
            StepKind::Approve(match approve {
                RawApprove::Message(message) => Approve {
                    message,
                    approvers: Vec::new(),
                },
                RawApprove::Spec { message, approvers } => Approve { message, approvers },
            })
        } else if let Some(wait) = raw.wait {
            StepKind::Wait(wait)
        } else {
            return Err(serde::de::Error::custom("a step without a kind"));
        };
        let outline = StepOutline::read(value, index)
            .ok_or_else(|| serde::de::Error::custom("a step without an id"))?;
        Ok(Step {
            id: raw.id,
            description: raw.description,
            depends_on: raw.depends_on,
            optional: raw.optional,
            timeout: raw.timeout,
            retry: raw.retry,
            on_failure: raw.on_failure,
            kind,
            outline,
        })
    }
}
