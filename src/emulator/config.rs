//! What the emulator is started with: the options of `restoreplan emulator`
//! parsed into checked values, each refusal a diagnostic with its own code.

use super::faults::FaultSpec;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Inventory;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything [`super::Emulator::start`] needs.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The estate the emulator serves, and changes as restores complete.
    pub inventory: Inventory,
    /// The loopback address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Simulated seconds per real second.
    pub time_scale: f64,
    /// The simulated time the emulator starts at; now when absent.
    pub start: Option<jiff::Timestamp>,
    /// The probability of each injected fault.
    pub faults: FaultSpec,
    /// The seed of the fault draws.
    pub seed: u64,
    /// Where to append one JSON line per request, if anywhere.
    pub record: Option<PathBuf>,
    /// Issue tokens to any client id and secret, not only the inventory's.
    pub accept_any_client: bool,
    /// Restores of these VMs fail permanently.
    pub fail_jobs: Vec<FailJob>,
    /// Where to write the CA certificate; a private temporary folder when absent.
    pub ca_out: Option<PathBuf>,
    /// Keep every request in memory for [`super::EmulatorHandle::recorded`]
    /// (in-process use); the CLI, which may run for days, does not.
    pub keep_requests: bool,
}

impl EmulatorConfig {
    /// The defaults: `127.0.0.1:0`, real time, no faults, seed 0, no recording.
    pub fn new(inventory: Inventory) -> Self {
        EmulatorConfig {
            inventory,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            time_scale: 1.0,
            start: None,
            faults: FaultSpec::default(),
            seed: 0,
            record: None,
            accept_any_client: false,
            fail_jobs: Vec::new(),
            ca_out: None,
            keep_requests: true,
        }
    }
}

/// A restore that is made to fail: `--fail-job <vm>[:<error code>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailJob {
    /// The VM's name (compared without case, as Azure does).
    pub vm: String,
    /// The error code the job fails with.
    pub code: String,
}

/// The error code of a `--fail-job` that names none.
pub const DEFAULT_FAIL_CODE: &str = "UserErrorRestoreFailed";

/// Parses `--listen`, refusing anything that is not a loopback address: the
/// emulator hands out tokens to whoever asks and must not face a network.
pub fn parse_listen(text: &str) -> Result<SocketAddr, Diagnostic> {
    let address: SocketAddr = text.parse().map_err(|_| {
        Diagnostic::new(
            Code::EmulatorBadListen,
            format!("`--listen {text}` is not an IP address with a port"),
        )
        .with_help(Code::EmulatorBadListen.info().fix)
    })?;
    if !address.ip().is_loopback() {
        return Err(Diagnostic::new(
            Code::EmulatorNotLoopback,
            format!(
                "`--listen {text}` is not a loopback address; the emulator only listens on 127.0.0.0/8 or ::1"
            ),
        )
        .with_help(Code::EmulatorNotLoopback.info().fix));
    }
    Ok(address)
}

/// Parses `--time-scale`: a finite number above 0.
pub fn parse_time_scale(text: &str) -> Result<f64, Diagnostic> {
    match text.parse::<f64>() {
        Ok(scale) if scale.is_finite() && scale > 0.0 => Ok(scale),
        _ => Err(Diagnostic::new(
            Code::EmulatorBadTimeScale,
            format!("`--time-scale {text}` is not a number above 0"),
        )
        .with_help(Code::EmulatorBadTimeScale.info().fix)),
    }
}

/// Parses `--fail-job <vm>[:<error code>]`.
pub fn parse_fail_job(text: &str) -> Result<FailJob, Diagnostic> {
    let (vm, code) = text.split_once(':').unwrap_or((text, DEFAULT_FAIL_CODE));
    let is_name = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if !is_name(vm) || !is_name(code) {
        return Err(Diagnostic::new(
            Code::EmulatorBadFailJob,
            format!("`--fail-job {text}` is not `<vm name>` or `<vm name>:<error code>`"),
        )
        .with_help(Code::EmulatorBadFailJob.info().fix));
    }
    Ok(FailJob {
        vm: vm.to_owned(),
        code: code.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_accepted_and_others_refused_with_their_code() {
        assert!(parse_listen("127.0.0.1:0").is_ok());
        assert!(parse_listen("127.8.9.10:8443").is_ok());
        assert!(parse_listen("[::1]:8443").is_ok());
        let refused = |text| parse_listen(text).map(|_| ()).map_err(|d| d.code.id());
        assert_eq!(refused("0.0.0.0:8443"), Err("EX080"));
        assert_eq!(refused("[::]:8443"), Err("EX080"));
        assert_eq!(refused("10.1.2.3:8443"), Err("EX080"));
        assert_eq!(refused("localhost:8443"), Err("EX081"));
        assert_eq!(refused("127.0.0.1"), Err("EX081"));
    }

    #[test]
    fn time_scale_must_be_a_positive_finite_number() {
        assert_eq!(parse_time_scale("60").ok(), Some(60.0));
        for bad in ["0", "-1", "inf", "NaN", "fast"] {
            assert!(parse_time_scale(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fail_job_takes_a_vm_and_an_optional_code() {
        assert_eq!(
            parse_fail_job("sql-01").ok(),
            Some(FailJob {
                vm: "sql-01".into(),
                code: DEFAULT_FAIL_CODE.into()
            })
        );
        assert_eq!(
            parse_fail_job("web-01:UserErrorDiskQuota")
                .map(|job| job.code)
                .ok(),
            Some("UserErrorDiskQuota".to_owned())
        );
        for bad in ["", ":x", "vm:", "a b", "vm:x:y"] {
            assert!(parse_fail_job(bad).is_err(), "{bad}");
        }
    }
}
