//! `restoreplan graph <PLAN> --format dot|mermaid|json [--inventory FILE]`

use super::{Outcome, fail, print, read_and_validate, read_inventory};
use crate::pipeline::expand_plan;
use crate::report::{graph, human};
use clap::ValueEnum;

/// Arguments of `graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan file; `-` reads standard input.
    #[arg(value_name = "PLAN")]
    plan: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
    /// Expand the plan against this inventory: one node per selected VM, and
    /// the phases of disk restores followed by a template deployment.
    #[arg(long, value_name = "FILE")]
    inventory: Option<String>,
}

/// Graph formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub comments).
    Mermaid,
    /// JSON: nodes in topological order with waves.
    Json,
}

pub(super) fn run(args: Args, style: human::Style) -> Outcome {
    let validated = match read_and_validate(&args.plan) {
        Ok(validated) => validated,
        Err(message) => return fail(&message),
    };
    if validated.graph.is_none() {
        // The diagnostics go to stderr so that stdout only ever holds a graph.
        eprint!("{}", human::render(&validated.report, style));
        return Outcome::Problems;
    }
    let compiled = match &args.inventory {
        None => validated.graph.clone(),
        Some(path) => {
            let inventory = match read_inventory(path) {
                Ok(Some(inventory)) => inventory,
                Ok(None) => return Outcome::Problems,
                Err(message) => return fail(&message),
            };
            let Some((expanded, report)) = expand_plan(&validated, &inventory) else {
                return Outcome::Problems;
            };
            if report.errors() > 0 {
                eprint!("{}", human::render(&report, style));
            }
            expanded
        }
    };
    let Some(compiled) = compiled else {
        return Outcome::Problems;
    };
    let name = validated
        .plan
        .as_ref()
        .map_or("plan", |plan| plan.metadata.name.as_str());
    print(&match args.format {
        Format::Dot => graph::dot(&compiled, name),
        Format::Mermaid => graph::mermaid(&compiled),
        Format::Json => graph::json(&compiled),
    });
    Outcome::Success
}
