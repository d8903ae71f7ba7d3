//! When to try a request again, and how long to wait first.
//!
//! The rule for repeating a request:
//! - A connection that could not be made never carried the request: every
//!   method is retried.
//! - 408, 429, 500, 502, 503 and 504 answers, and connections that fail
//!   after sending, are retried for operations safe to repeat: GET, PUT and
//!   DELETE (idempotent in ARM), and the POSTs that only read
//!   ([`Operation::is_safe_to_repeat`](crate::azure::api::Operation::is_safe_to_repeat)).
//! - A POST that acts (trigger a restore, cancel a job, provision file
//!   recovery) is retried only on 408 and 429, whose contract is that the
//!   request was not processed (ARM: "requests sent before Retry-After are
//!   not processed"). Any other failure after sending is reported as an
//!   unknown outcome (EX007): repeating it could start a second restore job.
//!
//! Waits honour `retry-after-ms`, `x-ms-retry-after-ms` and `Retry-After`
//! (seconds or an HTTP date); otherwise exponential backoff with full jitter
//! from an injectable seeded generator. Attempts and total time are bounded.

use std::time::Duration;

use jiff::Timestamp;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use reqwest::header::HeaderMap;

/// How often and how long to retry.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff (doubled for each further attempt).
    pub base_delay: Duration,
    /// The longest backoff, and the longest server-requested wait accepted.
    pub max_delay: Duration,
    /// The longest time from the first attempt to the last answer.
    pub deadline: Duration,
    /// Seed of the jitter generator; `None` seeds from the operating system.
    pub seed: Option<u64>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(120),
            deadline: Duration::from_secs(15 * 60),
            seed: None,
        }
    }
}

impl RetryPolicy {
    /// The jitter generator this policy asks for.
    pub fn rng(&self) -> StdRng {
        match self.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_rng(&mut rand::rng()),
        }
    }

    /// Backoff before attempt `attempt + 1` (attempt counts from 1): a uniform draw
    /// below `base · 2^(attempt-1)`, capped at `max_delay`, never below a tenth of the cap's step.
    pub fn backoff(&self, attempt: u32, rng: &mut StdRng) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let floor = ceiling / 10;
        let span = ceiling.saturating_sub(floor).as_millis().max(1) as u64;
        floor + Duration::from_millis(rng.random_range(0..span))
    }
}

/// The status codes that may be retried.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Statuses whose contract is that the request was not processed, so even an acting POST may be repeated.
pub fn is_unprocessed_status(status: u16) -> bool {
    matches!(status, 408 | 429)
}

/// The wait the server asks for: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After`
/// in seconds or as an HTTP date. Unreadable values are ignored (the caller backs off instead).
pub fn server_retry_after(headers: &HeaderMap, now: Timestamp) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = text(name).and_then(|v| v.parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = date.duration_since(now);
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn the_server_wait_prefers_milliseconds_then_seconds_then_a_date() {
        let now: Timestamp = "2026-11-26T12:00:00Z".parse().expect("time");
        let both = headers(&[("retry-after", "7"), ("x-ms-retry-after-ms", "1500")]);
        assert_eq!(
            server_retry_after(&both, now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            server_retry_after(&headers(&[("retry-after", "60")]), now),
            Some(Duration::from_secs(60))
        );
        let date = headers(&[("retry-after", "Thu, 26 Nov 2026 12:00:30 GMT")]);
        assert_eq!(
            server_retry_after(&date, now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            server_retry_after(&headers(&[("retry-after", "soon")]), now),
            None
        );
        assert_eq!(server_retry_after(&headers(&[]), now), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_is_reproducible_with_a_seed() {
        let policy = RetryPolicy {
            seed: Some(7),
            max_delay: Duration::from_secs(8),
            ..RetryPolicy::default()
        };
        let draw = |policy: &RetryPolicy| {
            let mut rng = policy.rng();
            (1..=6)
                .map(|attempt| policy.backoff(attempt, &mut rng))
                .collect::<Vec<_>>()
        };
        let delays = draw(&policy);
        assert_eq!(delays, draw(&policy), "the same seed gives the same waits");
        for (attempt, delay) in (1..=6).zip(&delays) {
            let ceiling = Duration::from_secs(1 << (attempt - 1)).min(Duration::from_secs(8));
            assert!(
                *delay <= ceiling && *delay >= ceiling / 10,
                "attempt {attempt}: {delay:?}"
            );
        }
    }
}
