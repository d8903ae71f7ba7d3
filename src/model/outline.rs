//! The outline of a step: its id, dependencies and references, the part of a
//! step that the dependency graph needs. An outline can be read from a plan
//! that failed its schema, so that a pull request sees graph errors (unknown
//! ids, cycles) together with schema errors, not one round after the other.

use super::{Reference, ReferenceError, scan_references};
use crate::source::escape_pointer_token;
use serde_json::Value;

/// The step kinds, in the order the schema lists them.
pub const STEP_KINDS: &[&str] = &["restore", "run", "check", "approve", "wait"];

/// What the dependency graph needs to know of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutline {
    /// The index of the step in the plan's `steps`.
    pub index: usize,
    /// The step id.
    pub id: String,
    /// The `dependsOn` entries (with their positions in the list).
    pub depends_on: Vec<(usize, String)>,
    /// The step kind, when exactly one is given.
    pub kind: Option<&'static str>,
    /// The output references in the step's strings.
    pub references: Vec<Reference>,
    /// `${{ … }}` expressions that are not references.
    pub malformed_references: Vec<ReferenceError>,
}

/// The outputs a step kind produces for later steps' references.
pub fn outputs_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "restore" => super::OUTPUTS_OF_RESTORE,
        "run" => super::OUTPUTS_OF_RUN,
        _ => &[],
    }
}

impl StepOutline {
    /// Reads the outline of the step at `index` from its JSON value; `None`
    /// when the step has no string id (the schema reports that).
    pub fn read(value: &Value, index: usize) -> Option<StepOutline> {
        let members = value.as_object()?;
        let id = members.get("id")?.as_str()?.to_owned();
        let depends_on = members
            .get("dependsOn")
            .and_then(Value::as_array)
            .map(|entries| {
                entries
                    .iter()
                    .enumerate()
                    .filter_map(|(position, entry)| Some((position, entry.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let kinds: Vec<&'static str> = STEP_KINDS
            .iter()
            .copied()
            .filter(|kind| members.contains_key(*kind))
            .collect();
        let (mut references, mut malformed_references) = (Vec::new(), Vec::new());
        for kind in &kinds {
            let pointer = format!("/steps/{index}/{}", escape_pointer_token(kind));
            scan_references(
                &members[*kind],
                &pointer,
                &mut references,
                &mut malformed_references,
            );
        }
        Some(StepOutline {
            index,
            id,
            depends_on,
            kind: (kinds.len() == 1).then(|| kinds[0]),
            references,
            malformed_references,
        })
    }

    /// The outlines of every step of a plan value that has a `steps` list.
    pub fn read_all(plan: &Value) -> Vec<StepOutline> {
        plan.get("steps")
            .and_then(Value::as_array)
            .map(|steps| {
                steps
                    .iter()
                    .enumerate()
                    .filter_map(|(index, step)| StepOutline::read(step, index))
                    .collect()
            })
            .unwrap_or_default()
    }
}
