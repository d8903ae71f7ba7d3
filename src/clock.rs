//! The one clock of the program. Everything that reads the time or waits goes
//! through [`Clock`], so tests and the emulator can run a four-hour failover in
//! seconds (see DESIGN.md: "nothing in the engine sleeps on wall-clock time").

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

/// A future that completes once a sleep is over; boxed so [`Clock`] stays object safe.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A source of time: the current instant and the means to wait for a later one.
pub trait Clock: Send + Sync + Debug {
    /// The current time on this clock.
    fn now(&self) -> Timestamp;

    /// Waits until `duration` has passed on this clock.
    fn sleep(&self, duration: Duration) -> Sleep;

    /// Waits until this clock reads `deadline` or later; returns at once if it already does.
    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        let remaining = deadline.duration_since(self.now());
        self.sleep(remaining.try_into().unwrap_or(Duration::ZERO))
    }
}

/// A shared handle to whichever clock the program runs on.
pub type SharedClock = Arc<dyn Clock>;

/// Wall-clock time: what production runs on.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that runs `scale` times faster than real time, starting at the real
/// time of its creation; the emulator uses it so a restore that takes an hour
/// in Azure takes seconds locally while durations keep their proportions.
#[derive(Debug, Clone)]
pub struct ScaledClock {
    scale: f64,
    started_real: tokio::time::Instant,
    started_at: Timestamp,
}

impl ScaledClock {
    /// A clock running `scale`× faster than real time; a scale that is not a
    /// positive finite number is treated as 1 so no input can stop time.
    pub fn new(scale: f64) -> Self {
        Self::starting_at(Timestamp::now(), scale)
    }

    /// Like [`ScaledClock::new`] but reading `start` at creation.
    pub fn starting_at(start: Timestamp, scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        Self {
            scale,
            started_real: tokio::time::Instant::now(),
            started_at: start,
        }
    }

    /// How many times faster than real time this clock runs.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> Timestamp {
        let real = self.started_real.elapsed().as_secs_f64();
        let scaled =
            SignedDuration::try_from_secs_f64(real * self.scale).unwrap_or(SignedDuration::MAX);
        self.started_at
            .saturating_add(scaled)
            .unwrap_or(Timestamp::MAX)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let real = Duration::try_from_secs_f64(duration.as_secs_f64() / self.scale)
            .unwrap_or(Duration::MAX);
        Box::pin(tokio::time::sleep(real))
    }
}

/// A clock that moves only when told: by [`ManualClock::advance`], or, in auto
/// mode, by jumping to the end of every sleep at once (tests of retry and
/// polling loops then finish instantly yet see the virtual time they waited).
#[derive(Debug, Clone)]
pub struct ManualClock {
    time: Arc<watch::Sender<Timestamp>>,
    auto_advance: bool,
}

impl ManualClock {
    /// A clock standing at `start` until advanced.
    pub fn new(start: Timestamp) -> Self {
        Self {
            time: Arc::new(watch::Sender::new(start)),
            auto_advance: false,
        }
    }

    /// A clock standing at `start` whose sleeps advance it to their deadline immediately.
    pub fn auto_advancing(start: Timestamp) -> Self {
        Self {
            auto_advance: true,
            ..Self::new(start)
        }
    }

    /// Moves the clock forward by `duration`, waking every sleep that is then over.
    pub fn advance(&self, duration: Duration) {
        let step = SignedDuration::try_from(duration).unwrap_or(SignedDuration::MAX);
        self.time
            .send_modify(|now| *now = now.saturating_add(step).unwrap_or(Timestamp::MAX));
    }

    fn advance_to(&self, deadline: Timestamp) {
        self.time.send_if_modified(|now| {
            let later = deadline > *now;
            if later {
                *now = deadline;
            }
            later
        });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.time.borrow()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let step = SignedDuration::try_from(duration).unwrap_or(SignedDuration::MAX);
        let deadline = self.now().saturating_add(step).unwrap_or(Timestamp::MAX);
        self.sleep_until(deadline)
    }

    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        if self.auto_advance {
            self.advance_to(deadline);
        }
        let mut time = self.time.subscribe();
        Box::pin(async move {
            // An error means the clock is gone; nothing can advance it any more, so the sleep ends.
            let _ = time.wait_for(|now| *now >= deadline).await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> Timestamp {
        "2026-11-26T12:00:00Z".parse().expect("valid timestamp")
    }

    #[tokio::test]
    async fn manual_clock_wakes_sleepers_only_when_advanced_past_their_deadline() {
        let clock = ManualClock::new(start());
        let sleeper = tokio::spawn(clock.sleep(Duration::from_secs(60)));
        clock.advance(Duration::from_secs(59));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(1));
        sleeper.await.expect("sleeper ends");
        assert_eq!(clock.now(), start() + SignedDuration::from_secs(60));
    }

    #[tokio::test]
    async fn auto_advancing_clock_jumps_to_the_end_of_each_sleep() {
        let clock = ManualClock::auto_advancing(start());
        clock.sleep(Duration::from_secs(30)).await;
        clock
            .sleep_until(start() + SignedDuration::from_secs(10))
            .await;
        assert_eq!(clock.now(), start() + SignedDuration::from_secs(30));
    }

    #[tokio::test]
    async fn scaled_clock_runs_faster_than_real_time() {
        let clock = ScaledClock::starting_at(start(), 36_000.0);
        let real = std::time::Instant::now();
        clock.sleep(Duration::from_secs(3600)).await;
        assert!(
            real.elapsed() < Duration::from_secs(2),
            "an hour at 36000x takes 0.1 s"
        );
        let elapsed = clock.now().duration_since(start());
        assert!(elapsed >= SignedDuration::from_secs(3600), "{elapsed:?}");
    }

    #[test]
    fn scaled_clock_refuses_a_scale_that_would_stop_time() {
        assert_eq!(ScaledClock::new(0.0).scale(), 1.0);
        assert_eq!(ScaledClock::new(f64::NAN).scale(), 1.0);
    }
}
