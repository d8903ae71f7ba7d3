//! The flags that say how to reach Azure (or the embedded emulator) for the
//! commands that reach it (`apply`, `inventory export`, `plan --live`), and the
//! one place that turns them into an ARM client.

use super::{Outcome, fail, refuse};
use crate::azure::auth::{AuthMethod, AuthSettings};
use crate::azure::backup::{Backup, BackupSettings};
use crate::azure::cloud::{Cloud, CloudName};
use crate::azure::connect::{ConnectOptions, connect};
use crate::azure::secret::SecretText;
use crate::clock::{SharedClock, SystemClock};
use crate::emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use crate::model::Inventory;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The tenant the embedded emulator signs in with (it accepts any client).
const EMULATOR_TENANT: &str = "00000000-0000-4000-8000-0000000e4c7a";

/// How to reach Azure.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct AzureArgs {
    /// Use the embedded local emulator, seeded from the inventory, instead of Azure.
    #[arg(long)]
    pub emulator: bool,
    /// How to sign in to Azure.
    #[arg(long, value_enum, default_value_t = AuthMethod::Auto)]
    auth: AuthMethod,
    /// The Azure cloud.
    #[arg(long, value_enum, default_value_t = CloudName::Public, conflicts_with = "arm_endpoint")]
    cloud: CloudName,
    /// A custom ARM endpoint (another cloud, or a `restoreplan emulator` process); needs `--authority-host`.
    #[arg(
        long,
        value_name = "URL",
        requires = "authority_host",
        conflicts_with = "emulator"
    )]
    arm_endpoint: Option<String>,
    /// The Entra authority host that goes with `--arm-endpoint`.
    #[arg(long, value_name = "URL", requires = "arm_endpoint")]
    authority_host: Option<String>,
    /// The audience of ARM tokens at `--arm-endpoint`.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://management.azure.com"
    )]
    arm_audience: String,
    /// An extra CA certificate (PEM) to trust, such as the one a `restoreplan emulator` writes.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
}

/// A connection to Azure (or the embedded emulator) with the runtime it
/// lives on, for commands that are otherwise synchronous.
pub(super) struct Session {
    runtime: tokio::runtime::Runtime,
    /// Azure Backup over the one ARM client.
    pub backup: Backup,
    emulator: Option<EmulatorHandle>,
}

impl Session {
    /// Starts the runtime (and the emulator, seeded with `seed`, under `--emulator`) and connects.
    pub(super) fn open(args: &AzureArgs, seed: Option<&Inventory>) -> Result<Session, Outcome> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|error| fail(&format!("cannot start the async runtime: {error}")))?;
        let seed = match (args.emulator, seed) {
            (true, Some(inventory)) => Some(EmulatorSeed {
                inventory,
                time_scale: 1.0,
                start: None,
            }),
            (true, None) => {
                return Err(fail(
                    "`--emulator` needs `--inventory FILE` to seed the emulated estate",
                ));
            }
            (false, _) => None,
        };
        let (backup, emulator) =
            runtime.block_on(backup_client(args, seed, BackupSettings::default()))?;
        Ok(Session {
            runtime,
            backup,
            emulator,
        })
    }

    /// Runs `work` to its end on the session's runtime.
    pub(super) fn block_on<F: std::future::Future>(&self, work: F) -> F::Output {
        self.runtime.block_on(work)
    }

    /// Stops the emulator, if one was started.
    pub(super) fn close(self) {
        if let Some(emulator) = self.emulator {
            self.runtime.block_on(emulator.shutdown());
        }
    }
}

/// The embedded emulator's estate, pace and start.
pub(super) struct EmulatorSeed<'a> {
    /// The estate it serves.
    pub inventory: &'a Inventory,
    /// Emulated seconds per real second.
    pub time_scale: f64,
    /// The emulated time it starts at; now when absent.
    pub start: Option<jiff::Timestamp>,
}

/// The Azure Backup client (over the one ARM client): against the embedded
/// emulator, started here from `seed` (shut it down when done), or Azure.
/// `settings` are the caller's; against the emulator, whose jobs run
/// `time_scale` times faster than Azure's, jobs and operations are read every second.
pub(super) async fn backup_client(
    args: &AzureArgs,
    seed: Option<EmulatorSeed<'_>>,
    mut settings: BackupSettings,
) -> Result<(Backup, Option<EmulatorHandle>), Outcome> {
    let (options, emulator) = match seed {
        Some(seed) => {
            let mut config = EmulatorConfig::new(seed.inventory.clone());
            config.time_scale = seed.time_scale;
            config.start = seed.start;
            config.accept_any_client = true;
            let handle = Emulator::start(config).await.map_err(|p| refuse(&p))?;
            let cloud = Cloud::custom(
                &handle.base_url,
                &handle.base_url,
                "https://management.azure.com",
            )
            .map_err(|error| fail(&format!("the emulator's endpoints: {error}")))?;
            let mut options = ConnectOptions::new(cloud, AuthMethod::ClientSecret);
            options.settings = AuthSettings {
                tenant_id: Some(EMULATOR_TENANT.to_string()),
                client_id: Some("restoreplan".to_string()),
                client_secret: Some(SecretText::new("emulator-only")),
                ..AuthSettings::from_env(|_| None)
            };
            options.extra_ca_pem = Some(handle.ca_cert_pem.clone().into_bytes());
            settings.job_interval = Duration::from_secs(1);
            settings.operations.default_interval = Duration::from_secs(1);
            (options, Some(handle))
        }
        None => {
            let cloud = match (&args.arm_endpoint, &args.authority_host) {
                (Some(arm), Some(authority)) => {
                    Cloud::custom(authority, arm, &args.arm_audience)
                        .map_err(|error| fail(&format!("the custom cloud: {error}")))?
                }
                _ => Cloud::named(args.cloud),
            };
            let mut options = ConnectOptions::new(cloud, args.auth);
            if let Some(path) = &args.ca_cert {
                let pem = std::fs::read(path)
                    .map_err(|error| fail(&format!("cannot read `{}`: {error}", path.display())))?;
                options.extra_ca_pem = Some(pem);
            }
            (options, None)
        }
    };
    let clock: SharedClock = Arc::new(SystemClock);
    let (arm, choice) = connect(&options, clock).map_err(|error| refuse(&error.to_diagnostic()))?;
    if emulator.is_none() {
        eprintln!("signing in with {:?}: {}", choice.method, choice.reason);
    }
    Ok((Backup::new(Arc::new(arm), settings), emulator))
}
