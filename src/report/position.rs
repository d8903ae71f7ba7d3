//! Line and column of a diagnostic's primary span, shared by the machine formats.

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// 1-based start and end (exclusive) line and column, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Start line.
    pub line: usize,
    /// Start column.
    pub column: usize,
    /// End line.
    pub end_line: usize,
    /// End column (exclusive).
    pub end_column: usize,
}

impl Position {
    /// The position of a diagnostic's primary span, if it has one.
    pub fn of(diagnostic: &Diagnostic, source: &SourceFile) -> Option<Position> {
        let span = diagnostic.primary_span()?;
        let (line, column) = source.line_col(span.start);
        let (end_line, end_column) = source.line_col(span.end.max(span.start));
        Some(Position {
            line,
            column,
            end_line,
            end_column,
        })
    }
}
