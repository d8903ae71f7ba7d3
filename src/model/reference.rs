//! Step-output references: `${{ steps.<id>.outputs.<name> }}` inside any
//! string of a step. A reference is data flow and therefore a dependency.

/// Outputs a `restore` step produces.
pub const OUTPUTS_OF_RESTORE: &[&str] = &["vmId", "vmName", "privateIp", "jobId"];
/// Outputs a `run` step produces.
pub const OUTPUTS_OF_RUN: &[&str] = &["exitCode", "stdout"];

/// One well-formed reference, found at a JSON pointer of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The referenced step id.
    pub step: String,
    /// The referenced output name.
    pub output: String,
    /// The pointer of the string that holds the reference.
    pub pointer: String,
    /// The expression as written, `${{ … }}` included.
    pub expression: String,
}

/// A `${{ … }}` expression that is not a reference, found at a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError {
    /// The pointer of the string that holds it.
    pub pointer: String,
    /// The expression as written (up to the end of the string if unclosed).
    pub expression: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Finds every `${{ … }}` expression in every string under `value`.
pub fn scan_references(
    value: &serde_json::Value,
    pointer: &str,
    found: &mut Vec<Reference>,
    errors: &mut Vec<ReferenceError>,
) {
    // One growing buffer for the pointer: this walks every string of every step.
    let mut buffer = String::with_capacity(pointer.len() + 32);
    buffer.push_str(pointer);
    scan_into(value, &mut buffer, found, errors);
}

fn scan_into(
    value: &serde_json::Value,
    pointer: &mut String,
    found: &mut Vec<Reference>,
    errors: &mut Vec<ReferenceError>,
) {
    use crate::source::escape_pointer_token;
    use serde_json::Value;
    use std::fmt::Write;
    let depth = pointer.len();
    match value {
        Value::String(text) => scan_string(text, pointer, found, errors),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let _ = write!(pointer, "/{index}");
                scan_into(item, pointer, found, errors);
                pointer.truncate(depth);
            }
        }
        Value::Object(members) => {
            for (key, item) in members {
                pointer.push('/');
                pointer.push_str(&escape_pointer_token(key));
                scan_into(item, pointer, found, errors);
                pointer.truncate(depth);
            }
        }
        _ => {}
    }
}

fn scan_string(
    text: &str,
    pointer: &str,
    found: &mut Vec<Reference>,
    errors: &mut Vec<ReferenceError>,
) {
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        let after = &rest[open + 3..];
        let Some(close) = after.find("}}") else {
            errors.push(ReferenceError {
                pointer: pointer.to_owned(),
                expression: rest[open..].to_owned(),
                reason: "it is not closed with `}}`",
            });
            return;
        };
        let expression = rest[open..open + 3 + close + 2].to_owned();
        match parse_expression(&after[..close]) {
            Some((step, output)) => {
                found.push(Reference {
                    step: step.to_owned(),
                    output: output.to_owned(),
                    pointer: pointer.to_owned(),
                    expression,
                });
            }
            None => errors.push(ReferenceError {
                pointer: pointer.to_owned(),
                expression,
                reason: "it is not of the form `${{ steps.<id>.outputs.<name> }}`",
            }),
        }
        rest = &after[close + 2..];
    }
}

/// The step and output named inside `${{ … }}`, if it is a reference.
fn parse_expression(inner: &str) -> Option<(&str, &str)> {
    let identifier = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let parts: Vec<&str> = inner.trim().split('.').collect();
    match parts.as_slice() {
        ["steps", step, "outputs", output] if identifier(step) && identifier(output) => {
            Some((step, output))
        }
        _ => None,
    }
}

/// Replaces every `${{ steps.<id>.outputs.<name> }}` in `text` with the value
/// `lookup` gives; the error names the first expression that has no value.
/// The result is one string: callers pass it as one argument, never to a shell.
pub fn substitute(
    text: &str,
    lookup: impl Fn(&str, &str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        let after = &rest[open + 3..];
        let close = after
            .find("}}")
            .ok_or_else(|| format!("`{}` is not closed with `}}}}`", &rest[open..]))?;
        let expression = &rest[open..open + 3 + close + 2];
        let (step, output) = parse_expression(&after[..close])
            .ok_or_else(|| format!("`{expression}` is not a step-output reference"))?;
        let value = lookup(step, output)
            .ok_or_else(|| format!("`{expression}`: step `{step}` has no output `{output}`"))?;
        out.push_str(&rest[..open]);
        out.push_str(&value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_references_and_malformed_expressions() {
        let value = json!({"http": "http://${{ steps.web.outputs.privateIp }}:${{steps.web.outputs.port}}/", "argv": ["${{ env.HOME }}", "${{ steps.x"]});
        let (mut found, mut errors) = (Vec::new(), Vec::new());
        scan_references(&value, "/steps/0/check", &mut found, &mut errors);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].step, "web");
        assert_eq!(found[1].output, "port");
        assert_eq!(found[0].pointer, "/steps/0/check/http");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].pointer, "/steps/0/check/argv/0");
    }

    #[test]
    fn substitution_replaces_each_reference_and_names_a_missing_one() {
        let lookup = |step: &str, output: &str| {
            (step == "web" && output == "privateIp").then(|| "10.0.0.4".to_string())
        };
        assert_eq!(
            super::substitute(
                "${{ steps.web.outputs.privateIp }}:443 and ${{steps.web.outputs.privateIp}}",
                lookup
            ),
            Ok("10.0.0.4:443 and 10.0.0.4".to_string())
        );
        assert_eq!(super::substitute("plain", lookup), Ok("plain".to_string()));
        let missing = super::substitute("${{ steps.db.outputs.vmId }}", lookup).unwrap_err();
        assert!(
            missing.contains("step `db` has no output `vmId`"),
            "{missing}"
        );
        assert!(super::substitute("${{ steps.web", lookup).is_err());
    }
}
