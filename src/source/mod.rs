//! Reading plans and inventories: bytes → [`SourceFile`] → [`Document`], a JSON
//! value plus an index from JSON pointer to byte span, built in one YAML parse.
//! Every hostile-input limit lives here, so later stages may trust the tree.
//! A file that only needs its value when it is clean (an inventory) is read
//! without the index, on several cores, by [`parse_value`].

mod file;
mod scalar;
mod sections;
mod spans;
mod yaml;

pub use file::{MAX_FILE_BYTES, SourceFile};
pub use spans::{NodeSpan, SpanIndex, escape_pointer_token};
pub use yaml::{MAX_ALIAS_NODES, MAX_DEPTH, MAX_NODES};

use crate::diagnostic::Diagnostic;
use serde_json::Value;

/// A parsed YAML document: the value and where each of its nodes is written.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as a JSON value (YAML 1.2 core schema).
    pub value: Value,
    /// JSON pointer → source spans of every node.
    pub spans: SpanIndex,
}

impl Document {
    /// The span of the key of the member at `pointer`.
    pub fn key_span(&self, pointer: &str) -> Option<std::ops::Range<usize>> {
        self.spans.key_span(&self.value, pointer)
    }

    /// The span to draw for the node at `pointer` (see [`SpanIndex::label_span`]).
    pub fn label_span(&self, source: &SourceFile, pointer: &str) -> Option<std::ops::Range<usize>> {
        self.spans.label_span(source, &self.value, pointer)
    }

    /// The spans of the node at `pointer`, if it is written in the file.
    pub fn node_span(&self, pointer: &str) -> Option<&NodeSpan> {
        self.spans.get(&self.value, pointer)
    }
}

/// Parses the text of a source file into a [`Document`], or the diagnostics
/// that explain why it is not one.
pub fn parse(source: &SourceFile) -> Result<Document, Vec<Diagnostic>> {
    yaml::parse(source.text())
}

/// The value of a source file's document when it has no problem at all: read
/// without a span index, in sections on several cores when it is large.
/// `None` when it has a problem, which [`parse`] then locates and explains.
pub fn parse_value(source: &SourceFile) -> Option<Value> {
    sections::parse_value(source.text())
}
