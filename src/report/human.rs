//! Diagnostics for people, drawn by miette: the YAML line, a label under the
//! offending node, the help line and the docs link.

use crate::diagnostic::{Diagnostic, FileDiagnostics, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::sync::Arc;

/// How to draw.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use colour.
    pub color: bool,
    /// Wrap at this width.
    pub width: usize,
}

impl Style {
    /// No colour, 100 columns: what snapshot tests and pipes get.
    pub fn plain() -> Self {
        Style {
            color: false,
            width: 100,
        }
    }
}

struct View<'a> {
    diagnostic: &'a Diagnostic,
    /// Absent when the marked lines are too long to draw (a minified JSON plan).
    source: Option<NamedSource<Arc<str>>>,
}

/// Lines longer than this are not drawn: the location is printed instead.
const MAX_DRAWN_LINE: usize = 300;

fn drawable(text: &str, diagnostic: &Diagnostic) -> bool {
    diagnostic
        .labels
        .iter()
        .filter_map(|l| l.span.clone())
        .all(|span| {
            let start = text[..span.start.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let end = text[span.end.min(text.len())..]
                .find('\n')
                .map_or(text.len(), |i| span.end + i);
            text[start..end]
                .lines()
                .all(|line| line.len() <= MAX_DRAWN_LINE)
        })
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.id()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.docs_link()))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let labels: Vec<LabeledSpan> = self
            .diagnostic
            .labels
            .iter()
            .enumerate()
            .filter_map(|(index, label)| {
                let span = label.span.clone()?;
                let span = (span.start, span.end - span.start);
                Some(if index == 0 {
                    LabeledSpan::new_primary_with_span(label.text.clone(), span)
                } else {
                    LabeledSpan::new_with_span(label.text.clone(), span)
                })
            })
            .collect();
        (!labels.is_empty())
            .then(|| Box::new(labels.into_iter()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// Renders every diagnostic of a file, then a one-line summary.
pub fn render(report: &FileDiagnostics, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .without_syntax_highlighting();
    let source = NamedSource::new(report.source.name(), report.source.shared_text());
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        let drawn = drawable(report.source.text(), diagnostic);
        let view = View {
            diagnostic,
            source: drawn.then(|| source.clone()),
        };
        if handler.render_report(&mut out, &view).is_err() {
            out.push_str(&format!(
                "{}: {}\n",
                diagnostic.code.id(),
                diagnostic.message
            ));
        }
        match diagnostic.primary_span() {
            Some(span) if !drawn => {
                let (line, column) = report.source.line_col(span.start);
                out.push_str(&format!("  at {}:{line}:{column}\n", report.source.name()));
            }
            None => out.push_str(&format!("  in {}\n", report.source.name())),
            Some(_) => {}
        }
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// `plans/x.yaml: 2 errors, 1 warning` or `plans/x.yaml: ok`.
pub fn summary(report: &FileDiagnostics) -> String {
    let (errors, warnings) = (report.errors(), report.warnings());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => format!("{}: ok", report.source.name()),
        (0, w) => format!("{}: ok, {}", report.source.name(), plural(w, "warning")),
        (e, 0) => format!("{}: {}", report.source.name(), plural(e, "error")),
        (e, w) => format!(
            "{}: {}, {}",
            report.source.name(),
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}
