//! "Did you mean …?": the closest known name to a misspelt one.

/// The candidate closest to `given`, if one is close enough to be a typo.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given_lower = given.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != given)
        .map(|candidate| {
            let score = strsim::jaro_winkler(&given_lower, &candidate.to_lowercase());
            (candidate, score)
        })
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let known = ["dependsOn", "description", "restore", "retry"];
        assert_eq!(did_you_mean("dependOn", known), Some("dependsOn"));
        assert_eq!(did_you_mean("restor", known), Some("restore"));
        assert_eq!(did_you_mean("zzz", known), None);
    }
}
