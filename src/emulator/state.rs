//! What every handler shares: the world, the tokens, the request log, the
//! fault draws, the write budget and the simulated time.

use super::config::EmulatorConfig;
use super::faults::FaultInjector;
use super::record::Recorder;
use super::throttle::Throttle;
use super::token::TokenStore;
use super::world::World;
use crate::model::EmulatorSettings;
use jiff::Timestamp;
use std::sync::Mutex;
use std::time::Instant;

/// The shared state of one running emulator.
#[derive(Debug)]
pub struct State {
    /// The estate, behind one lock.
    pub world: Mutex<World>,
    /// The `emulator:` section of the inventory.
    pub settings: EmulatorSettings,
    /// Issue tokens to any client.
    pub accept_any_client: bool,
    /// The tokens issued.
    pub tokens: TokenStore,
    /// Every request answered.
    pub recorder: Recorder,
    /// The seeded fault draws.
    pub faults: FaultInjector,
    /// ARM's per-subscription request budgets.
    pub throttle: Throttle,
    /// Simulated time.
    pub time: SimulatedTime,
    /// `https://127.0.0.1:<port>`, known once bound.
    pub base_url: String,
}

impl State {
    /// The state for a configuration, listening at `base_url`.
    pub fn new(config: EmulatorConfig, recorder: Recorder, base_url: String) -> Self {
        let settings = config.inventory.emulator.clone();
        let time = SimulatedTime::new(config.time_scale);
        State {
            throttle: Throttle::new(settings.writes_per_hour, time.now()),
            world: Mutex::new(World::new(config.inventory)),
            settings,
            accept_any_client: config.accept_any_client,
            tokens: TokenStore::default(),
            recorder,
            faults: FaultInjector::new(config.faults, config.seed),
            time,
            base_url,
        }
    }

    /// Locks the world; a handler that panicked while holding it left it as
    /// it was at its last completed change, which is still a world.
    pub fn world(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Simulated time: it starts at the real time of the start and runs
/// `scale` times faster, so a four-hour restore can finish in seconds
/// without anything sleeping for it.
#[derive(Debug, Clone, Copy)]
pub struct SimulatedTime {
    started: Instant,
    started_at: Timestamp,
    scale: f64,
}

impl SimulatedTime {
    /// Simulated time running `scale` times faster than real time from now.
    pub fn new(scale: f64) -> Self {
        SimulatedTime {
            started: Instant::now(),
            started_at: Timestamp::now(),
            scale,
        }
    }

    /// The simulated now.
    pub fn now(&self) -> Timestamp {
        let elapsed = self.started.elapsed().as_secs_f64() * self.scale;
        let elapsed =
            jiff::SignedDuration::try_from_secs_f64(elapsed).unwrap_or(jiff::SignedDuration::MAX);
        self.started_at
            .checked_add(elapsed)
            .unwrap_or(Timestamp::MAX)
    }

    /// Real seconds that `simulated` seconds take, for `Retry-After` hints.
    pub fn real_seconds(&self, simulated: f64) -> f64 {
        simulated / self.scale
    }
}
