//! The span index: JSON pointer → where the node (and its key) is written.
//! Pointers follow RFC 6901, so schema errors and compile errors, which both
//! speak in pointers, find their YAML line here.

use super::SourceFile;
use std::collections::HashMap;
use std::ops::Range;

/// Where one node is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpan {
    /// The key of the member, for nodes that are object members.
    pub key: Option<Range<u32>>,
    /// The value.
    pub value: Range<u32>,
}

/// JSON pointer → [`NodeSpan`] for every node of a document.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    // aHash rather than SipHash: hashing was a tenth of the load, and aHash
    // is randomly keyed too, so keys written to collide cannot slow it down.
    nodes: HashMap<Box<str>, NodeSpan, ahash::RandomState>,
}

/// Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

fn to_range(range: &Range<u32>) -> Range<usize> {
    range.start as usize..range.end as usize
}

impl SpanIndex {
    /// Records where the node at `pointer` is written.
    pub fn insert(&mut self, pointer: String, key: Option<Range<usize>>, value: Range<usize>) {
        // The loader refuses files over 16 MiB, so every offset fits in u32.
        let narrow = |r: Range<usize>| r.start as u32..r.end as u32;
        self.nodes.insert(
            pointer.into_boxed_str(),
            NodeSpan {
                key: key.map(narrow),
                value: narrow(value),
            },
        );
    }

    /// The spans of the node at `pointer`, if it is written in the file.
    pub fn get(&self, pointer: &str) -> Option<&NodeSpan> {
        self.nodes.get(pointer)
    }

    /// The span of the key of the member at `pointer`, else its label span.
    pub fn key_span(&self, pointer: &str) -> Option<Range<usize>> {
        match self.get(pointer) {
            Some(NodeSpan { key: Some(key), .. }) => Some(to_range(key)),
            _ => None,
        }
    }

    /// The best span to draw for the node at `pointer`: the value when it
    /// fits on one line, else the member's key, else the value's first line.
    /// A pointer to a node that is not written (a missing property) falls
    /// back to its nearest written ancestor.
    pub fn label_span(&self, source: &SourceFile, pointer: &str) -> Option<Range<usize>> {
        let mut pointer = pointer;
        loop {
            if let Some(node) = self.get(pointer) {
                return Some(best_span(source.text(), node));
            }
            let cut = pointer.rfind('/')?;
            pointer = &pointer[..cut];
        }
    }
}

fn best_span(text: &str, node: &NodeSpan) -> Range<usize> {
    let value = to_range(&node.value);
    let written = text.get(value.clone()).unwrap_or_default();
    let trimmed = written.trim_end();
    if !trimmed.contains('\n') {
        return value.start..value.start + trimmed.len();
    }
    if let Some(key) = &node.key {
        return to_range(key);
    }
    let first_line = trimmed.find('\n').unwrap_or(trimmed.len());
    value.start..value.start + first_line
}
