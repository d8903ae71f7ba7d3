//! An [`ArmClient`] wired for tests: a fake credential handing out a known
//! token, an auto-advancing virtual clock (waits finish at once but are
//! measured), loopback http allowed, and a seeded jitter.

use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use restoreplan::azure::auth::{AuthMethod, TokenProvider};
use restoreplan::azure::http::retry::RetryPolicy;
use restoreplan::azure::http::throttle::RateLimits;
use restoreplan::azure::http::{ArmClient, ClientConfig, http_client};
use restoreplan::clock::ManualClock;

/// The token every test request carries; tests grep output for it.
pub const PLANTED_TOKEN: &str = "planted-secret-token-5f1e2d";

/// A credential that always returns [`PLANTED_TOKEN`], valid for an hour.
#[derive(Debug)]
pub struct PlantedCredential;

#[async_trait::async_trait]
impl TokenCredential for PlantedCredential {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        Ok(AccessToken::new(PLANTED_TOKEN.to_owned(), expires))
    }
}

/// The start of every test's virtual time.
pub fn start() -> jiff::Timestamp {
    "2026-11-26T12:00:00Z".parse().expect("valid time")
}

/// A client for `base` with `retry`, and the clock to read the virtual time from.
pub fn client_with(base: &str, retry: RetryPolicy) -> (ArmClient, ManualClock) {
    let clock = ManualClock::auto_advancing(start());
    let config = ClientConfig {
        arm_endpoint: base.parse().expect("base URL"),
        arm_scope: "https://management.azure.com/.default".into(),
        storage_scope: "https://storage.azure.com/.default".into(),
        allow_loopback_http: true,
        retry,
        limits: RateLimits::default(),
    };
    let tokens = Arc::new(TokenProvider::new(
        Arc::new(PlantedCredential),
        AuthMethod::ClientSecret,
        Arc::new(clock.clone()),
    ));
    let http = http_client(None, Duration::from_secs(10)).expect("HTTP client");
    let client = ArmClient::new(config, http, tokens, Arc::new(clock.clone())).expect("client");
    (client, clock)
}

/// A client with a seeded default retry policy.
pub fn client(base: &str) -> (ArmClient, ManualClock) {
    client_with(
        base,
        RetryPolicy {
            seed: Some(42),
            ..RetryPolicy::default()
        },
    )
}
