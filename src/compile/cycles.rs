//! Cycle reports. Tarjan's algorithm finds every strongly connected
//! component; in each, the shortest cycle through its first step (in file
//! order) is what the user sees, with a label on every entry that forms it.

use super::graph::{Edge, EdgeReason, Node};
use crate::diagnostic::{Code, Diagnostic};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeSet, VecDeque};

/// One diagnostic per cycle-bearing component, in file order of their first step.
pub(super) fn find_cycles(graph: &DiGraph<Node, Edge>) -> Vec<Diagnostic> {
    let mut components: Vec<Vec<NodeIndex>> = tarjan_scc(graph)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|mut component| {
            component.sort_unstable();
            component
        })
        .collect();
    components.sort_unstable();
    components
        .iter()
        .map(|component| report(graph, component))
        .collect()
}

fn report(graph: &DiGraph<Node, Edge>, component: &[NodeIndex]) -> Diagnostic {
    let members: BTreeSet<NodeIndex> = component.iter().copied().collect();
    let start = component[0];
    let path = shortest_cycle(graph, &members, start);
    let names: Vec<&str> = path.iter().map(|n| graph[*n].id.as_str()).collect();
    let mut shown = names.clone();
    shown.push(names[0]);
    let mut diagnostic = Diagnostic::new(
        Code::DependencyCycle,
        format!("dependency cycle: {}", shown.join(" → ")),
    );
    for (i, &from) in path.iter().enumerate() {
        let to = path[(i + 1) % path.len()];
        let edge = graph
            .find_edge(from, to)
            .map(|e| &graph[e])
            .expect("invariant: consecutive cycle nodes are joined by an edge");
        let text = match &edge.reason {
            EdgeReason::DependsOn | EdgeReason::Phase => {
                format!("`{}` depends on `{}`", graph[from].id, graph[to].id)
            }
            EdgeReason::Reference { output } => {
                format!(
                    "`{}` uses `{}` of `{}`",
                    graph[from].id, output, graph[to].id
                )
            }
        };
        diagnostic = diagnostic.at(&edge.pointer, text);
    }
    let others = component.len() - path.len();
    let help = if others > 0 {
        format!(
            "remove one of the labelled entries; {others} more step(s) take part in cycles with these: {}",
            component
                .iter()
                .filter(|n| !path.contains(n))
                .map(|n| format!("`{}`", graph[*n].id))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        Code::DependencyCycle.info().fix.to_owned()
    };
    diagnostic.with_help(help)
}

/// The shortest path start → … → start inside the component (breadth first,
/// neighbours in file order, so the report is deterministic).
fn shortest_cycle(
    graph: &DiGraph<Node, Edge>,
    members: &BTreeSet<NodeIndex>,
    start: NodeIndex,
) -> Vec<NodeIndex> {
    let mut parent = vec![None; graph.node_count()];
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        let mut next: Vec<NodeIndex> = graph
            .neighbors(node)
            .filter(|n| members.contains(n))
            .collect();
        next.sort_unstable();
        for neighbour in next {
            if neighbour == start {
                let mut path = vec![node];
                let mut at = node;
                while let Some(previous) = parent[at.index()] {
                    path.push(previous);
                    at = previous;
                }
                path.reverse();
                return path;
            }
            if parent[neighbour.index()].is_none() && neighbour != start {
                parent[neighbour.index()] = Some(node);
                queue.push_back(neighbour);
            }
        }
    }
    unreachable!("invariant: every node of a strongly connected component lies on a cycle")
}
