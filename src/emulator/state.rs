//! What every handler shares: the world, the tokens, the request log, the
//! fault draws, the write budget and the simulated time.

use super::config::EmulatorConfig;
use super::faults::FaultInjector;
use super::record::Recorder;
use super::throttle::Throttle;
use super::token::TokenStore;
use super::world::World;
use crate::clock::{Clock, ScaledClock};
use crate::model::EmulatorSettings;
use std::sync::Mutex;

/// The shared state of one running emulator.
#[derive(Debug)]
pub struct State {
    /// The estate, behind one lock.
    pub world: Mutex<World>,
    /// The `emulator:` section of the inventory.
    pub settings: EmulatorSettings,
    /// Issue tokens to any client.
    pub accept_any_client: bool,
    /// Restores that fail on purpose.
    pub fail_jobs: Vec<super::config::FailJob>,
    /// The tokens issued.
    pub tokens: TokenStore,
    /// Every request answered.
    pub recorder: Recorder,
    /// The seeded fault draws.
    pub faults: FaultInjector,
    /// ARM's per-subscription request budgets.
    pub throttle: Throttle,
    /// Simulated time (the one clock, scaled by `--time-scale`).
    pub time: ScaledClock,
    /// `https://127.0.0.1:<port>`, known once bound.
    pub base_url: String,
}

impl State {
    /// The state for a configuration, listening at `base_url`.
    pub fn new(config: EmulatorConfig, recorder: Recorder, base_url: String) -> Self {
        let settings = config.inventory.emulator.clone();
        let time = match config.start {
            Some(start) => ScaledClock::starting_at(start, config.time_scale),
            None => ScaledClock::new(config.time_scale),
        };
        State {
            throttle: Throttle::new(settings.writes_per_hour, time.now()),
            world: Mutex::new(World::new(config.inventory)),
            settings,
            accept_any_client: config.accept_any_client,
            fail_jobs: config.fail_jobs,
            tokens: TokenStore::default(),
            recorder,
            faults: FaultInjector::new(config.faults, config.seed),
            time,
            base_url,
        }
    }

    /// Locks the world, with every job and deployment that has ended by now
    /// applied; a handler that panicked while holding the lock left the world
    /// as it was at its last completed change, which is still a world.
    pub fn world(&self) -> std::sync::MutexGuard<'_, World> {
        let mut world = self.world.lock().unwrap_or_else(|e| e.into_inner());
        world.settle(self.time.now());
        world
    }
}

/// Real seconds that `simulated` seconds take on `clock`, at least one: what
/// a `Retry-After` asks a client (whose own clock may be real) to wait.
pub fn real_seconds(clock: &ScaledClock, simulated: f64) -> u64 {
    (simulated / clock.scale()).ceil().max(1.0) as u64
}
