//! The compiled graph as DOT, Mermaid or JSON: nodes labelled with id, kind
//! and VM, ranked by wave; edges drawn from what is needed to what needs it,
//! the direction work flows.

use crate::compile::{EdgeReason, Node, RestoreGraph};
use serde_json::{Value, json};

fn label(node: &Node) -> String {
    match &node.subject {
        Some(subject) => format!("{}\\n{} {}", node.id, node.kind, subject),
        None => format!("{}\\n{}", node.id, node.kind),
    }
}

fn waves(graph: &RestoreGraph) -> Vec<Vec<usize>> {
    let mut waves = vec![Vec::new(); graph.wave_count()];
    for index in 0..graph.node_count() {
        waves[graph.wave(index)].push(index);
    }
    waves
}

/// Graphviz DOT, one `rank=same` subgraph per wave.
pub fn dot(graph: &RestoreGraph, name: &str) -> String {
    let quote = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace("\\\\n", "\\n")
    };
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box];\n",
        quote(name)
    );
    for (wave, members) in waves(graph).iter().enumerate() {
        out.push_str(&format!("  subgraph wave_{wave} {{\n    rank=same;\n"));
        for &index in members {
            let node = graph.node(index);
            let style = if node.optional { ", style=dashed" } else { "" };
            out.push_str(&format!(
                "    \"{}\" [label=\"{}\"{style}];\n",
                quote(&node.id),
                quote(&label(node))
            ));
        }
        out.push_str("  }\n");
    }
    for edge in graph.edges() {
        let from = &graph.node(edge.to).id;
        let to = &graph.node(edge.from).id;
        let style = match edge.reason {
            EdgeReason::DependsOn => String::new(),
            EdgeReason::Phase => " [style=bold]".to_owned(),
            EdgeReason::Reference { ref output } => {
                format!(" [style=dashed, label=\"{}\"]", quote(output))
            }
        };
        out.push_str(&format!(
            "  \"{}\" -> \"{}\"{style};\n",
            quote(from),
            quote(to)
        ));
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart, which GitHub renders in comments and Markdown.
pub fn mermaid(graph: &RestoreGraph) -> String {
    // Mermaid ids must be simple; node ids are `n<index>` and the label carries the step id.
    let text = |s: &str| s.replace('"', "#quot;").replace("\\n", "<br/>");
    let mut out = String::from("flowchart LR\n");
    for (wave, members) in waves(graph).iter().enumerate() {
        out.push_str(&format!("  subgraph wave{wave}[\"wave {wave}\"]\n"));
        for &index in members {
            let node = graph.node(index);
            out.push_str(&format!("    n{index}[\"{}\"]\n", text(&label(node))));
        }
        out.push_str("  end\n");
    }
    for edge in graph.edges() {
        let arrow = match edge.reason {
            EdgeReason::DependsOn => "-->".to_owned(),
            EdgeReason::Phase => "==>".to_owned(),
            EdgeReason::Reference { ref output } => format!("-. {} .->", text(output)),
        };
        out.push_str(&format!("  n{} {arrow} n{}\n", edge.to, edge.from));
    }
    out
}

/// The graph as JSON: nodes in topological order with their wave and dependencies.
pub fn json(graph: &RestoreGraph) -> String {
    let nodes: Vec<Value> = graph
        .topological_order()
        .map(|index| {
            let node = graph.node(index);
            let mut item = json!({
                "id": node.id,
                "kind": node.kind,
                "wave": graph.wave(index),
                "dependsOn": graph.dependencies(index).iter().map(|d| graph.node(*d).id.clone()).collect::<Vec<_>>(),
                "optional": node.optional,
            });
            if let Some(subject) = &node.subject {
                item["vm"] = json!(subject);
            }
            if let Some(vm) = &node.vm {
                item["vmId"] = json!(vm.id);
                item["crossRegion"] = json!(vm.cross_region);
                item["crossSubscription"] = json!(vm.cross_subscription);
                item["crossZone"] = json!(vm.cross_zone);
            }
            if let Some(restore) = &node.restore {
                item["as"] = json!(restore.mode.as_str());
                item["vault"] = json!(restore.vault);
                item["target"] = json!(restore.target);
            }
            item
        })
        .collect();
    let value = json!({
        "nodes": nodes,
        "nodeCount": graph.node_count(),
        "waveCount": graph.wave_count(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("invariant: JSON values serialise");
    text.push('\n');
    text
}
