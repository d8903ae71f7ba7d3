//! Azure Backup's OData `$filter`: `name eq 'value'` terms joined by `and`,
//! with times written as azure-cli writes them (`2026-11-25 10:00:00 PM`, UTC)
//! or as RFC 3339.

use crate::emulator::envelope::ArmError;
use jiff::Timestamp;

/// The terms of a filter, in order; a filter of another form is 400.
pub fn terms(filter: &str) -> Result<Vec<(String, String)>, ArmError> {
    let refuse = || {
        ArmError::bad_request(
            "BMSUserErrorInvalidFilter",
            format!(
                "The filter \"{filter}\" is not valid: write terms `name eq 'value'` joined by `and`."
            ),
        )
    };
    let mut found = Vec::new();
    for term in filter
        .split(" and ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let (name, value) = term.split_once(" eq ").ok_or_else(refuse)?;
        let value = value
            .trim()
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .filter(|v| !v.contains('\''))
            .ok_or_else(refuse)?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(refuse());
        }
        found.push((name.to_owned(), value.to_owned()));
    }
    Ok(found)
}

/// A time of a filter term; 400 when it is not one.
pub fn time(name: &str, text: &str) -> Result<Timestamp, ArmError> {
    if let Some(time) = crate::azure::wire::time::parse(text) {
        return Ok(time);
    }
    jiff::civil::DateTime::strptime("%Y-%m-%d %I:%M:%S %p", text)
        .ok()
        .and_then(|civil| jiff::tz::TimeZone::UTC.to_timestamp(civil).ok())
        .ok_or_else(|| {
            ArmError::bad_request(
                "BMSUserErrorInvalidFilter",
                format!(
                    "The filter's {name} '{text}' is not a time such as '2026-11-25 10:00:00 PM'."
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_terms_and_both_time_forms() {
        let parsed =
            terms("startDate eq '2026-11-25 10:00:00 PM' and endDate eq '2026-11-26T06:00:00Z'")
                .expect("valid");
        assert_eq!(parsed[0].0, "startDate");
        assert_eq!(
            time("startDate", &parsed[0].1).ok(),
            "2026-11-25T22:00:00Z".parse().ok()
        );
        assert_eq!(
            time("endDate", &parsed[1].1).ok(),
            "2026-11-26T06:00:00Z".parse().ok()
        );
        for bad in [
            "startDate gt '1'",
            "startDate eq 1",
            "x eq 'a' or y eq 'b'",
            "' eq 'a'",
        ] {
            assert!(terms(bad).is_err(), "{bad}");
        }
        assert!(time("startDate", "yesterday").is_err());
    }
}
