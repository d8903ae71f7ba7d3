//! `report.md`: the run for a pull request or a ticket.

use super::{RunReport, StepStatus, human_seconds};
use std::fmt::Write;

fn cell(text: &str) -> String {
    // Azure's messages are data: no pipe may break the table, no tag may render.
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

fn status_mark(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Succeeded => "✅ succeeded",
        StepStatus::Failed => "❌ failed",
        StepStatus::Skipped => "⏭️ skipped",
        StepStatus::InFlight => "⏳ in flight",
        StepStatus::NotRun => "· not run",
    }
}

/// The report as Markdown; `mermaid` is the plan's graph, drawn at the end when given.
pub fn markdown(report: &RunReport, mermaid: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Restore run `{}` of `{}`: {}\n",
        cell(&report.run_id),
        cell(&report.plan),
        report.outcome
    );
    let recovery = report
        .recovery_seconds
        .map_or("—".to_string(), human_seconds);
    let objective = match (report.rto_seconds, report.rto_met) {
        (Some(rto), Some(true)) => format!(" — within the RTO of {}", human_seconds(rto as i64)),
        (Some(rto), Some(false)) => format!(" — **over the RTO of {}**", human_seconds(rto as i64)),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "- Recovery time: **{recovery}**{objective} (estimated {})",
        human_seconds(report.estimate_seconds as i64)
    );
    let counts: Vec<String> = report
        .counts
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    let _ = writeln!(out, "- Steps: {}", counts.join(", "));
    if let Some(started) = report.started {
        let _ = writeln!(out, "- Started: {started}");
    }
    let _ = writeln!(out, "- Plan hash: `{}`\n", cell(&report.plan_hash));
    out.push_str(
        "| Step | Kind | VM | Outcome | Took | Attempts | Azure job | Recovery point age |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for step in &report.steps {
        let took = match (step.started, step.finished) {
            (Some(a), Some(b)) => human_seconds(b.duration_since(a).as_secs()),
            _ => "—".into(),
        };
        let age = match (step.recovery_point_age_seconds, step.within_rpo) {
            (Some(age), Some(false)) => format!("**{}** (over the RPO)", human_seconds(age)),
            (Some(age), _) => human_seconds(age),
            _ => "—".into(),
        };
        let critical = if step.critical { " ⚑" } else { "" };
        let _ = writeln!(
            out,
            "| `{}`{critical} | {} | {} | {} | {took} | {} | {} | {age} |",
            cell(&step.id),
            step.kind,
            cell(step.vm.as_deref().unwrap_or("—")),
            status_mark(step.status),
            step.attempts,
            step.job_id
                .as_deref()
                .map_or("—".into(), |j| format!("`{}`", cell(j))),
        );
    }
    out.push_str("\n⚑ on the estimated critical path\n");
    let failures: Vec<_> = report
        .steps
        .iter()
        .filter_map(|s| {
            s.failure
                .as_ref()
                .filter(|_| s.status == StepStatus::Failed)
                .map(|f| (s, f))
        })
        .collect();
    if !failures.is_empty() {
        out.push_str("\n### Failures\n\n");
        for (step, failure) in failures {
            let _ = writeln!(
                out,
                "- `{}`: **{}** {}",
                cell(&step.id),
                cell(&failure.code),
                cell(&failure.message)
            );
        }
    }
    let skipped: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Skipped)
        .collect();
    if !skipped.is_empty() {
        out.push_str("\n### Skipped\n\n");
        for step in skipped {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                cell(&step.id),
                cell(step.skipped_because.as_deref().unwrap_or(""))
            );
        }
    }
    if let Some(graph) = mermaid {
        let _ = write!(out, "\n### Graph\n\n```mermaid\n{graph}```\n");
    }
    out
}
