//! The span index: where every node of a document (and its key) is written,
//! looked up by RFC 6901 JSON pointer, the language schema errors and compile
//! errors both speak. The spans live in one arena laid out like the tree
//! (each collection's children side by side), so loading a document costs
//! a push per node rather than a pointer string and a hash-map insert.

use super::SourceFile;
use serde_json::Value;
use std::ops::Range;

/// Where one node is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpan {
    /// The key of the member, for nodes that are object members.
    pub key: Option<Range<u32>>,
    /// The value.
    pub value: Range<u32>,
    /// The arena slots of the node's children, in document order (empty for
    /// scalars, and for aliases, whose expansion is not written here).
    children: Range<u32>,
}

/// The spans of every node of a document.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    nodes: Vec<NodeSpan>,
    root: Option<u32>,
}

/// Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

fn to_range(range: &Range<u32>) -> Range<usize> {
    range.start as usize..range.end as usize
}

// The loader refuses files over 16 MiB, so every offset fits in u32.
fn narrow(range: Range<usize>) -> Range<u32> {
    range.start as u32..range.end as u32
}

impl NodeSpan {
    /// A node without children yet.
    pub(super) fn new(key: Option<Range<usize>>, value: Range<usize>) -> Self {
        NodeSpan {
            key: key.map(narrow),
            value: narrow(value),
            children: 0..0,
        }
    }
}

impl SpanIndex {
    /// Stores the children of a collection side by side; returns the node
    /// for the collection itself.
    pub(super) fn collection(&mut self, mut node: NodeSpan, children: Vec<NodeSpan>) -> NodeSpan {
        let first = self.nodes.len() as u32;
        self.nodes.extend(children);
        node.children = first..self.nodes.len() as u32;
        node
    }

    /// Stores the root node.
    pub(super) fn set_root(&mut self, node: NodeSpan) {
        self.root = Some(self.nodes.len() as u32);
        self.nodes.push(node);
    }

    /// Walks `pointer` through the document; returns the deepest node
    /// reached and whether it is the node the pointer names.
    fn walk(&self, document: &Value, pointer: &str) -> Option<(&NodeSpan, bool)> {
        let mut node = &self.nodes[self.root? as usize];
        let mut value = document;
        for token in pointer.split('/').skip(1) {
            let token = unescape_pointer_token(token);
            let (index, child) = match value {
                Value::Array(items) => {
                    let Some(index) = token.parse::<usize>().ok().filter(|i| *i < items.len())
                    else {
                        return Some((node, false));
                    };
                    (index, &items[index])
                }
                Value::Object(members) => {
                    let Some(index) = members.keys().position(|k| *k == token) else {
                        return Some((node, false));
                    };
                    (index, &members[token.as_ref()])
                }
                _ => return Some((node, false)),
            };
            if node.children.is_empty() {
                // An alias: its expansion has no spans of its own.
                return Some((node, false));
            }
            node = &self.nodes[(node.children.start as usize) + index];
            value = child;
        }
        Some((node, true))
    }

    /// The spans of the node at `pointer`, if it is written in the file.
    pub fn get(&self, document: &Value, pointer: &str) -> Option<&NodeSpan> {
        match self.walk(document, pointer)? {
            (node, true) => Some(node),
            _ => None,
        }
    }

    /// The span of the key of the member at `pointer`.
    pub fn key_span(&self, document: &Value, pointer: &str) -> Option<Range<usize>> {
        self.get(document, pointer)?.key.as_ref().map(to_range)
    }

    /// The best span to draw for the node at `pointer`: the value when it
    /// fits on one line, else the member's key, else the value's first line.
    /// A pointer to a node that is not written (a missing property) falls
    /// back to its nearest written ancestor.
    pub fn label_span(
        &self,
        source: &SourceFile,
        document: &Value,
        pointer: &str,
    ) -> Option<Range<usize>> {
        let (node, _) = self.walk(document, pointer)?;
        Some(best_span(source.text(), node))
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
