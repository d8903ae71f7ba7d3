//! `--format github`: GitHub Actions workflow commands, so a pull request
//! shows each diagnostic on the changed line.

use super::Position;
use crate::diagnostic::{FileDiagnostics, Severity};

/// Escapes the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error …::message` line per diagnostic.
pub fn render(reports: &[FileDiagnostics]) -> String {
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut properties = vec![format!("file={}", escape_property(report.source.name()))];
            if let Some(p) = Position::of(d, &report.source) {
                properties.push(format!("line={}", p.line));
                properties.push(format!("col={}", p.column));
                properties.push(format!("endLine={}", p.end_line));
                properties.push(format!("endColumn={}", p.end_column));
            }
            properties.push(format!("title={}", escape_property(d.code.id())));
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                escape_data(&message)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
