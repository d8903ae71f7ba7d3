//! The step kinds that run on this machine: `run` (a program, spawned
//! directly, never through a shell), `check` (an HTTP or TCP probe, retried
//! every `interval` until `within` has passed), `wait` and `approve`.
//! Restores go through the [`super::restorer::Restorer`].

use super::failure::StepFailure;
use super::restorer::Outputs;
use super::surroundings::Surroundings;
use crate::clock::SharedClock;
use crate::diagnostic::Code;
use crate::model::{Check, Run};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// The most stdout a `run` step keeps as its `stdout` output.
pub const MAX_STDOUT_OUTPUT: usize = 64 * 1024;
/// How long one probe of a `check` may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);
/// The wait between probes when the step sets no `interval`.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);

/// A `run` step with its references already replaced.
#[derive(Debug, Clone)]
pub struct Program {
    /// The program and its arguments, each passed as one argument.
    pub argv: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// The working directory, resolved against the plan's folder.
    pub working_directory: PathBuf,
}

impl Program {
    /// The program of a `run` step, with `resolve` replacing references in
    /// each argument and variable, relative to `plan_dir`.
    pub fn of(
        run: &Run,
        plan_dir: &Path,
        resolve: impl Fn(&str) -> Result<String, StepFailure>,
    ) -> Result<Self, StepFailure> {
        let argv = run
            .argv
            .iter()
            .map(|arg| resolve(arg))
            .collect::<Result<Vec<_>, _>>()?;
        let env = run
            .env
            .iter()
            .map(|(name, value)| Ok((name.clone(), resolve(value)?)))
            .collect::<Result<Vec<_>, StepFailure>>()?;
        let working_directory = match &run.working_directory {
            Some(dir) => plan_dir.join(resolve(dir)?),
            None => plan_dir.to_path_buf(),
        };
        Ok(Program {
            argv,
            env,
            working_directory,
        })
    }
}

/// Runs a program to its end, its stdout and stderr saved under `log_dir`;
/// outputs `exitCode` and `stdout` (trimmed, at most [`MAX_STDOUT_OUTPUT`]).
pub async fn run_program(program: &Program, log_dir: &Path) -> Result<Outputs, StepFailure> {
    let Some((name, args)) = program.argv.split_first() else {
        return Err(StepFailure::permanent(
            Code::RunNotStarted,
            "the `run` step has no program",
        ));
    };
    StepFailure::create_folder(log_dir)?;
    let stderr = std::fs::File::create(log_dir.join("stderr.log")).map_err(|error| {
        StepFailure::permanent(
            Code::JournalIo,
            format!("cannot create the stderr log: {error}"),
        )
    })?;
    let mut child = tokio::process::Command::new(name)
        .args(args)
        .envs(program.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&program.working_directory)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| {
            StepFailure::permanent(
                Code::RunNotStarted,
                format!("cannot start `{name}`: {error}"),
            )
        })?;
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout).await.map_err(|error| {
            StepFailure::transient(
                Code::RunFailed,
                format!("reading the output of `{name}`: {error}"),
            )
        })?;
    }
    let status = child.wait().await.map_err(|error| {
        StepFailure::transient(Code::RunFailed, format!("waiting for `{name}`: {error}"))
    })?;
    let _ = std::fs::write(log_dir.join("stdout.log"), &stdout);
    let code = status.code();
    if !status.success() {
        let how = code.map_or_else(
            || "was killed by a signal".to_string(),
            |c| format!("exited with {c}"),
        );
        return Err(StepFailure::transient(
            Code::RunFailed,
            format!("`{name}` {how} (its output is in `{}`)", log_dir.display()),
        ));
    }
    let text = String::from_utf8_lossy(&stdout[..stdout.len().min(MAX_STDOUT_OUTPUT)]);
    Ok(Outputs::from([
        ("exitCode".to_string(), code.unwrap_or(0).to_string()),
        ("stdout".to_string(), text.trim().to_string()),
    ]))
}

/// A `check` step with its references already replaced.
#[derive(Debug, Clone)]
pub enum Probe {
    /// GET a URL; succeed on the expected status and body.
    Http {
        /// The URL.
        url: String,
        /// The expected status (any 2xx when unset).
        expect: Option<u16>,
        /// A substring the body must contain.
        body_contains: Option<String>,
    },
    /// Connect to `host:port`.
    Tcp {
        /// The address.
        address: String,
    },
}

impl Probe {
    /// The probe of a `check` step, with `resolve` replacing references.
    pub fn of(
        check: &Check,
        resolve: impl Fn(&str) -> Result<String, StepFailure>,
    ) -> Result<Self, StepFailure> {
        match (&check.http, &check.tcp) {
            (Some(url), _) => Ok(Probe::Http {
                url: resolve(url)?,
                expect: check.expect,
                body_contains: check.body_contains.clone(),
            }),
            (None, Some(address)) => Ok(Probe::Tcp {
                address: resolve(address)?,
            }),
            (None, None) => Err(StepFailure::permanent(
                Code::CheckInvalid,
                "the `check` step has neither `http` nor `tcp`",
            )),
        }
    }

    /// What the probe reaches: the URL or `host:port`.
    pub fn target(&self) -> &str {
        match self {
            Probe::Http { url, .. } => url,
            Probe::Tcp { address } => address,
        }
    }

    /// One try: `Ok` when the endpoint answered as expected, else why not.
    async fn once(&self, client: &reqwest::Client) -> Result<(), String> {
        match self {
            Probe::Tcp { address } => tokio::time::timeout(
                PROBE_TIMEOUT,
                tokio::net::TcpStream::connect(address.as_str()),
            )
            .await
            .map_err(|_| format!("no answer from {address} within {PROBE_TIMEOUT:?}"))?
            .map(drop)
            .map_err(|error| format!("{address}: {error}")),
            Probe::Http {
                url,
                expect,
                body_contains,
            } => {
                let response = client
                    .get(url)
                    .timeout(PROBE_TIMEOUT)
                    .send()
                    .await
                    .map_err(|error| format!("{url}: {error}"))?;
                let status = response.status().as_u16();
                let good = expect.map_or((200..300).contains(&status), |want| status == want);
                if !good {
                    return Err(format!("{url} answered {status}"));
                }
                if let Some(needle) = body_contains {
                    let body = response
                        .text()
                        .await
                        .map_err(|error| format!("{url}: {error}"))?;
                    if !body.contains(needle.as_str()) {
                        return Err(format!(
                            "{url} answered {status} without `{needle}` in its body"
                        ));
                    }
                }
                Ok(())
            }
        }
    }
}

/// Probes until the endpoint answers as expected or `within` has passed on `clock`.
pub async fn run_check(
    probe: &Probe,
    within: Duration,
    interval: Option<Duration>,
    clock: &SharedClock,
    surroundings: &Surroundings,
) -> Result<Outputs, StepFailure> {
    let client = reqwest::Client::builder().build().map_err(|error| {
        StepFailure::permanent(Code::CheckInvalid, format!("no HTTP client: {error}"))
    })?;
    let deadline =
        clock.now() + jiff::SignedDuration::try_from(within).unwrap_or(jiff::SignedDuration::MAX);
    let interval = interval.unwrap_or(DEFAULT_INTERVAL);
    loop {
        let answer = match surroundings.emulated_probe(probe) {
            Some(emulated) => emulated.map(drop),
            None => probe.once(&client).await,
        };
        let last = match answer {
            Ok(()) => return Ok(Outputs::new()),
            Err(why) => why,
        };
        if clock.now() + jiff::SignedDuration::try_from(interval).unwrap_or_default() > deadline {
            return Err(StepFailure::transient(
                Code::CheckFailed,
                format!(
                    "still failing after {}: {last}",
                    crate::model::Duration::from_secs(within.as_secs())
                ),
            ));
        }
        clock.sleep(interval).await;
    }
}
