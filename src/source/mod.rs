//! Reading plans and inventories: bytes → [`SourceFile`] → [`Document`], a JSON
//! value plus an index from JSON pointer to byte span, built in one YAML parse.
//! Every hostile-input limit lives here, so later stages may trust the tree.

mod file;
mod scalar;
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

/// Parses the text of a source file into a [`Document`], or the diagnostics
/// that explain why it is not one.
pub fn parse(source: &SourceFile) -> Result<Document, Vec<Diagnostic>> {
    yaml::parse(source.text())
}
