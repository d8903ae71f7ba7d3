//! A local Azure: `restoreplan emulator` serves the Recovery Services backup
//! restore API, an Entra-shaped token endpoint and the compute, network and
//! deployment calls a restore needs, over HTTPS on loopback, seeded from an
//! inventory. `apply --emulator` and the tests drive the very client code
//! that runs against Azure; the emulator answers as ARM does, injects seeded
//! faults, records every request and changes its world as restores complete.

mod arm;
pub mod config;
pub mod envelope;
pub mod faults;
pub mod jobs;
mod layers;
pub mod record;
mod routes;
pub mod rules;
mod server;
mod state;
pub mod throttle;
mod tls;
mod token;
pub mod world;

pub use config::{EmulatorConfig, FailJob};
pub use layers::{MAX_BODY_BYTES, SLOW_DELAY};
pub use record::RecordedRequest;

use crate::diagnostic::{Code, Diagnostic};
use state::State;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::watch;

/// The emulator, started in-process.
pub struct Emulator;

/// A running emulator: where it listens, what to trust, and how to stop it.
pub struct EmulatorHandle {
    /// `https://127.0.0.1:<port>`, without a trailing slash.
    pub base_url: String,
    /// The CA certificate (PEM) that signed the server's certificate.
    pub ca_cert_pem: String,
    /// Where the CA certificate was written.
    pub ca_path: PathBuf,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    // Holds the private folder of the CA file, when no `--ca-out` was given.
    _ca_dir: Option<tempfile::TempDir>,
}

/// The ARM operations the emulator serves, on the contract's path templates.
pub fn served_operations() -> Vec<&'static crate::azure::api::Operation> {
    arm::served()
}

impl Emulator {
    /// Binds, generates the certificates, writes the CA file and starts
    /// serving; the refusals are `EX08x` diagnostics.
    pub async fn start(config: EmulatorConfig) -> Result<EmulatorHandle, Diagnostic> {
        let listen = config::parse_listen(&config.listen.to_string())?;
        let certificates = tls::generate().map_err(cannot_start)?;
        let (ca_path, ca_dir) = match &config.ca_out {
            Some(path) => (path.clone(), None),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("restoreplan-emulator-")
                    .tempdir()
                    .map_err(|e| {
                        cannot_start(format!(
                            "cannot create a folder for the CA certificate: {e}"
                        ))
                    })?;
                (dir.path().join("ca.pem"), Some(dir))
            }
        };
        std::fs::write(&ca_path, &certificates.ca_pem).map_err(|e| {
            cannot_start(format!(
                "cannot write the CA certificate to `{}`: {e}",
                ca_path.display()
            ))
        })?;
        let recorder = record::Recorder::new(config.record.as_deref(), config.keep_requests)
            .map_err(|e| {
                let path = config.record.as_deref().unwrap_or(std::path::Path::new(""));
                cannot_start(format!(
                    "cannot create the record file `{}`: {e}",
                    path.display()
                ))
            })?;
        let listener =
            bind(listen).map_err(|e| cannot_start(format!("cannot listen on {listen}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| cannot_start(format!("cannot read the bound address: {e}")))?;
        let base_url = format!("https://{bound}");
        let state = Arc::new(State::new(config, recorder, base_url.clone()));
        let router = routes::router(state.clone());
        let acceptor = tokio_rustls::TlsAcceptor::from(certificates.server);
        let (stop, stopped) = watch::channel(false);
        let server = tokio::spawn(server::serve(listener, acceptor, router, stopped));
        Ok(EmulatorHandle {
            base_url,
            ca_cert_pem: certificates.ca_pem,
            ca_path,
            state,
            stop,
            server,
            _ca_dir: ca_dir,
        })
    }
}

impl EmulatorHandle {
    /// Every request answered so far, in order.
    pub fn recorded(&self) -> Vec<RecordedRequest> {
        self.state.recorder.requests()
    }

    /// The current world, as `GET /_emulator/world` returns it.
    pub fn world(&self) -> serde_json::Value {
        self.state.world().to_json()
    }

    /// Which VM of the world answers at an address or name: the one with
    /// that name or a network interface with that private address.
    pub fn estate_lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let state = self.state.clone();
        move |host: &str| {
            let world = state.world();
            world
                .inventory
                .virtual_machines
                .iter()
                .filter(|vm| vm.exists)
                .find(|vm| {
                    vm.name.eq_ignore_ascii_case(host)
                        || vm
                            .nics
                            .iter()
                            .any(|nic| nic.private_ip.as_deref() == Some(host))
                })
                .map(|vm| vm.name.clone())
        }
    }

    /// The ids of the restore jobs so far, oldest first.
    pub fn world_job_ids(&self) -> Vec<String> {
        self.state
            .world()
            .jobs
            .iter()
            .map(|job| job.id.clone())
            .collect()
    }

    /// Stops accepting, lets answers in flight finish (a few seconds at
    /// most), and waits for the server to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
    }
}

/// How many connections may wait to be accepted: thousands of polling
/// clients open their connections at once, and the default (1,024) drops
/// their SYNs until they time out.
const ACCEPT_BACKLOG: u32 = 4096;

fn bind(listen: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if listen.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.bind(listen)?;
    socket.listen(ACCEPT_BACKLOG)
}

fn cannot_start(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::EmulatorCannotStart, message)
        .with_help(Code::EmulatorCannotStart.info().fix)
}
