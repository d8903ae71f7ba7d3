//! Compile: a typed [`Plan`] → a sealed [`RestoreGraph`]. Resolves defaults,
//! vault and target names, `dependsOn` and output references, and proves the
//! graph acyclic. Every problem is collected; none stops the others.

mod cycles;
pub mod dispatch;
mod edges;
mod expand;
mod graph;
mod resolve;

pub use expand::{Expanded, SourceVm, expand};
pub use graph::{Edge, EdgeReason, Node, RestoreGraph};
pub use resolve::ResolvedRestore;

use crate::diagnostic::Diagnostic;
use crate::model::{Plan, StepOutline};

/// The outcome of compiling a plan: the graph when there were no errors, and
/// every diagnostic (errors and warnings) either way.
#[derive(Debug)]
pub struct Compiled {
    /// The sealed graph, absent when any error was found.
    pub graph: Option<RestoreGraph>,
    /// Everything found, unsorted (the report sorts by position).
    pub diagnostics: Vec<Diagnostic>,
}

/// Compiles a plan into its dependency graph.
pub fn compile(plan: &Plan) -> Compiled {
    let mut diagnostics = Vec::new();
    let nodes = resolve::resolve_steps(plan, &mut diagnostics);
    let outlines: Vec<&StepOutline> = plan.steps.iter().map(|s| &s.outline).collect();
    let edges = edges::resolve_edges(&outlines, &mut diagnostics);
    diagnostics.extend(resolve::unused_declarations(plan));
    match graph::Building::new(nodes, edges).seal() {
        Ok(graph) if !diagnostics.iter().any(Diagnostic::is_error) => Compiled {
            graph: Some(graph),
            diagnostics,
        },
        Ok(_) => Compiled {
            graph: None,
            diagnostics,
        },
        Err(cycles) => {
            diagnostics.extend(cycles);
            Compiled {
                graph: None,
                diagnostics,
            }
        }
    }
}

/// The graph checks alone (ids, dependencies, references, cycles), for a
/// plan that failed its schema and so has no typed model.
pub fn check_outlines(outlines: &[StepOutline]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let steps: Vec<&StepOutline> = outlines.iter().collect();
    let edges = edges::resolve_edges(&steps, &mut diagnostics);
    let nodes = outlines
        .iter()
        .map(|outline| Node {
            id: outline.id.clone(),
            step_index: outline.index,
            kind: outline.kind.unwrap_or("step"),
            subject: None,
            restore: None,
            optional: false,
            vm: None,
        })
        .collect();
    if let Err(cycles) = graph::Building::new(nodes, edges).seal() {
        diagnostics.extend(cycles);
    }
    diagnostics
}
