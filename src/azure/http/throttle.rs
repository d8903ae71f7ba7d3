//! The client-side request budget: one token bucket per subscription for
//! reads and one for writes, so a 500-VM failover paces itself instead of
//! provoking a storm of 429s. Defaults are 80% of ARM's published
//! token-bucket limits (azure-restore-api.md §6: reads 250 refilled at 25/s,
//! writes 200 at 10/s); every answer's `x-ms-ratelimit-remaining-subscription-*` header
//! lowers the bucket to what ARM says is left, since other clients share it.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::HeaderMap;
use tokio::sync::Mutex;

use crate::clock::SharedClock;

/// Reads or writes: ARM budgets them separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Budget {
    /// GET.
    Reads,
    /// PUT, POST, PATCH, DELETE.
    Writes,
}

/// One bucket's size and refill rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketLimit {
    /// Most tokens the bucket holds (the burst).
    pub capacity: f64,
    /// Tokens added per second.
    pub refill_per_second: f64,
}

/// The limits of both buckets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimits {
    /// Reads per subscription.
    pub reads: BucketLimit,
    /// Writes per subscription.
    pub writes: BucketLimit,
}

/// The share of ARM's budget the client plans to use: other clients spend from the
/// same subscription buckets, and network jitter bunches arrivals that left evenly spaced.
pub const HEADROOM: f64 = 0.8;

impl RateLimits {
    /// ARM's published token-bucket limits per subscription (2024 model).
    pub const PUBLISHED: RateLimits = RateLimits {
        reads: BucketLimit {
            capacity: 250.0,
            refill_per_second: 25.0,
        },
        writes: BucketLimit {
            capacity: 200.0,
            refill_per_second: 10.0,
        },
    };

    /// These limits scaled by `share`.
    pub fn scaled(self, share: f64) -> RateLimits {
        let scale = |limit: BucketLimit| BucketLimit {
            capacity: (limit.capacity * share).max(1.0),
            refill_per_second: limit.refill_per_second * share,
        };
        RateLimits {
            reads: scale(self.reads),
            writes: scale(self.writes),
        }
    }
}

impl Default for RateLimits {
    /// ARM's published limits with [`HEADROOM`].
    fn default() -> Self {
        RateLimits::PUBLISHED.scaled(HEADROOM)
    }
}

impl RateLimits {
    fn of(&self, budget: Budget) -> BucketLimit {
        match budget {
            Budget::Reads => self.reads,
            Budget::Writes => self.writes,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Timestamp,
}

/// Token buckets keyed by subscription (requests outside a subscription share the `""` bucket).
#[derive(Debug)]
pub struct RateLimiter {
    limits: RateLimits,
    clock: SharedClock,
    buckets: Mutex<HashMap<(String, Budget), Bucket>>,
}

impl RateLimiter {
    /// A limiter with full buckets.
    pub fn new(limits: RateLimits, clock: SharedClock) -> Self {
        Self {
            limits,
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refill(&self, bucket: &mut Bucket, limit: BucketLimit, now: Timestamp) {
        let elapsed = now.duration_since(bucket.updated).as_secs_f64().max(0.0);
        bucket.tokens = (bucket.tokens + elapsed * limit.refill_per_second).min(limit.capacity);
        bucket.updated = now;
    }

    /// Takes one token, waiting on the clock until one is there.
    pub async fn acquire(&self, subscription: &str, budget: Budget) {
        let limit = self.limits.of(budget);
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().await;
                let now = self.clock.now();
                let bucket = buckets
                    .entry((subscription.to_owned(), budget))
                    .or_insert(Bucket {
                        tokens: limit.capacity,
                        updated: now,
                    });
                self.refill(bucket, limit, now);
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return;
                }
                let missing = 1.0 - bucket.tokens;
                Duration::from_secs_f64((missing / limit.refill_per_second.max(0.001)).min(60.0))
            };
            self.clock.sleep(wait).await;
        }
    }

    /// Lowers the bucket to what ARM reports as remaining for this subscription.
    pub async fn observe(&self, subscription: &str, budget: Budget, headers: &HeaderMap) {
        let names: &[&str] = match budget {
            Budget::Reads => &[
                "x-ms-ratelimit-remaining-subscription-reads",
                "x-ms-ratelimit-remaining-subscription-global-reads",
            ],
            Budget::Writes => &[
                "x-ms-ratelimit-remaining-subscription-writes",
                "x-ms-ratelimit-remaining-subscription-global-writes",
            ],
        };
        let remaining = names
            .iter()
            .filter_map(|name| {
                headers
                    .get(*name)?
                    .to_str()
                    .ok()?
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .fold(None, |least: Option<f64>, value| {
                Some(least.map_or(value, |l| l.min(value)))
            });
        let Some(remaining) = remaining else { return };
        let limit = self.limits.of(budget);
        let mut buckets = self.buckets.lock().await;
        let now = self.clock.now();
        let bucket = buckets
            .entry((subscription.to_owned(), budget))
            .or_insert(Bucket {
                tokens: limit.capacity,
                updated: now,
            });
        self.refill(bucket, limit, now);
        bucket.tokens = bucket.tokens.min(remaining.max(0.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};
    use reqwest::header::HeaderValue;
    use std::sync::Arc;

    fn start() -> Timestamp {
        "2026-11-26T12:00:00Z".parse().expect("time")
    }

    #[tokio::test]
    async fn a_burst_beyond_the_bucket_waits_for_the_refill() {
        let clock = ManualClock::auto_advancing(start());
        let limits = RateLimits {
            writes: BucketLimit {
                capacity: 5.0,
                refill_per_second: 10.0,
            },
            ..RateLimits::default()
        };
        let limiter = RateLimiter::new(limits, Arc::new(clock.clone()));
        for _ in 0..25 {
            limiter.acquire("sub", Budget::Writes).await;
        }
        let waited = clock.now().duration_since(start()).as_secs_f64();
        assert!(
            (1.9..=2.1).contains(&waited),
            "20 tokens beyond the burst at 10/s take 2 s, took {waited}"
        );
        limiter.acquire("other-sub", Budget::Writes).await;
        assert_eq!(
            clock.now().duration_since(start()).as_secs_f64(),
            waited,
            "each subscription has its own bucket"
        );
    }

    #[tokio::test]
    async fn remaining_headers_lower_the_bucket() {
        let clock = ManualClock::auto_advancing(start());
        let limiter = RateLimiter::new(RateLimits::default(), Arc::new(clock.clone()));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-ms-ratelimit-remaining-subscription-reads",
            HeaderValue::from_static("0"),
        );
        limiter.observe("sub", Budget::Reads, &headers).await;
        limiter.acquire("sub", Budget::Reads).await;
        let waited = clock.now().duration_since(start()).as_secs_f64();
        assert!(
            (0.03..=0.05).contains(&waited),
            "one token at 25/s is 40 ms, waited {waited}"
        );
    }
}
