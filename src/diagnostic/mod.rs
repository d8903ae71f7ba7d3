//! The one diagnostic type of restoreplan. Every stage reports problems as
//! [`Diagnostic`]s that point into the plan by JSON pointer; [`Diagnostic::locate`]
//! turns the pointers into source spans once, so every renderer draws the same
//! YAML line.

mod codes;

pub use codes::{CATALOGUE, Code, CodeInfo, RuleInfo};

use crate::source::{Document, SourceFile};
use std::ops::Range;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The plan cannot be used.
    Error,
    /// The plan works, but probably not as intended.
    Warning,
}

impl Severity {
    /// The lower-case name used in machine formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What part of the document a label is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The value at a JSON pointer (for a collection, its key line is drawn).
    Value(String),
    /// The key of the object member at a JSON pointer.
    Key(String),
    /// A raw byte range, for problems found before there is a tree.
    Bytes(Range<usize>),
}

/// A marked place in the source with an optional note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// What the label is about.
    pub anchor: Anchor,
    /// The text drawn under the marked source.
    pub text: Option<String>,
    /// The byte range, filled in by [`Diagnostic::locate`].
    pub span: Option<Range<usize>>,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// How bad it is.
    pub severity: Severity,
    /// One sentence naming the facts.
    pub message: String,
    /// The JSON pointer of the node the diagnostic is about, if any.
    pub pointer: Option<String>,
    /// The marked places; the first is the primary one.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity and no labels yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            pointer: None,
            labels: Vec::new(),
            help: None,
        }
    }

    /// Points the diagnostic at the value under `pointer`, with a label text.
    pub fn at(mut self, pointer: &str, text: impl Into<String>) -> Self {
        if self.pointer.is_none() {
            self.pointer = Some(pointer.to_owned());
        }
        self.labels
            .push(Label::new(Anchor::Value(pointer.to_owned()), text));
        self
    }

    /// Points the diagnostic at the key of the member under `pointer`.
    pub fn at_key(mut self, pointer: &str, text: impl Into<String>) -> Self {
        if self.pointer.is_none() {
            self.pointer = Some(pointer.to_owned());
        }
        self.labels
            .push(Label::new(Anchor::Key(pointer.to_owned()), text));
        self
    }

    /// Points the diagnostic at raw bytes of the source.
    pub fn at_bytes(mut self, range: Range<usize>, text: impl Into<String>) -> Self {
        self.labels.push(Label::new(Anchor::Bytes(range), text));
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Is this an error (rather than a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Fills in the byte span of every label from the span index.
    pub fn locate(&mut self, source: &SourceFile, document: Option<&Document>) {
        for label in &mut self.labels {
            label.span = match &label.anchor {
                Anchor::Bytes(range) => Some(range.clone()),
                Anchor::Value(pointer) => document.and_then(|d| d.label_span(source, pointer)),
                Anchor::Key(pointer) => document.and_then(|d| {
                    d.key_span(pointer)
                        .or_else(|| d.label_span(source, pointer))
                }),
            };
        }
    }

    /// The primary byte span, if the diagnostic has been located.
    pub fn primary_span(&self) -> Option<Range<usize>> {
        self.labels.iter().find_map(|label| label.span.clone())
    }
}

impl Label {
    fn new(anchor: Anchor, text: impl Into<String>) -> Self {
        let text = text.into();
        Label {
            anchor,
            text: (!text.is_empty()).then_some(text),
            span: None,
        }
    }
}

/// The diagnostics of one file, located and sorted by position.
#[derive(Debug, Clone)]
pub struct FileDiagnostics {
    /// The file they are about.
    pub source: SourceFile,
    /// The diagnostics, sorted by position, then code.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileDiagnostics {
    /// Locates every diagnostic against the span index and sorts them.
    pub fn new(
        source: SourceFile,
        document: Option<&Document>,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Self {
        for diagnostic in &mut diagnostics {
            diagnostic.locate(&source, document);
        }
        diagnostics.sort_by(|a, b| {
            let start = |d: &Diagnostic| d.primary_span().map_or(usize::MAX, |s| s.start);
            start(a)
                .cmp(&start(b))
                .then(a.code.cmp(&b.code))
                .then_with(|| a.message.cmp(&b.message))
        });
        diagnostics.dedup();
        FileDiagnostics {
            source,
            diagnostics,
        }
    }

    /// The number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}
