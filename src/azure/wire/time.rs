//! Azure's timestamps: RFC 3339 mostly, but some services drop the offset
//! (`2019-03-24T14:54:14.7123596`), which means UTC; both are read, RFC 3339 is written.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer, Serializer};

/// Reads a timestamp with or without an offset (none means UTC).
pub fn parse(text: &str) -> Option<Timestamp> {
    if let Ok(time) = text.parse::<Timestamp>() {
        return Some(time);
    }
    let civil: DateTime = text.parse().ok()?;
    TimeZone::UTC.to_timestamp(civil).ok()
}

/// Serde adapter for `Option<Timestamp>` fields.
pub mod optional {
    use super::*;

    /// Writes RFC 3339.
    pub fn serialize<S: Serializer>(
        value: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(time) => serializer.collect_str(time),
            None => serializer.serialize_none(),
        }
    }

    /// Reads RFC 3339 or an offset-less time (UTC); `null` is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        let Some(text) = Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)? else {
            return Ok(None);
        };
        parse(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("not a timestamp: {text:?}")))
    }
}
