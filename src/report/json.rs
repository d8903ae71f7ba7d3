//! `--format json`: a flat, stable array of diagnostics with line and column
//! (miette's own JSON gives byte offsets only). Documented in `docs/diagnostics.md`.

use super::Position;
use crate::diagnostic::FileDiagnostics;
use serde_json::{Value, json};

/// The JSON array of the diagnostics of all files, in file order.
pub fn render(reports: &[FileDiagnostics]) -> String {
    let items: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            report.diagnostics.iter().map(move |d| {
                let position = Position::of(d, &report.source);
                json!({
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
                })
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Array(items))
        .expect("invariant: JSON values serialise");
    text.push('\n');
    text
}
