//! The inventory's optional `emulator:` section: what `restoreplan emulator`
//! needs beyond the estate (who may sign in, how long simulated work takes).
//! The dry run never reads it.

use crate::model::Duration;
use serde::{Deserialize, Serialize};

/// Settings of the local Azure emulator, each with the schema's default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmulatorSettings {
    /// The service principals the token endpoint issues tokens to.
    #[serde(default)]
    pub clients: Vec<EmulatorClient>,
    /// How long an issued access token is valid, in real time.
    #[serde(default = "default_token_lifetime")]
    pub token_lifetime: Duration,
    /// ARM writes per subscription per hour before 429.
    #[serde(default = "default_writes_per_hour")]
    pub writes_per_hour: u64,
    /// Items per page of list calls.
    #[serde(default = "default_page_size")]
    pub page_size: u64,
    /// Simulated restore throughput from the snapshot tier, MiB/s.
    #[serde(default = "default_snapshot_mibps", rename = "snapshotTransferMiBps")]
    pub snapshot_transfer_mibps: u64,
    /// Simulated restore throughput from the vault tier, MiB/s.
    #[serde(default = "default_vault_mibps", rename = "vaultTransferMiBps")]
    pub vault_transfer_mibps: u64,
    /// Simulated time to create a VM once its disks are restored.
    #[serde(default = "default_vm_create_time")]
    pub vm_create_time: Duration,
    /// Simulated time of a restore job's first task.
    #[serde(default = "default_snapshot_time")]
    pub snapshot_time: Duration,
}

impl Default for EmulatorSettings {
    fn default() -> Self {
        EmulatorSettings {
            clients: Vec::new(),
            token_lifetime: default_token_lifetime(),
            writes_per_hour: default_writes_per_hour(),
            page_size: default_page_size(),
            snapshot_transfer_mibps: default_snapshot_mibps(),
            vault_transfer_mibps: default_vault_mibps(),
            vm_create_time: default_vm_create_time(),
            snapshot_time: default_snapshot_time(),
        }
    }
}

/// A service principal allowed to sign in to the emulator.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmulatorClient {
    /// The tenant the client signs in to; any tenant when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The application (client) id.
    pub client_id: String,
    /// The client secret the emulator expects.
    pub client_secret: String,
}

impl std::fmt::Debug for EmulatorClient {
    // A secret never reaches a log, even a test credential's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorClient")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

fn default_token_lifetime() -> Duration {
    Duration::from_secs(3_600)
}

fn default_writes_per_hour() -> u64 {
    1_200
}

fn default_page_size() -> u64 {
    2
}

// The throughputs agree with the dry run's default estimates
// (`check::estimate`): a snapshot restore of a few TiB in its 20 minutes, a
// vault restore at 2 hours per TiB, so a drill against the emulator takes
// about as long as `plan` said.
fn default_snapshot_mibps() -> u64 {
    2_048
}

fn default_vault_mibps() -> u64 {
    146
}

fn default_vm_create_time() -> Duration {
    Duration::from_secs(240)
}

fn default_snapshot_time() -> Duration {
    Duration::from_secs(120)
}
