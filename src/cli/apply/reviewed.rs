//! `apply <resolved.json>`: a resolved plan from `plan --out` names the plan
//! and inventory it was made from and the time it was checked for; the run
//! executes exactly that, or nothing.

use super::Args;
use crate::check::resolved::Resolved;
use crate::cli::plan::DryRunAt;
use crate::cli::{Outcome, fail};

/// The resolved plan `path` holds (`plan --out`), or `None` for a plan file.
pub(super) fn reviewed_plan(path: &str) -> Result<Option<Resolved>, Outcome> {
    let Ok(text) = std::fs::read_to_string(path) else {
        // Not readable as text: the dry run reports why.
        return Ok(None);
    };
    let Ok(serde_json::Value::Object(object)) = serde_json::from_str::<serde_json::Value>(&text)
    else {
        return Ok(None);
    };
    if object.contains_key("apiVersion") || !object.contains_key("nodes") {
        return Ok(None);
    }
    serde_json::from_value(serde_json::Value::Object(object))
        .map(Some)
        .map_err(|error| {
            fail(&format!(
                "`{path}` looks like a resolved plan (`plan --out`) but cannot be read as one: {error}"
            ))
        })
}

/// The plan, inventory and time a resolved plan was made from.
pub(super) fn reviewed_inputs(
    args: &Args,
    reviewed: &Resolved,
) -> Result<(String, Option<String>, DryRunAt), Outcome> {
    if args.at.is_some() {
        return Err(fail(
            "a resolved plan is applied as of the time it was checked for; `--at` cannot change it",
        ));
    }
    let Some(plan_file) = reviewed.plan_file.clone() else {
        return Err(fail(&format!(
            "`{}` does not name the plan it was made from; make it again with `restoreplan plan <PLAN> --out FILE`",
            args.plan
        )));
    };
    let inventory = args
        .inventory
        .clone()
        .or_else(|| reviewed.inventory_file.clone());
    Ok((plan_file, inventory, DryRunAt::Time(reviewed.at)))
}
