//! Putting the client together: one reqwest client (with the extra CA, if
//! any) for both Entra and ARM, the chosen credential behind a token cache,
//! and the HTTP layer. The emulator is reached the same way as Azure: a custom
//! cloud (authority host, ARM endpoint, audience) plus its CA certificate.

use std::sync::Arc;
use std::time::Duration;

use super::auth::{AuthMethod, AuthSettings, Choice, TokenProvider, choose, credential};
use super::cloud::Cloud;
use super::error::{ArmError, ArmErrorKind};
use super::http::retry::RetryPolicy;
use super::http::throttle::RateLimits;
use super::http::{ArmClient, ClientConfig, http_client};
use crate::clock::SharedClock;

/// Everything needed to reach ARM.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// The cloud's endpoints.
    pub cloud: Cloud,
    /// How to sign in.
    pub auth: AuthMethod,
    /// Credential settings (from flags and environment).
    pub settings: AuthSettings,
    /// An extra trusted CA certificate in PEM (the emulator's).
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Per-attempt HTTP timeout.
    pub timeout: Duration,
    /// Retry rules.
    pub retry: RetryPolicy,
    /// Request budget per subscription.
    pub limits: RateLimits,
    /// Accept `http` to loopback addresses (tests only).
    pub allow_loopback_http: bool,
}

impl ConnectOptions {
    /// Defaults for `cloud` and `auth`: settings from the environment, no extra CA, 60 s attempts.
    pub fn new(cloud: Cloud, auth: AuthMethod) -> Self {
        Self {
            cloud,
            auth,
            settings: AuthSettings::from_env(|name| std::env::var(name).ok()),
            extra_ca_pem: None,
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            limits: RateLimits::default(),
            allow_loopback_http: false,
        }
    }
}

/// Builds the ARM client; returns it with the credential choice (logged, with its reason).
pub fn connect(
    options: &ConnectOptions,
    clock: SharedClock,
) -> Result<(ArmClient, Choice), ArmError> {
    let http = http_client(options.extra_ca_pem.as_deref(), options.timeout)
        .map_err(|why| ArmError::new(ArmErrorKind::UntrustedUrl { why }, "configuration"))?;
    let choice = choose(options.auth, &options.settings);
    tracing::info!(credential = ?choice.method, reason = %choice.reason, "signing in to Azure");
    let credential = credential(&choice, &options.settings, &options.cloud, Some(&http))
        .map_err(|error| ArmError::new(ArmErrorKind::Auth(error), "sign-in"))?;
    let tokens = Arc::new(TokenProvider::new(credential, choice.method, clock.clone()));
    let config = ClientConfig {
        arm_endpoint: options.cloud.arm_endpoint.clone(),
        arm_scope: options.cloud.arm_scope(),
        storage_scope: options.cloud.storage_scope(),
        allow_loopback_http: options.allow_loopback_http,
        retry: options.retry.clone(),
        limits: options.limits,
    };
    let client = ArmClient::new(config, http, tokens, clock)?;
    Ok((client, choice))
}
