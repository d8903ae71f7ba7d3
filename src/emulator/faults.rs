//! Seeded fault injection. Each request's draw is a hash of the seed, the
//! method, the path with query and how many times that same request was seen
//! before, so a run is reproducible even when concurrent clients interleave
//! differently: the third `GET` of one job is always treated alike.

use crate::diagnostic::{Code, Diagnostic};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// A fault the emulator can inject instead of (or before) an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// 429 Too Many Requests with `Retry-After`.
    TooManyRequests,
    /// 500 Internal Server Error.
    InternalError,
    /// 503 Service Unavailable with `Retry-After`.
    Unavailable,
    /// The connection is dropped without an answer.
    Reset,
    /// The answer comes, but late.
    Slow,
    /// The request is carried out, then the connection is dropped before
    /// the answer: the client cannot tell this from a `reset`.
    Lost,
}

impl Fault {
    /// Every fault in the order the draw walks them, so a seed means the same
    /// faults whatever order `--faults` lists them in.
    pub const ALL: [Fault; 6] = [
        Fault::TooManyRequests,
        Fault::InternalError,
        Fault::Unavailable,
        Fault::Reset,
        Fault::Slow,
        Fault::Lost,
    ];

    /// The name `--faults` uses.
    pub fn name(self) -> &'static str {
        match self {
            Fault::TooManyRequests => "429",
            Fault::InternalError => "500",
            Fault::Unavailable => "503",
            Fault::Reset => "reset",
            Fault::Slow => "slow",
            Fault::Lost => "lost",
        }
    }
}

/// The probability of each fault per request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    probabilities: Vec<(Fault, f64)>,
}

impl FaultSpec {
    /// Parses `429=0.1,500=0.03,503=0.03,reset=0.02,slow=0.05,lost=0.02`; an empty text is no faults.
    pub fn parse(text: &str) -> Result<FaultSpec, Diagnostic> {
        let refuse = |why: String| {
            Diagnostic::new(Code::EmulatorBadFaults, format!("`--faults {text}`: {why}"))
                .with_help(Code::EmulatorBadFaults.info().fix)
        };
        let mut spec = FaultSpec::default();
        for part in text.split(',').filter(|part| !part.trim().is_empty()) {
            let (name, probability) = part
                .split_once('=')
                .ok_or_else(|| refuse(format!("`{part}` is not `<fault>=<probability>`")))?;
            let fault = Fault::ALL
                .into_iter()
                .find(|fault| fault.name() == name.trim())
                .ok_or_else(|| {
                    refuse(format!(
                        "`{name}` is not a fault; the faults are 429, 500, 503, reset, slow and lost"
                    ))
                })?;
            let probability = probability
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| (0.0..=1.0).contains(p))
                .ok_or_else(|| {
                    refuse(format!("`{probability}` is not a probability from 0 to 1"))
                })?;
            if spec.probabilities.iter().any(|(known, _)| *known == fault) {
                return Err(refuse(format!("`{name}` is given twice")));
            }
            spec.probabilities.push((fault, probability));
        }
        let total: f64 = spec.probabilities.iter().map(|(_, p)| p).sum();
        if total > 1.0 + 1e-9 {
            return Err(refuse(format!(
                "the probabilities add up to {total}, over 1"
            )));
        }
        spec.probabilities.sort_by_key(|(fault, _)| *fault);
        Ok(spec)
    }

    /// Whether no fault can ever be drawn.
    pub fn is_empty(&self) -> bool {
        self.probabilities.iter().all(|(_, p)| *p == 0.0)
    }

    /// The fault a uniform draw in `[0, 1)` lands on, if any.
    fn pick(&self, draw: f64) -> Option<Fault> {
        let mut bound = 0.0;
        self.probabilities.iter().find_map(|(fault, probability)| {
            bound += probability;
            (draw < bound).then_some(*fault)
        })
    }
}

/// Draws faults for requests, reproducibly for a seed.
#[derive(Debug)]
pub struct FaultInjector {
    spec: FaultSpec,
    seed: u64,
    seen: Mutex<HashMap<(String, String), u64>>,
}

impl FaultInjector {
    /// An injector drawing from `spec` with `seed`.
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        FaultInjector {
            spec,
            seed,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The fault for this request, if one is drawn.
    pub fn draw(&self, method: &str, path_and_query: &str) -> Option<Fault> {
        if self.spec.is_empty() {
            return None;
        }
        let attempt = {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            let count = seen
                .entry((method.to_owned(), path_and_query.to_owned()))
                .or_insert(0);
            *count += 1;
            *count
        };
        let mut hasher = Sha256::new();
        hasher.update(self.seed.to_le_bytes());
        hasher.update(method.as_bytes());
        hasher.update([0]);
        hasher.update(path_and_query.as_bytes());
        hasher.update(attempt.to_le_bytes());
        let digest = hasher.finalize();
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        // 53 random bits make an evenly spread f64 in [0, 1).
        let draw = (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64;
        self.spec.pick(draw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_parses_and_bad_specs_are_refused() {
        let spec = FaultSpec::parse("429=0.1,500=0.03,503=0.03,reset=0.02,slow=0.05,lost=0.02");
        assert!(spec.is_ok_and(|spec| !spec.is_empty()));
        assert!(FaultSpec::parse("").is_ok_and(|spec| spec.is_empty()));
        for bad in [
            "429",
            "404=0.1",
            "429=2",
            "429=-0.1",
            "429=0.6,500=0.6",
            "429=0.1,429=0.1",
            "slow=x",
        ] {
            let refused = FaultSpec::parse(bad).map_err(|d| d.code.id());
            assert_eq!(refused, Err("EX082"), "{bad}");
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_faults_and_another_seed_others() {
        let spec = FaultSpec::parse("429=0.2,500=0.1,reset=0.1").expect("valid");
        let run = |seed| {
            let injector = FaultInjector::new(spec.clone(), seed);
            (0..200)
                .map(|i| injector.draw("GET", &format!("/jobs/{}", i % 7)))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let faults = run(7).into_iter().flatten().count();
        // 40 % of 200 draws, give or take what a fair draw allows.
        assert!((50..=110).contains(&faults), "{faults} faults");
    }
}
