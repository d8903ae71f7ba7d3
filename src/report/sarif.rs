//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, one rule per
//! diagnostic code (from the catalogue) and one result per diagnostic.

use super::Position;
use crate::diagnostic::{CATALOGUE, Code, CodeInfo, FileDiagnostics, Severity};
use serde_json::{Value, json};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Percent-encodes a path into a relative URI reference.
fn uri_of(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        let c = byte as char;
        if c.is_ascii_alphanumeric() || "-._~/".contains(c) {
            uri.push(c);
        } else if c == '\\' {
            uri.push('/');
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn region(position: Position) -> Value {
    json!({
        "startLine": position.line,
        "startColumn": position.column,
        "endLine": position.end_line,
        "endColumn": position.end_column.max(if position.end_line == position.line { position.column } else { 1 }),
    })
}

/// The SARIF log of the diagnostics of all files.
pub fn render(reports: &[FileDiagnostics]) -> String {
    // Every code restoreplan can report: the plan language's, then the dry run's rules.
    let mut infos: Vec<CodeInfo> = CATALOGUE.to_vec();
    infos.extend(
        crate::check::rules::catalogue()
            .into_iter()
            .map(|rule| Code::Rule(rule).info()),
    );
    // A code missing from the lists above would be a defect, but never a reason to lose a result.
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        if !infos.iter().any(|info| info.code == d.code) {
            infos.push(d.code.info());
        }
    }
    let rules: Vec<Value> = infos
        .iter()
        .map(|info| {
            let mut rule = json!({
                "id": info.id,
                "name": info.name,
                "shortDescription": { "text": info.summary },
                "fullDescription": { "text": info.summary },
                "help": {
                    "text": info.fix,
                    "markdown": format!("{}\n\n**Fix:** {}\n\nSee `{}`.", info.summary, info.fix, info.code.docs_link()),
                },
                "defaultConfiguration": { "level": level(info.severity) },
            });
            if let Some(link) = info.code.rule().map(|r| r.link) {
                rule["helpUri"] = json!(link);
            }
            rule
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let uri = uri_of(report.source.name());
        for d in &report.diagnostics {
            let rule_index = infos
                .iter()
                .position(|info| info.code == d.code)
                .unwrap_or_else(|| {
                    panic!("invariant: every code is in the rule list: {}", d.code.id())
                });
            let mut physical = json!({ "artifactLocation": { "uri": uri } });
            if let Some(position) = Position::of(d, &report.source) {
                physical["region"] = region(position);
            }
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let related: Vec<Value> = d
                .labels
                .iter()
                .skip(1)
                .filter_map(|label| {
                    let span = label.span.clone()?;
                    let (line, column) = report.source.line_col(span.start);
                    let (end_line, end_column) = report.source.line_col(span.end);
                    Some(json!({
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri },
                            "region": region(Position { line, column, end_line, end_column }),
                        },
                        "message": { "text": label.text.clone().unwrap_or_else(|| d.message.clone()) },
                    }))
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.id(),
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [ { "physicalLocation": physical } ],
            });
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            if let Some(pointer) = &d.pointer {
                result["properties"] = json!({ "pointer": pointer });
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "restoreplan",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("invariant: JSON values serialise");
    text.push('\n');
    text
}
