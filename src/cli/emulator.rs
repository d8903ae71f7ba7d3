//! `restoreplan emulator --inventory FILE [--listen ADDR] [--time-scale N]
//! [--faults SPEC] [--record FILE] [--seed N] [--accept-any-client]
//! [--fail-job VM[:CODE]]… [--ca-out FILE]`: serves a local Azure until Ctrl-C.

use super::{Outcome, print, read_inventory};
use crate::diagnostic::Diagnostic;
use crate::emulator::config::{parse_fail_job, parse_listen, parse_time_scale};
use crate::emulator::faults::FaultSpec;
use crate::emulator::{Emulator, EmulatorConfig};
use std::path::PathBuf;

/// Arguments of `emulator`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The inventory the emulator serves (and changes as restores complete).
    #[arg(long, value_name = "FILE")]
    inventory: String,
    /// The loopback address and port to listen on; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: String,
    /// Simulated seconds per real second.
    #[arg(long, value_name = "N", default_value = "1")]
    time_scale: String,
    /// Fault probabilities per request, such as `429=0.1,500=0.03,reset=0.02,slow=0.05,lost=0.02`
    /// (`reset` drops the connection before the request is carried out, `lost` after).
    #[arg(long, value_name = "SPEC", default_value = "")]
    faults: String,
    /// Write one JSON line per request (method, path, query, body, status, time) to this file, replacing it.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// The seed of the fault draws.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Issue tokens to any client id and secret.
    #[arg(long)]
    accept_any_client: bool,
    /// Make the restore of this VM fail permanently, with this error code.
    #[arg(long, value_name = "VM[:CODE]")]
    fail_job: Vec<String>,
    /// Write the CA certificate here instead of a private temporary folder.
    #[arg(long, value_name = "FILE")]
    ca_out: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> Outcome {
    let config = match configure(&args) {
        Ok(Some(config)) => config,
        Ok(None) => return Outcome::Problems,
        Err(diagnostic) => return super::refuse(&diagnostic),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return super::fail(&format!("cannot start the async runtime: {error}")),
    };
    runtime.block_on(async {
        let handle = match Emulator::start(config).await {
            Ok(handle) => handle,
            Err(diagnostic) => return super::refuse(&diagnostic),
        };
        let mut stop = super::signals::StopSignals::install();
        print(&format!(
            "emulator: {}\nca-cert: {}\n",
            handle.base_url,
            handle.ca_path.display()
        ));
        stop.next().await;
        eprintln!("stopping: letting answers in flight finish");
        handle.shutdown().await;
        Outcome::Success
    })
}

/// Checks every option before anything is bound; `Ok(None)` when the
/// inventory has errors (already printed).
fn configure(args: &Args) -> Result<Option<EmulatorConfig>, Diagnostic> {
    let listen = parse_listen(&args.listen)?;
    let time_scale = parse_time_scale(&args.time_scale)?;
    let faults = FaultSpec::parse(&args.faults)?;
    let fail_jobs = args
        .fail_job
        .iter()
        .map(|text| parse_fail_job(text))
        .collect::<Result<Vec<_>, _>>()?;
    let inventory = match read_inventory(&args.inventory) {
        Ok(Some(inventory)) => inventory,
        Ok(None) => return Ok(None),
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(None);
        }
    };
    let mut config = EmulatorConfig::new(inventory);
    config.listen = listen;
    config.time_scale = time_scale;
    config.faults = faults;
    config.seed = args.seed;
    config.record = args.record.clone();
    config.accept_any_client = args.accept_any_client;
    config.fail_jobs = fail_jobs;
    config.ca_out = args.ca_out.clone();
    config.keep_requests = false;
    Ok(Some(config))
}
