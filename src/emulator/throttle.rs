//! ARM's per-subscription request budgets: each hour (of simulated time) a
//! subscription has `writesPerHour` writes and ten times as many reads. What
//! is left is reported in `x-ms-ratelimit-remaining-subscription-*` headers,
//! and a request over budget is answered 429 with `Retry-After`, as ARM does.

use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::sync::Mutex;

/// Reads per hour for each write per hour, ARM's ratio (12,000 to 1,200).
const READS_PER_WRITE: u64 = 10;

/// Whether a request reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// GET and HEAD.
    Read,
    /// PUT, POST, PATCH and DELETE.
    Write,
}

impl Access {
    /// The kind of access of an HTTP method.
    pub fn of(method: &axum::http::Method) -> Access {
        if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
            Access::Read
        } else {
            Access::Write
        }
    }
}

/// The outcome of taking one request from a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Allowed; this many requests of the kind are left this hour.
    Remaining(u64),
    /// Over budget; the window renews in this many simulated seconds.
    Exhausted(u64),
}

/// The budgets of every subscription seen.
#[derive(Debug)]
pub struct Throttle {
    writes_per_hour: u64,
    windows: Mutex<HashMap<(String, Access), Window>>,
    first_window: Timestamp,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Timestamp,
    used: u64,
}

impl Throttle {
    /// Budgets of `writes_per_hour` writes, windows starting at `start`.
    pub fn new(writes_per_hour: u64, start: Timestamp) -> Self {
        Throttle {
            writes_per_hour,
            windows: Mutex::new(HashMap::new()),
            first_window: start,
        }
    }

    /// Takes one request of `access` for `subscription` at `now`.
    pub fn take(&self, subscription: &str, access: Access, now: Timestamp) -> Budget {
        let limit = match access {
            Access::Read => self.writes_per_hour.saturating_mul(READS_PER_WRITE),
            Access::Write => self.writes_per_hour,
        };
        let hour = SignedDuration::from_hours(1);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = windows
            .entry((subscription.to_ascii_lowercase(), access))
            .or_insert(Window {
                started: self.first_window,
                used: 0,
            });
        while now.duration_since(window.started) >= hour {
            window.started = window.started.checked_add(hour).unwrap_or(now);
            window.used = 0;
        }
        if window.used >= limit {
            let renews = hour - now.duration_since(window.started);
            return Budget::Exhausted(renews.as_secs().max(1).unsigned_abs());
        }
        window.used += 1;
        Budget::Remaining(limit - window.used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_run_out_within_the_hour_and_come_back_with_the_next() {
        let start: Timestamp = "2026-11-26T10:00:00Z".parse().expect("time");
        let throttle = Throttle::new(2, start);
        let at = |minutes: i64| start + SignedDuration::from_mins(minutes);
        assert_eq!(
            throttle.take("s", Access::Write, at(0)),
            Budget::Remaining(1)
        );
        assert_eq!(
            throttle.take("S", Access::Write, at(1)),
            Budget::Remaining(0)
        );
        assert_eq!(
            throttle.take("s", Access::Write, at(50)),
            Budget::Exhausted(600)
        );
        assert_eq!(
            throttle.take("other", Access::Write, at(50)),
            Budget::Remaining(1)
        );
        assert_eq!(
            throttle.take("s", Access::Read, at(50)),
            Budget::Remaining(19)
        );
        assert_eq!(
            throttle.take("s", Access::Write, at(61)),
            Budget::Remaining(1)
        );
    }
}
