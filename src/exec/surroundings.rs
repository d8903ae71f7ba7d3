//! Where `run` and `check` steps act. Against Azure they reach this
//! machine's network and programs. Against the emulator they reach the
//! emulated estate: a probe is answered by the emulated VM that owns its
//! address, and programs are not started unless asked for (`--run-commands`).
//! A plan's commands change real systems (DNS, Traffic Manager), so a drill
//! against the emulator must not run them by accident.

use super::failure::StepFailure;
use super::restorer::Outputs;
use super::steps::{Probe, Program};
use crate::diagnostic::Code;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// Answers "which VM of the emulated estate has this address or name?".
pub type EstateLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What `run` and `check` steps reach.
#[derive(Clone)]
pub enum Surroundings {
    /// This machine's network and programs.
    Real,
    /// The emulated estate.
    Emulated {
        /// The VM owning an address or name, looked up in the emulator's world.
        lookup: EstateLookup,
        /// Start `run` programs for real anyway.
        run_commands: bool,
    },
}

impl std::fmt::Debug for Surroundings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Surroundings::Real => f.write_str("Real"),
            Surroundings::Emulated { run_commands, .. } => f
                .debug_struct("Emulated")
                .field("run_commands", run_commands)
                .finish_non_exhaustive(),
        }
    }
}

/// How an emulated estate answers one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmulatedAnswer {
    /// A VM of the estate answers (its guest is taken to listen on every port).
    Vm(String),
    /// A name outside the estate (a public endpoint): taken to answer.
    Outside(String),
}

impl Surroundings {
    /// Whether `run` programs are started.
    pub fn runs_commands(&self) -> bool {
        match self {
            Surroundings::Real => true,
            Surroundings::Emulated { run_commands, .. } => *run_commands,
        }
    }

    /// The emulated estate's answer to `probe`, or why nothing answers: an
    /// address no emulated VM has (a reference to the wrong step's output,
    /// or a VM that was not restored). `None` when the probe is real.
    pub fn emulated_probe(&self, probe: &Probe) -> Option<Result<EmulatedAnswer, String>> {
        let Surroundings::Emulated { lookup, .. } = self else {
            return None;
        };
        let Some(host) = probe_host(probe) else {
            return Some(Err(format!("`{}` names no host", probe.target())));
        };
        Some(match (lookup(&host), host.parse::<IpAddr>()) {
            (Some(vm), _) => Ok(EmulatedAnswer::Vm(vm)),
            (None, Ok(_)) => Err(format!(
                "no VM of the emulated estate has the address {host}"
            )),
            (None, Err(_)) => Ok(EmulatedAnswer::Outside(host)),
        })
    }
}

/// The host a probe reaches (without brackets for IPv6).
fn probe_host(probe: &Probe) -> Option<String> {
    match probe {
        Probe::Http { url, .. } => url::Url::parse(url)
            .ok()?
            .host_str()
            .map(|h| h.trim_matches(['[', ']']).to_owned()),
        Probe::Tcp { address } => {
            let (host, _port) = address.rsplit_once(':')?;
            Some(host.trim_matches(['[', ']']).to_owned()).filter(|h| !h.is_empty())
        }
    }
}

/// A `run` step that is not started under the emulator: its command line is
/// written to `command.txt` in the step's log folder as evidence, and it
/// succeeds with exit code 0 and no output.
pub fn simulate_program(program: &Program, log_dir: &Path) -> Result<Outputs, StepFailure> {
    StepFailure::create_folder(log_dir)?;
    let argv = serde_json::to_string(&program.argv).unwrap_or_default();
    let note = format!(
        "not started: `apply --emulator` does not run commands unless `--run-commands` is given\nargv: {argv}\n"
    );
    std::fs::write(log_dir.join("command.txt"), note).map_err(|error| {
        StepFailure::permanent(
            Code::JournalIo,
            format!("cannot write the command note: {error}"),
        )
    })?;
    Ok(Outputs::from([
        ("exitCode".to_string(), "0".to_string()),
        ("stdout".to_string(), String::new()),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emulated() -> Surroundings {
        Surroundings::Emulated {
            lookup: Arc::new(|host: &str| {
                (host == "10.1.0.4" || host == "web-01-dr").then(|| "web-01-dr".to_string())
            }),
            run_commands: false,
        }
    }

    #[test]
    fn an_emulated_vm_answers_at_its_address_and_name() {
        let tcp = Probe::Tcp {
            address: "10.1.0.4:22".into(),
        };
        let http = Probe::Http {
            url: "http://web-01-dr:8080/health".into(),
            expect: None,
            body_contains: None,
        };
        for probe in [tcp, http] {
            assert_eq!(
                emulated().emulated_probe(&probe),
                Some(Ok(EmulatedAnswer::Vm("web-01-dr".into())))
            );
        }
    }

    #[test]
    fn an_address_no_vm_has_fails_and_public_names_answer() {
        let unknown = Probe::Tcp {
            address: "10.1.0.99:22".into(),
        };
        assert!(matches!(
            emulated().emulated_probe(&unknown),
            Some(Err(why)) if why.contains("10.1.0.99")
        ));
        let public = Probe::Http {
            url: "https://orders.contoso.com/health".into(),
            expect: Some(200),
            body_contains: None,
        };
        assert_eq!(
            emulated().emulated_probe(&public),
            Some(Ok(EmulatedAnswer::Outside("orders.contoso.com".into())))
        );
        assert_eq!(Surroundings::Real.emulated_probe(&public), None);
    }
}
