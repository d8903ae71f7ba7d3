//! Diagnostics for people, drawn by miette: the YAML line, a label under the
//! offending node, the help line and the docs link.

use crate::diagnostic::{Diagnostic, FileDiagnostics, Severity};
use crate::source::SourceFile;
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
    source: Option<&'a Windowed>,
}

/// The source as miette reads it, but from a few lines before each span
/// rather than from the top of the file: miette finds lines by scanning, so
/// 600 warnings in a 2 MB plan would read a gigabyte. Line numbers and
/// columns come out exactly as miette's own reading gives them.
struct Windowed {
    file: SourceFile,
    /// The text miette draws (control characters made visible).
    text: Arc<str>,
    named: NamedSource<Arc<str>>,
    /// miette also breaks lines at a lone `\r`; the line table does not.
    lone_cr: bool,
}

impl SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let first_line = self.file.line_index(span.offset());
        let window_line = first_line.saturating_sub(before + 1);
        if self.lone_cr || window_line == 0 {
            return self.named.read_span(span, before, after);
        }
        let base = self.file.line_start(window_line);
        let window: &'a str = self
            .text
            .get(base..)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let inner_span = miette::SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = window.read_span(&inner_span, before, after)?;
        let contents = miette::MietteSpanContents::new_named(
            self.named.name().to_owned(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + window_line,
            inner.column(),
            inner.line_count() + window_line,
        );
        Ok(Box::new(contents))
    }
}

/// Lines longer than this are not drawn: the location is printed instead.
const MAX_DRAWN_LINE: usize = 300;

fn drawable(text: &str, diagnostic: &Diagnostic) -> bool {
    diagnostic
        .labels
        .iter()
        .filter_map(|l| l.span.clone())
        .all(|span| {
            let start = floor_boundary(text, span.start);
            let end = floor_boundary(text, span.end);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            text[line_start..line_end]
                .lines()
                .all(|line| line.len() <= MAX_DRAWN_LINE)
        })
}

/// The largest char boundary at or before `index`.
fn floor_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Replaces what a terminal would interpret rather than show (control
/// characters, bidirectional overrides) by visible characters of the same
/// UTF-8 length, so spans stay valid and a hostile plan cannot rewrite the
/// reader's terminal or hide text.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hostile = |c: char| {
        (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hostile) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            c if !hostile(c) => c,
            c if c.len_utf8() == 1 => '?',
            c if c.len_utf8() == 2 => '\u{00B7}',
            _ => char::REPLACEMENT_CHARACTER,
        })
        .collect::<String>()
        .into()
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(&self.diagnostic.message))
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
            .map(|h| Box::new(printable(h).into_owned()) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.docs_link()))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
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
                let text = label.text.as_deref().map(|t| printable(t).into_owned());
                Some(if index == 0 {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
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
    let mut out = String::new();
    if report.diagnostics.is_empty() {
        out.push_str(&summary(report));
        out.push('\n');
        return out;
    }
    let text: Arc<str> = match printable(report.source.text()) {
        std::borrow::Cow::Borrowed(_) => report.source.shared_text(),
        std::borrow::Cow::Owned(clean) => clean.into(),
    };
    let lone_cr = text
        .match_indices('\r')
        .any(|(i, _)| !text[i + 1..].starts_with('\n'));
    let source = Windowed {
        file: report.source.clone(),
        named: NamedSource::new(printable(report.source.name()), Arc::clone(&text)),
        text,
        lone_cr,
    };
    for diagnostic in &report.diagnostics {
        let drawn = drawable(report.source.text(), diagnostic);
        let view = View {
            diagnostic,
            source: drawn.then_some(&source),
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
