//! `--format json`: a flat, stable array of diagnostics with line and column
//! (miette's own JSON gives byte offsets only). Documented in `docs/diagnostics.md`.

use super::Position;
use crate::diagnostic::{Diagnostic, FileDiagnostics};
use crate::source::SourceFile;
use serde_json::{Value, json};

/// The other places a diagnostic marks: the first definition of a duplicate,
/// the other edges of a cycle.
fn related(diagnostic: &Diagnostic, source: &SourceFile) -> Vec<Value> {
    diagnostic
        .labels
        .iter()
        .skip(1)
        .filter_map(|label| {
            let span = label.span.clone()?;
            let (line, column) = source.line_col(span.start);
            let (end_line, end_column) = source.line_col(span.end);
            Some(json!({
                "line": line,
                "column": column,
                "endLine": end_line,
                "endColumn": end_column,
                "message": label.text,
            }))
        })
        .collect()
}

/// The JSON array of the diagnostics of all files, in file order.
pub fn render(reports: &[FileDiagnostics]) -> String {
    let items: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            report.diagnostics.iter().map(move |d| {
                let position = Position::of(d, &report.source);
                let mut item = json!({
                    "code": d.code.id(),
                    "severity": d.severity.as_str(),
                    "message": d.message,
                    "file": report.source.name(),
                    "line": position.map(|p| p.line),
                    "column": position.map(|p| p.column),
                    "endLine": position.map(|p| p.end_line),
                    "endColumn": position.map(|p| p.end_column),
                    "pointer": d.pointer,
                    "help": d.help,
                    "related": related(d, &report.source),
                });
                if let Some(rule) = d.code.rule() {
                    item["rule"] = json!(rule.rule);
                    item["link"] = json!(rule.link);
                }
                item
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Array(items))
        .expect("invariant: JSON values serialise");
    text.push('\n');
    text
}
