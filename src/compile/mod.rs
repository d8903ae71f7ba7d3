//! Compile: a typed [`Plan`] → a sealed [`RestoreGraph`]. Resolves defaults,
//! vault and target names, `dependsOn` and output references, and proves the
//! graph acyclic. Every problem is collected; none stops the others.

mod cycles;
mod graph;
mod resolve;

pub use graph::{Edge, EdgeReason, Node, RestoreGraph};
pub use resolve::ResolvedRestore;

use crate::diagnostic::Diagnostic;
use crate::model::Plan;

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
    let edges = resolve::resolve_edges(plan, &nodes, &mut diagnostics);
    diagnostics.extend(resolve::unused_declarations(plan));
    let graph = graph::Building::new(nodes, edges);
    match graph.seal() {
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
