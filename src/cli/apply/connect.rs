//! The Azure client `apply` runs through: against the embedded emulator,
//! started here and seeded from the inventory, or against Azure with the
//! chosen credential and cloud.

use super::Args;
use crate::azure::auth::{AuthMethod, AuthSettings};
use crate::azure::backup::{Backup, BackupSettings};
use crate::azure::cloud::Cloud;
use crate::azure::connect::{ConnectOptions, connect};
use crate::azure::secret::SecretText;
use crate::cli::{Outcome, fail, refuse};
use crate::clock::{SharedClock, SystemClock};
use crate::emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use std::sync::Arc;
use std::time::Duration;

/// The tenant the embedded emulator signs `apply --emulator` in with.
const EMULATOR_TENANT: &str = "00000000-0000-4000-8000-0000000e4c7a";

/// The Azure client: against the embedded emulator (started here), or Azure.
pub(super) async fn backup_client(
    args: &Args,
    inventory: &crate::model::Inventory,
    start: jiff::Timestamp,
) -> Result<(Backup, Option<EmulatorHandle>), Outcome> {
    let mut settings = BackupSettings::default();
    let (options, emulator) = if args.emulator {
        let mut config = EmulatorConfig::new(inventory.clone());
        config.time_scale = args.time_scale;
        config.start = Some(start);
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
            client_id: Some("restoreplan-apply".to_string()),
            client_secret: Some(SecretText::new("emulator-only")),
            ..AuthSettings::from_env(|_| None)
        };
        options.extra_ca_pem = Some(handle.ca_cert_pem.clone().into_bytes());
        // The emulator's jobs run `time_scale` times faster than Azure's.
        settings.job_interval = Duration::from_secs(1);
        settings.operations.default_interval = Duration::from_secs(1);
        (options, Some(handle))
    } else {
        let cloud = match (&args.arm_endpoint, &args.authority_host) {
            (Some(arm), Some(authority)) => Cloud::custom(authority, arm, &args.arm_audience)
                .map_err(|error| fail(&format!("the custom cloud: {error}")))?,
            _ => Cloud::named(args.cloud),
        };
        let mut options = ConnectOptions::new(cloud, args.auth);
        if let Some(path) = &args.ca_cert {
            let pem = std::fs::read(path)
                .map_err(|error| fail(&format!("cannot read `{}`: {error}", path.display())))?;
            options.extra_ca_pem = Some(pem);
        }
        settings.job_interval = Duration::from_secs(args.job_poll_interval.as_secs().max(1));
        (options, None)
    };
    let clock: SharedClock = Arc::new(SystemClock);
    let (arm, choice) = connect(&options, clock).map_err(|error| refuse(&error.to_diagnostic()))?;
    if !args.emulator {
        eprintln!("signing in with {:?}: {}", choice.method, choice.reason);
    }
    Ok((Backup::new(Arc::new(arm), settings), emulator))
}
