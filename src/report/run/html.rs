//! `report.html`: one self-contained page (no script, no external file) with
//! the run's summary and an SVG timeline: a bar per step coloured by outcome,
//! the estimated critical path outlined, and the RTO drawn as a line.

use super::{RunReport, StepStatus, human_seconds};
use std::fmt::Write;

const ROW: i64 = 22;
const LABEL: i64 = 260;
const CHART: i64 = 760;

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn colour(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Succeeded => "#2e7d32",
        StepStatus::Failed => "#c62828",
        StepStatus::Skipped => "#9e9e9e",
        StepStatus::InFlight => "#f9a825",
        StepStatus::NotRun => "#e0e0e0",
    }
}

fn timeline(report: &RunReport) -> String {
    let Some(start) = report.started else {
        return "<p>The run has not started.</p>".into();
    };
    let end = report
        .steps
        .iter()
        .filter_map(|s| s.finished)
        .chain(report.finished)
        .max()
        .unwrap_or(start);
    let rto_end = report.rto_seconds.unwrap_or(0) as i64;
    let span = end.duration_since(start).as_secs().max(rto_end).max(1);
    let x = |seconds: i64| LABEL + seconds.clamp(0, span) * CHART / span;
    let height = ROW * (report.steps.len() as i64 + 2);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{height}" viewBox="0 0 {} {height}" role="img" aria-label="Timeline of the run">"#,
        LABEL + CHART + 20,
        LABEL + CHART + 20
    );
    for (row, step) in report.steps.iter().enumerate() {
        let y = ROW * (row as i64 + 1);
        let _ = write!(
            svg,
            r#"<text x="4" y="{}" class="label">{}</text>"#,
            y + 15,
            escape(&step.id)
        );
        let (Some(a), b) = (step.started, step.finished.or(report.finished)) else {
            continue;
        };
        let from = x(a.duration_since(start).as_secs());
        let to = x(b.unwrap_or(end).duration_since(start).as_secs()).max(from + 2);
        let outline = if step.critical {
            r##" stroke="#1a237e" stroke-width="2""##
        } else {
            ""
        };
        let _ = write!(
            svg,
            r#"<rect x="{from}" y="{}" width="{}" height="{}" rx="3" fill="{}"{outline}><title>{} — {:?}</title></rect>"#,
            y + 3,
            to - from,
            ROW - 6,
            colour(step.status),
            escape(&step.id),
            step.status
        );
    }
    if let Some(rto) = report.rto_seconds {
        let at = x(rto as i64);
        let _ = write!(
            svg,
            // The label ends at the line: the RTO is often the chart's right edge.
            r##"<line x1="{at}" y1="4" x2="{at}" y2="{height}" stroke="#6a1b9a" stroke-dasharray="6 4" stroke-width="2"/><text x="{}" y="14" text-anchor="end" class="rto">RTO {}</text>"##,
            at - 4,
            human_seconds(rto as i64)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The report as a self-contained HTML page.
pub fn html(report: &RunReport) -> String {
    let recovery = report
        .recovery_seconds
        .map_or("—".to_string(), human_seconds);
    let rto = match (report.rto_seconds, report.rto_met) {
        (Some(rto), Some(met)) => format!(
            "{} the RTO of {}",
            if met { "within" } else { "over" },
            human_seconds(rto as i64)
        ),
        _ => "no RTO set".into(),
    };
    let mut rows = String::new();
    for step in &report.steps {
        let failure = step
            .failure
            .as_ref()
            .filter(|_| step.status == StepStatus::Failed)
            .map(|f| format!("{}: {}", f.code, f.message))
            .or_else(|| step.skipped_because.clone())
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"s-{:?}\">{:?}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&step.id),
            escape(&step.kind),
            escape(step.vm.as_deref().unwrap_or("")),
            step.status,
            step.status,
            step.attempts,
            escape(step.job_id.as_deref().unwrap_or("")),
            escape(&failure)
        );
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Restore run {run} of {plan}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #212121; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #ddd; padding: 4px 8px; text-align: left; }}
.label {{ font: 12px monospace; }}
.rto {{ font: 12px sans-serif; fill: #6a1b9a; }}
.s-Failed {{ color: #c62828; font-weight: bold; }}
.s-Succeeded {{ color: #2e7d32; }}
</style>
</head>
<body>
<h1>Restore run <code>{run}</code> of <code>{plan}</code>: {outcome}</h1>
<p>Recovery time <strong>{recovery}</strong>, {rto}; estimated {estimate}. Plan hash <code>{hash}</code>.</p>
<h2>Timeline</h2>
{timeline}
<h2>Steps</h2>
<table>
<thead><tr><th>Step</th><th>Kind</th><th>VM</th><th>Outcome</th><th>Attempts</th><th>Azure job</th><th>Failure or reason</th></tr></thead>
<tbody>{rows}</tbody>
</table>
</body>
</html>
"#,
        run = escape(&report.run_id),
        plan = escape(&report.plan),
        outcome = escape(&report.outcome),
        estimate = human_seconds(report.estimate_seconds as i64),
        hash = escape(&report.plan_hash),
        timeline = timeline(report),
    )
}
