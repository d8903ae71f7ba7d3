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
pub mod throttle;

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use url::Url;

use self::retry::{RetryPolicy, is_retryable_status, is_unprocessed_status, server_retry_after};
use self::throttle::{Budget, RateLimiter, RateLimits};
use super::api::{Method, Request};
use super::auth::TokenProvider;
use super::error::{ArmError, ArmErrorKind, RequestIds, redacted_url};
use super::wire::error::ErrorResponse;
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

    async fn execute(
        &self,
        target: Target<'_>,
        body: Option<&serde_json::Value>,
    ) -> Result<ArmResponse, ArmError> {
        let url = self.target_url(&target)?;
        let (operation, method, safe_to_repeat, budget) = match &target {
            Target::Operation(request) => (
                request.operation.operation_id.to_owned(),
                request.method(),
                request.operation.is_safe_to_repeat(),
                if request.operation.is_read() {
                    Budget::Reads
                } else {
                    Budget::Writes
                },
            ),
            Target::Follow {
                url,
                safe_to_repeat,
            } => (
                format!("GET {}", url.path()),
                Method::Get,
                *safe_to_repeat,
                Budget::Reads,
            ),
        };
        let subscription = subscription_of(url.path());
        let body = body.map(serde_json::to_vec).transpose().map_err(|e| {
            ArmError::new(
                ArmErrorKind::Malformed {
                    what: format!("the request body: {e}"),
                },
                &operation,
            )
        })?;
        let ids = RequestIds {
            client_request_id: uuid::Uuid::new_v4().to_string(),
            ..RequestIds::default()
        };
        let started = self.clock.now();
        let deadline = started
            .saturating_add(
                jiff::SignedDuration::try_from(self.config.retry.deadline)
                    .unwrap_or(jiff::SignedDuration::MAX),
            )
            .unwrap_or(jiff::Timestamp::MAX);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.limiter.acquire(&subscription, budget).await;
            let token = self
                .tokens
                .token(&self.config.arm_scope)
                .await
                .map_err(|e| {
                    ArmError::new(ArmErrorKind::Auth(e), &operation).with_ids(ids.clone())
                })?;
            let mut builder = self
                .http
                .request(reqwest_method(method), url.clone())
                .bearer_auth(token.expose())
                .header("x-ms-client-request-id", &ids.client_request_id)
                .header("accept", "application/json");
            if let Some(body) = &body {
                builder = builder
                    .header("content-type", "application/json")
                    .body(body.clone());
            }
            let outcome = match builder.send().await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let headers = answer.headers().clone();
                    self.limiter.observe(&subscription, budget, &headers).await;
                    let answered_ids = RequestIds {
                        client_request_id: ids.client_request_id.clone(),
                        request_id: header_text(&headers, "x-ms-request-id"),
                        correlation_id: header_text(&headers, "x-ms-correlation-request-id"),
                    };
                    match answer.bytes().await {
                        Ok(bytes) => Ok(ArmResponse {
                            status,
                            headers,
                            body: bytes.to_vec(),
                            ids: answered_ids,
                            operation: operation.clone(),
                        }),
                        Err(e) => Err((e, Some(answered_ids))),
                    }
                }
                Err(e) => Err((e, None)),
            };
            let (error, wait_hint) = match outcome {
                Ok(response) if (200..300).contains(&response.status) => {
                    tracing::debug!(operation = %operation, status = response.status, attempt, ids = %response.ids, "ARM answered");
                    return Ok(response);
                }
                Ok(response) => {
                    let status = response.status;
                    let error = ArmError::new(
                        ArmErrorKind::Status {
                            status,
                            error: serde_json::from_slice::<ErrorResponse>(&response.body)
                                .ok()
                                .map(|e| e.error),
                        },
                        &operation,
                    )
                    .with_ids(response.ids.clone());
                    let retry = is_retryable_status(status)
                        && (safe_to_repeat || is_unprocessed_status(status));
                    if !retry {
                        if is_retryable_status(status) {
                            // An acting POST that failed after reaching Azure: it may have taken effect.
                            let message = format!("HTTP {status}");
                            return Err(ArmError::new(
                                ArmErrorKind::OutcomeUnknown { message },
                                &operation,
                            )
                            .with_ids(response.ids));
                        }
                        return Err(error);
                    }
                    (
                        error,
                        server_retry_after(&response.headers, self.clock.now()),
                    )
                }
                Err((e, answered_ids)) => {
                    let message = transport_text(&e);
                    let ids = answered_ids.unwrap_or_else(|| ids.clone());
                    if !e.is_connect() && !safe_to_repeat {
                        return Err(ArmError::new(
                            ArmErrorKind::OutcomeUnknown { message },
                            &operation,
                        )
                        .with_ids(ids));
                    }
                    (
                        ArmError::new(ArmErrorKind::Transport { message }, &operation)
                            .with_ids(ids),
                        None,
                    )
                }
            };
            if attempt >= self.config.retry.max_attempts {
                return Err(error);
            }
            let backoff = {
                let mut rng = self.rng.lock().await;
                self.config.retry.backoff(attempt, &mut rng)
            };
            let wait = wait_hint
                .unwrap_or(backoff)
                .min(self.config.retry.max_delay);
            let resume = self
                .clock
                .now()
                .saturating_add(
                    jiff::SignedDuration::try_from(wait).unwrap_or(jiff::SignedDuration::MAX),
                )
                .unwrap_or(jiff::Timestamp::MAX);
            if resume > deadline {
                return Err(error);
            }
            tracing::warn!(operation = %operation, attempt, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            self.clock.sleep(wait).await;
        }
    }
}

fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Put => reqwest::Method::PUT,
        Method::Post => reqwest::Method::POST,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value: &HeaderValue| value.to_str().ok())
        .map(str::to_owned)
}

/// A transport error without the URL reqwest would print (its query may hold a SAS token).
fn transport_text(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "could not connect"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else {
        "the request failed"
    };
    let mut source = std::error::Error::source(error);
    let mut detail = String::new();
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

fn origin(url: &Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""))
        + &url
            .port()
            .map(|port| format!(":{port}"))
            .unwrap_or_default()
}

/// `https`, or `http` to a loopback address when the test flag allows it.
fn check_scheme(url: &Url, allow_loopback_http: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_loopback_http && is_loopback(url) => Ok(()),
        other => Err(format!(
            "{} uses {other}; only https is accepted",
            origin(url)
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The subscription a path belongs to, for its request budget.
fn subscription_of(path: &str) -> String {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    match (segments.next(), segments.next()) {
        (Some(keyword), Some(id)) if keyword.eq_ignore_ascii_case("subscriptions") => {
            id.to_ascii_lowercase()
        }
        _ => String::new(),
    }
}
