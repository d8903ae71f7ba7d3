//! The one HTTP layer of the Azure client, on reqwest directly.
//!
//! Why not azure_core's `Pipeline`: its retry policy sleeps on tokio's clock
//! (our tests and the emulator run on [`Clock`](crate::clock::Clock)), it
//! cannot tell a POST that acts from one that reads, and it has no
//! per-subscription request budget; we would be replacing most of its
//! policies. reqwest is the same major version azure_core uses, and the
//! credentials talk to Entra through the same [`reqwest::Client`] (so an extra
//! trusted CA, such as the emulator's, applies to sign-in as well).
//!
//! Every request carries a fresh `x-ms-client-request-id`; Azure's request
//! and correlation ids are captured into every answer and error. Only `https`
//! is spoken, except to a loopback address behind an explicit test flag;
//! absolute URLs from answers (`Location`, `nextLink`) must stay on the host
//! the client talks to. The retry rule is in [`retry`], the budget in [`throttle`].

pub mod retry;
mod send;
pub mod throttle;
mod urls;

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use url::Url;

use self::retry::RetryPolicy;
use self::throttle::{RateLimiter, RateLimits};
use self::urls::{check_scheme, header_text, origin, transport_text};
use super::api::Request;
use super::auth::TokenProvider;
use super::error::{ArmError, ArmErrorKind, RequestIds, redacted_url};
use crate::clock::SharedClock;

/// How the client reaches ARM.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The ARM endpoint (`https://management.azure.com`, or the emulator's).
    pub arm_endpoint: Url,
    /// The scope of ARM tokens.
    pub arm_scope: String,
    /// The scope of Blob Storage tokens.
    pub storage_scope: String,
    /// Accept `http` to a loopback address (tests only; never set from user input).
    pub allow_loopback_http: bool,
    /// Retry rules.
    pub retry: RetryPolicy,
    /// Request budget per subscription.
    pub limits: RateLimits,
}

/// Builds the reqwest client for ARM and Entra: rustls, a per-attempt timeout,
/// and optionally an extra trusted CA in PEM (the emulator's).
pub fn http_client(
    extra_ca_pem: Option<&[u8]>,
    timeout: Duration,
) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("restoreplan/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(30));
    if let Some(pem) = extra_ca_pem {
        let certificates =
            reqwest::Certificate::from_pem_bundle(pem).map_err(|e| format!("the extra CA: {e}"))?;
        builder = builder.tls_certs_merge(certificates);
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// An answer from Azure, read to the end.
#[derive(Debug, Clone)]
pub struct ArmResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// Our and Azure's ids of the request.
    pub ids: RequestIds,
    /// The operation, for errors.
    pub operation: String,
}

impl ArmResponse {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body as `T`; an unreadable body is [`ArmErrorKind::Malformed`].
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ArmError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            ArmError::new(
                ArmErrorKind::Malformed {
                    what: format!("the JSON body: {e}"),
                },
                &self.operation,
            )
            .with_ids(self.ids.clone())
        })
    }
}

/// What to send: an operation built by `api`, or an absolute URL an answer gave.
enum Target<'a> {
    Operation(&'a Request),
    Follow { url: Url, safe_to_repeat: bool },
}

/// The ARM client's HTTP layer.
pub struct ArmClient {
    http: reqwest::Client,
    config: ClientConfig,
    tokens: Arc<TokenProvider>,
    clock: SharedClock,
    limiter: RateLimiter,
    rng: Mutex<StdRng>,
}

impl std::fmt::Debug for ArmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmClient")
            .field("arm_endpoint", &self.config.arm_endpoint.as_str())
            .finish_non_exhaustive()
    }
}

impl ArmClient {
    /// A client for `config`; refuses an endpoint that is not https (or loopback http when allowed).
    pub fn new(
        config: ClientConfig,
        http: reqwest::Client,
        tokens: Arc<TokenProvider>,
        clock: SharedClock,
    ) -> Result<Self, ArmError> {
        check_scheme(&config.arm_endpoint, config.allow_loopback_http)
            .map_err(|why| ArmError::new(ArmErrorKind::UntrustedUrl { why }, "configuration"))?;
        let rng = Mutex::new(config.retry.rng());
        let limiter = RateLimiter::new(config.limits, clock.clone());
        Ok(Self {
            http,
            config,
            tokens,
            clock,
            limiter,
            rng,
        })
    }

    /// The clock the client waits on.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// Sends an operation built by `api`, with an optional JSON body.
    pub async fn send(
        &self,
        request: &Request,
        body: Option<&serde_json::Value>,
    ) -> Result<ArmResponse, ArmError> {
        self.execute(Target::Operation(request), body).await
    }

    /// Sends an operation and reads its answer as `T`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: &Request,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ArmError> {
        self.send(request, body).await?.json()
    }

    /// GETs an absolute URL that an answer gave (`Azure-AsyncOperation`, `Location`, `nextLink`);
    /// it must be on the ARM endpoint's host.
    pub async fn follow(&self, url: &str) -> Result<ArmResponse, ArmError> {
        let url = self.trusted_url(url)?;
        self.execute(
            Target::Follow {
                url,
                safe_to_repeat: true,
            },
            None,
        )
        .await
    }

    /// Checks that a URL from an answer stays on the ARM endpoint (scheme, host and port).
    pub fn trusted_url(&self, text: &str) -> Result<Url, ArmError> {
        let refuse = |why: String| ArmError::new(ArmErrorKind::UntrustedUrl { why }, "follow");
        let url = Url::parse(text).map_err(|e| refuse(format!("not an absolute URL: {e}")))?;
        check_scheme(&url, self.config.allow_loopback_http).map_err(refuse)?;
        let base = &self.config.arm_endpoint;
        let same_origin = url.scheme() == base.scheme()
            && url.host_str().map(str::to_ascii_lowercase)
                == base.host_str().map(str::to_ascii_lowercase)
            && url.port_or_known_default() == base.port_or_known_default();
        if !same_origin {
            return Err(refuse(format!(
                "{} is not the ARM endpoint {}",
                origin(&url),
                origin(base)
            )));
        }
        Ok(url)
    }

    /// Reads a blob with an Entra token for Blob Storage (the template of a disk restore).
    pub async fn get_blob(&self, url: &Url) -> Result<Vec<u8>, ArmError> {
        let operation = format!("GET {}", redacted_url(url));
        check_scheme(url, self.config.allow_loopback_http)
            .map_err(|why| ArmError::new(ArmErrorKind::UntrustedUrl { why }, &operation))?;
        let token = self
            .tokens
            .token(&self.config.storage_scope)
            .await
            .map_err(|e| ArmError::new(ArmErrorKind::Auth(e), &operation))?;
        let ids = RequestIds {
            client_request_id: uuid::Uuid::new_v4().to_string(),
            ..RequestIds::default()
        };
        let sent = self
            .http
            .get(url.clone())
            .bearer_auth(token.expose())
            .header("x-ms-version", "2023-11-03")
            .header("x-ms-client-request-id", &ids.client_request_id)
            .send()
            .await
            .map_err(|e| {
                ArmError::new(
                    ArmErrorKind::Transport {
                        message: transport_text(&e),
                    },
                    &operation,
                )
                .with_ids(ids.clone())
            })?;
        let status = sent.status().as_u16();
        let ids = RequestIds {
            request_id: header_text(sent.headers(), "x-ms-request-id"),
            ..ids
        };
        let body = sent.bytes().await.map_err(|e| {
            ArmError::new(
                ArmErrorKind::Transport {
                    message: transport_text(&e),
                },
                &operation,
            )
            .with_ids(ids.clone())
        })?;
        if !(200..300).contains(&status) {
            return Err(ArmError::new(
                ArmErrorKind::Status {
                    status,
                    error: None,
                },
                &operation,
            )
            .with_ids(ids));
        }
        Ok(body.to_vec())
    }

    fn target_url(&self, target: &Target<'_>) -> Result<Url, ArmError> {
        match target {
            Target::Follow { url, .. } => Ok(url.clone()),
            Target::Operation(request) => {
                let base = self.config.arm_endpoint.as_str().trim_end_matches('/');
                Url::parse(&format!("{base}{}", request.path_and_query())).map_err(|e| {
                    let why = format!("the request URL cannot be built: {e}");
                    ArmError::new(
                        ArmErrorKind::UntrustedUrl { why },
                        request.operation.operation_id,
                    )
                })
            }
        }
    }
}
