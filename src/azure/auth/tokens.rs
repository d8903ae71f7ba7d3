//! The token cache: one token per scope, refreshed five minutes before it
//! expires (the developer-tool credentials would otherwise start `az` for
//! every request), one refresh at a time.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use jiff::Timestamp;
use tokio::sync::Mutex;

use super::{AuthError, AuthMethod};
use crate::azure::secret::SecretText;
use crate::clock::SharedClock;

/// Refresh a token this long before it expires, so no request carries one that lapses in flight.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(300);

#[derive(Clone)]
struct CachedToken {
    token: SecretText,
    expires_on: Timestamp,
}

/// Hands out bearer tokens per scope, cached until [`REFRESH_MARGIN`] before expiry.
pub struct TokenProvider {
    credential: Arc<dyn TokenCredential>,
    method: AuthMethod,
    clock: SharedClock,
    cache: Mutex<HashMap<String, CachedToken>>,
}

impl std::fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenProvider")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl TokenProvider {
    /// Wraps a credential.
    pub fn new(
        credential: Arc<dyn TokenCredential>,
        method: AuthMethod,
        clock: SharedClock,
    ) -> Self {
        Self {
            credential,
            method,
            clock,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// A token for `scope`, from the cache or freshly obtained. One caller refreshes at a time;
    /// the others wait and then reuse its token.
    pub async fn token(&self, scope: &str) -> Result<SecretText, AuthError> {
        let mut cache = self.cache.lock().await;
        let margin =
            jiff::SignedDuration::try_from(REFRESH_MARGIN).unwrap_or(jiff::SignedDuration::ZERO);
        let fresh_until = self
            .clock
            .now()
            .saturating_add(margin)
            .unwrap_or(Timestamp::MAX);
        if let Some(cached) = cache
            .get(scope)
            .filter(|cached| cached.expires_on > fresh_until)
        {
            return Ok(cached.token.clone());
        }
        let token = self
            .credential
            .get_token(&[scope], None)
            .await
            .map_err(|e| AuthError {
                method: self.method,
                message: e.to_string(),
            })?;
        let expires_on =
            Timestamp::from_second(token.expires_on.unix_timestamp()).unwrap_or(Timestamp::MIN);
        let cached = CachedToken {
            token: SecretText::new(token.token.secret().to_owned()),
            expires_on,
        };
        cache.insert(scope.to_owned(), cached.clone());
        Ok(cached.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use azure_core::credentials::{AccessToken, TokenRequestOptions};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct CountingCredential {
        calls: AtomicUsize,
        lifetime: i64,
    }

    #[async_trait::async_trait]
    impl TokenCredential for CountingCredential {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            let start = time::OffsetDateTime::parse(
                "2026-11-26T12:00:00Z",
                &time::format_description::well_known::Rfc3339,
            )
            .expect("valid time");
            Ok(AccessToken::new(
                format!("token-{call}"),
                start + time::Duration::seconds(self.lifetime),
            ))
        }
    }

    #[tokio::test]
    async fn tokens_are_reused_until_five_minutes_before_expiry() {
        let clock = ManualClock::new("2026-11-26T12:00:00Z".parse().expect("time"));
        let credential = Arc::new(CountingCredential {
            calls: AtomicUsize::new(0),
            lifetime: 3600,
        });
        let provider = TokenProvider::new(
            credential.clone(),
            AuthMethod::ClientSecret,
            Arc::new(clock.clone()),
        );
        let scope = "https://management.azure.com/.default";
        assert_eq!(
            provider.token(scope).await.expect("token").expose(),
            "token-0"
        );
        clock.advance(Duration::from_secs(3600 - 301));
        assert_eq!(
            provider.token(scope).await.expect("token").expose(),
            "token-0"
        );
        clock.advance(Duration::from_secs(2));
        assert_eq!(
            provider.token(scope).await.expect("token").expose(),
            "token-1",
            "refreshed inside the margin"
        );
        assert_eq!(
            provider
                .token("https://storage.azure.com/.default")
                .await
                .expect("token")
                .expose(),
            "token-2"
        );
        assert_eq!(credential.calls.load(Ordering::SeqCst), 3);
    }
}
