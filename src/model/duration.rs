//! Durations as the plan language writes them: `30s`, `90m`, `4h`, `1h30m`, `2d`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A non-negative span of time, in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    seconds: u64,
}

impl Duration {
    /// A duration of `seconds` seconds.
    pub const fn from_secs(seconds: u64) -> Self {
        Duration { seconds }
    }

    /// The length in seconds.
    pub const fn as_secs(self) -> u64 {
        self.seconds
    }

    /// Parses `1d2h3m4s` (each part optional, in this order, at least one).
    pub fn parse(text: &str) -> Option<Self> {
        let mut seconds: u64 = 0;
        let mut digits = String::new();
        let mut last_unit = 0;
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let (rank, factor) = match c {
                'd' => (1, 86_400),
                'h' => (2, 3_600),
                'm' => (3, 60),
                's' => (4, 1),
                _ => return None,
            };
            if digits.is_empty() || rank <= last_unit {
                return None;
            }
            let amount: u64 = digits.parse().ok()?;
            seconds = seconds.checked_add(amount.checked_mul(factor)?)?;
            digits.clear();
            last_unit = rank;
        }
        (digits.is_empty() && last_unit > 0).then_some(Duration { seconds })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.seconds;
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Duration::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a duration")))
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Duration;

    #[test]
    fn parses_and_prints_compound_durations() {
        assert_eq!(Duration::parse("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(Duration::parse("2d"), Some(Duration::from_secs(172_800)));
        assert_eq!(Duration::parse("30m1h"), None);
        assert_eq!(Duration::parse("h"), None);
        assert_eq!(Duration::parse("10"), None);
        assert_eq!(Duration::from_secs(5400).to_string(), "1h30m");
    }
}
