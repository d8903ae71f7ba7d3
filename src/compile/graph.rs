//! The restore graph: built edge by edge, then sealed. Only a sealed graph,
//! proven acyclic, has a topological order and waves; everything downstream
//! (dry run, scheduler, renderers) may rely on both.

use super::cycles::find_cycles;
use super::resolve::ResolvedRestore;
use crate::diagnostic::Diagnostic;
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

/// One node of the graph: a step (later issues expand some steps into several nodes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The node id (the step id).
    pub id: String,
    /// The index of the step in the plan's `steps`.
    pub step_index: usize,
    /// The step kind's name.
    pub kind: &'static str,
    /// The VM or selection a restore is about, for people.
    pub subject: Option<String>,
    /// The resolved settings of a restore step.
    pub restore: Option<ResolvedRestore>,
    /// Whether the step is optional.
    pub optional: bool,
    /// The source VM and the scenario, once expanded against an inventory.
    pub vm: Option<super::expand::SourceVm>,
}

/// Why one node depends on another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeReason {
    /// A `dependsOn` entry.
    DependsOn,
    /// A `${{ steps.<id>.outputs.<output> }}` reference.
    Reference {
        /// The output used.
        output: String,
    },
    /// One phase of an expanded restore waits for the one before it.
    Phase,
}

/// An edge from a dependent node to the node it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The dependent node.
    pub from: usize,
    /// The node it needs.
    pub to: usize,
    /// Why.
    pub reason: EdgeReason,
    /// The JSON pointer of the entry that made the edge.
    pub pointer: String,
}

/// A graph still being built; it may contain cycles.
pub(crate) struct Building {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Building {
    /// Collects nodes and edges; duplicate edges between the same pair keep the first reason.
    pub(crate) fn new(nodes: Vec<Node>, edges: Vec<Edge>) -> Self {
        let mut seen = BTreeSet::new();
        let edges = edges
            .into_iter()
            .filter(|edge| seen.insert((edge.from, edge.to)))
            .collect();
        Building { nodes, edges }
    }

    /// Proves the graph acyclic and computes its order and waves, or reports every cycle.
    pub(crate) fn seal(self) -> Result<RestoreGraph, Vec<Diagnostic>> {
        let mut graph: DiGraph<Node, Edge> =
            DiGraph::with_capacity(self.nodes.len(), self.edges.len());
        for node in self.nodes {
            graph.add_node(node);
        }
        for edge in self.edges {
            graph.add_edge(NodeIndex::new(edge.from), NodeIndex::new(edge.to), edge);
        }
        let cycles = find_cycles(&graph);
        if !cycles.is_empty() {
            return Err(cycles);
        }
        let order = dependencies_first(&graph);
        let mut waves = vec![0; graph.node_count()];
        for &node in &order {
            waves[node.index()] = graph
                .neighbors(node)
                .map(|dependency| waves[dependency.index()] + 1)
                .max()
                .unwrap_or(0);
        }
        Ok(RestoreGraph {
            graph,
            order,
            waves,
        })
    }
}

/// Kahn's algorithm, taking the lowest file position first among ready
/// nodes, so the order is stable across runs and machines (petgraph's
/// `toposort` is correct but its tie-breaking is not part of its contract).
fn dependencies_first(graph: &DiGraph<Node, Edge>) -> Vec<NodeIndex> {
    let mut waiting: Vec<usize> = graph
        .node_indices()
        .map(|n| graph.neighbors(n).count())
        .collect();
    let mut ready: BinaryHeap<Reverse<usize>> = waiting
        .iter()
        .enumerate()
        .filter(|(_, count)| **count == 0)
        .map(|(index, _)| Reverse(index))
        .collect();
    let mut order = Vec::with_capacity(graph.node_count());
    while let Some(Reverse(index)) = ready.pop() {
        let node = NodeIndex::new(index);
        order.push(node);
        for dependent in graph.neighbors_directed(node, petgraph::Direction::Incoming) {
            waiting[dependent.index()] -= 1;
            if waiting[dependent.index()] == 0 {
                ready.push(Reverse(dependent.index()));
            }
        }
    }
    order
}

/// A sealed, acyclic restore graph.
#[derive(Debug, Clone)]
pub struct RestoreGraph {
    graph: DiGraph<Node, Edge>,
    order: Vec<NodeIndex>,
    waves: Vec<usize>,
}

impl RestoreGraph {
    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The number of waves (longest dependency chain, in nodes).
    pub fn wave_count(&self) -> usize {
        self.waves.iter().max().map_or(0, |w| w + 1)
    }

    /// The nodes in file order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.graph.node_weights()
    }

    /// The node at an index (file order).
    pub fn node(&self, index: usize) -> &Node {
        &self.graph[NodeIndex::new(index)]
    }

    /// Node indices with every node after all it depends on.
    pub fn topological_order(&self) -> impl Iterator<Item = usize> + '_ {
        self.order.iter().map(|n| n.index())
    }

    /// The wave of a node: 0 without dependencies, else one more than its latest dependency.
    pub fn wave(&self, index: usize) -> usize {
        self.waves[index]
    }

    /// The edges, each from a dependent to what it needs, in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = &Edge> {
        self.graph.edge_weights()
    }

    /// The nodes a node depends on, in file order.
    pub fn dependencies(&self, index: usize) -> Vec<usize> {
        let mut deps: Vec<usize> = self
            .graph
            .neighbors(NodeIndex::new(index))
            .map(|n| n.index())
            .collect();
        deps.sort_unstable();
        deps
    }
}
