//! The dry run for people and pull requests: the summary (steps, nodes,
//! waves, estimate against the RTO, oldest point against the RPO), the node
//! table, the critical path, and for `markdown` the findings and a Mermaid
//! graph, as a pull-request comment.

use crate::check::resolved::Resolved;
use crate::diagnostic::FileDiagnostics;
use crate::model::Duration;
use std::fmt::Write;

fn seconds(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The summary lines.
pub fn summary(resolved: &Resolved) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "plan `{}`: {} steps, {} nodes, {} waves",
        resolved.plan,
        resolved.steps,
        resolved.nodes.len(),
        resolved.waves
    );
    let rto = match resolved.rto_seconds {
        Some(rto) if resolved.estimate_seconds > rto => {
            format!(" — over the RTO of {}", seconds(rto))
        }
        Some(rto) => format!(" (RTO {})", seconds(rto)),
        None => " (no RTO set)".to_owned(),
    };
    let _ = writeln!(
        out,
        "estimated recovery time: {}{rto}",
        seconds(resolved.estimate_seconds)
    );
    if let Some(oldest) = resolved.oldest_recovery_point {
        let age = resolved
            .at
            .duration_since(oldest)
            .as_secs()
            .max(0)
            .unsigned_abs();
        let rpo = resolved
            .rpo_seconds
            .map_or(" (no RPO set)".to_owned(), |rpo| {
                format!(" (RPO {})", seconds(rpo))
            });
        let _ = writeln!(
            out,
            "oldest recovery point: {oldest}, {} old at {}{rpo}",
            seconds(age),
            resolved.at
        );
    }
    let _ = writeln!(out, "critical path: {}", resolved.critical_path.join(" → "));
    out
}

/// One row per node: id, VM, mode, source → target region, pinned point, estimate, wave.
fn rows(resolved: &Resolved) -> Vec<[String; 7]> {
    resolved
        .nodes
        .iter()
        .map(|node| {
            let regions = match (&node.source_region, &node.target_region) {
                (Some(from), Some(to)) if from == to => from.clone(),
                (Some(from), Some(to)) => format!("{from} → {to}"),
                _ => String::new(),
            };
            let point = node
                .recovery_point
                .as_ref()
                .map(|p| {
                    format!(
                        "{} {}{}",
                        p.time,
                        p.tier,
                        if p.rehydrate { " (rehydrate)" } else { "" }
                    )
                })
                .unwrap_or_default();
            [
                node.id.clone(),
                node.vm.clone().unwrap_or_default(),
                node.mode.clone().unwrap_or_else(|| node.kind.clone()),
                regions,
                point,
                seconds(node.estimate_seconds).to_string(),
                node.wave.to_string(),
            ]
        })
        .collect()
}

const HEADERS: [&str; 7] = [
    "node",
    "vm",
    "mode",
    "region",
    "recovery point",
    "estimate",
    "wave",
];

/// The node table, aligned for a terminal.
pub fn table(resolved: &Resolved) -> String {
    let rows = rows(resolved);
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&HEADERS.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// A pull-request comment: summary, table, findings and the graph.
pub fn markdown(resolved: &Resolved, findings: &FileDiagnostics, mermaid: &str) -> String {
    let mut out = format!("## restoreplan: `{}`\n\n", resolved.plan);
    for line in summary(resolved).lines() {
        let _ = writeln!(out, "- {line}");
    }
    out.push_str("\n| ");
    out.push_str(&HEADERS.join(" | "));
    out.push_str(" |\n|");
    out.push_str(&"---|".repeat(HEADERS.len()));
    out.push('\n');
    for row in rows(resolved) {
        let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let (errors, warnings) = (findings.errors(), findings.warnings());
    let _ = writeln!(
        out,
        "\n### Findings: {errors} errors, {warnings} warnings\n"
    );
    for d in &findings.diagnostics {
        let position = super::Position::of(d, &findings.source)
            .map(|p| format!("{}:{}", findings.source.name(), p.line))
            .unwrap_or_else(|| findings.source.name().to_owned());
        let rule = d
            .code
            .rule()
            .map(|r| format!(" `{}` ([docs]({}))", r.rule, r.link))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- **{} {}**{rule} at `{position}`: {}{}",
            d.severity.as_str(),
            d.code.id(),
            d.message.replace('\n', " "),
            d.help
                .as_ref()
                .map(|h| format!(" — {h}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(out, "\n```mermaid\n{}```", mermaid);
    out
}
