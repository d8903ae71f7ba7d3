//! The YAML → JSON builder over granit-parser's event stream. It resolves
//! scalars by the YAML 1.2 core schema (`no` and `on` stay strings), records
//! the span of every node under its JSON pointer, and enforces the budgets
//! against hostile input: depth, alias expansion, one document, no duplicate
//! keys, no custom tags or merge keys.

mod problems;

use super::Document;
use super::scalar::resolve_scalar;
use super::spans::{NodeSpan, SpanIndex, escape_pointer_token};
use crate::diagnostic::{Code, Diagnostic};
use granit_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::ops::Range;

/// The deepest nesting of collections accepted.
pub const MAX_DEPTH: usize = 64;
/// The most nodes (scalars, keys and collections) a document may have, so
/// that a 16 MiB file of one-character items cannot take gigabytes.
pub const MAX_NODES: usize = 1_000_000;
/// The most duplicate-key reports worth making in one file.
const MAX_REPORTED: usize = 100;
/// The most nodes that aliases may add to a document in total.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A node that has been completely read.
struct Node {
    value: Value,
    span: Range<usize>,
    /// Nodes in the subtree, itself included.
    size: usize,
    /// Levels of collections in the subtree (a scalar has 0).
    height: usize,
}

/// An open collection.
struct Frame {
    body: Body,
    /// The collection's own JSON pointer (for duplicate-key reports).
    pointer: String,
    start: usize,
    anchor: usize,
    /// Nodes in the subtree so far, itself included.
    size: usize,
    /// Levels of collections in the subtree so far.
    height: usize,
    /// The spans of the children read so far, in member order.
    children: Vec<NodeSpan>,
}

enum Body {
    Sequence(Vec<Value>),
    Mapping {
        members: Map<String, Value>,
        /// The key read and waiting for its value.
        key: Option<(String, Range<usize>)>,
    },
}

/// Stops the build: the rest of the stream cannot be trusted.
struct Abort;

struct Builder {
    /// Whether to index spans (and collection pointers for reports); a
    /// parse that only has to succeed or fail skips the work.
    record_spans: bool,
    stack: Vec<Frame>,
    spans: SpanIndex,
    anchors: HashMap<usize, (Value, usize, usize)>,
    alias_nodes: usize,
    nodes_read: usize,
    diagnostics: Vec<Diagnostic>,
    root: Option<Node>,
}

fn byte_range(span: &Span) -> Range<usize> {
    span.byte_range()
        .unwrap_or_else(|| span.start.index()..span.end.index())
}

/// From a node's tag to the end of the node, so the label covers `!tag value`.
fn tag_range(span: &Span, node: &Range<usize>) -> Range<usize> {
    let start = span
        .tag_start
        .map(|marker| marker.byte_offset().unwrap_or(marker.index()))
        .filter(|&start| start <= node.start)
        .unwrap_or(node.start);
    start..node.end.max(start)
}

/// Parses YAML text into a [`Document`].
pub fn parse(text: &str) -> Result<Document, Vec<Diagnostic>> {
    let parsed = parse_with(text, true)?;
    Ok(Document {
        value: parsed.value,
        spans: parsed.spans,
    })
}

/// A document read without its diagnostics' context: the value, its span
/// index when asked for, and what it spent of the budgets that are shared
/// across a file read in sections.
pub(super) struct Parsed {
    pub(super) value: Value,
    pub(super) spans: SpanIndex,
    /// The collections and scalars read.
    pub(super) nodes: usize,
    /// The nodes the aliases added.
    pub(super) alias_nodes: usize,
}

/// Parses YAML text, indexing spans only when `record_spans`. Without them,
/// the diagnostics of a failure are not located: a caller that needs them
/// parses again with spans.
pub(super) fn parse_with(text: &str, record_spans: bool) -> Result<Parsed, Vec<Diagnostic>> {
    let mut builder = Builder {
        record_spans,
        stack: Vec::new(),
        spans: SpanIndex::default(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        nodes_read: 0,
        diagnostics: Vec::new(),
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    let outcome = builder.run(&mut parser, text);
    let empty_root = builder.root.is_none()
        || matches!(&builder.root, Some(Node { value: Value::Null, span, .. }) if span.is_empty());
    if outcome.is_ok() && empty_root && builder.diagnostics.is_empty() {
        builder.diagnostics.push(
            Diagnostic::new(Code::EmptyDocument, "the file contains no YAML document")
                .with_help(Code::EmptyDocument.info().fix),
        );
    }
    match (outcome, builder.root) {
        (Ok(()), Some(root)) if builder.diagnostics.is_empty() => Ok(Parsed {
            value: root.value,
            spans: builder.spans,
            nodes: builder.nodes_read,
            alias_nodes: builder.alias_nodes,
        }),
        _ => Err(builder.diagnostics),
    }
}

impl Builder {
    fn run<'a>(
        &mut self,
        parser: &mut Parser<'a, granit_parser::StrInput<'a>>,
        text: &str,
    ) -> Result<(), Abort> {
        let mut documents = 0;
        for event in parser {
            let (event, span) = event.map_err(|error| self.syntax_error(&error, text))?;
            let is_sequence = matches!(event, Event::SequenceStart(..));
            if matches!(
                event,
                Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
            ) {
                self.nodes_read += 1;
                if self.nodes_read > MAX_NODES {
                    let at = byte_range(&span).start;
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::FileTooLarge,
                            format!("the document has more than {MAX_NODES} YAML nodes"),
                        )
                        .at_bytes(at..at, "the limit is reached here")
                        .with_help(Code::FileTooLarge.info().fix),
                    );
                    return Err(Abort);
                }
            }
            match event {
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        let range = byte_range(&span);
                        let line_end = text[range.start..]
                            .find('\n')
                            .map_or(text.len(), |n| range.start + n);
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::MultipleDocuments,
                                "the file holds more than one YAML document",
                            )
                            .at_bytes(
                                range.start..line_end.max(range.start),
                                "a second document starts here",
                            )
                            .with_help(Code::MultipleDocuments.info().fix),
                        );
                        return Err(Abort);
                    }
                }
                Event::Scalar(text_value, style, anchor, tag) => {
                    let range = byte_range(&span);
                    let mut value = resolve_scalar(&text_value, style);
                    if let Some(tag) = tag {
                        if tag.is_yaml_core_schema() {
                            if tag.core_suffix() == Some("str") {
                                value = Value::String(text_value.into_owned());
                            }
                        } else {
                            self.unsupported(
                                tag_range(&span, &range),
                                format!("custom YAML tag `{}`", tag.original()),
                                "tags are not part of the plan language",
                            );
                        }
                    }
                    if self.expecting_key() {
                        let key = match value {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        if key == "<<" && style == ScalarStyle::Plain {
                            self.unsupported(
                                range.clone(),
                                "YAML merge key `<<`".into(),
                                "merge keys are not part of YAML 1.2",
                            );
                        }
                        self.set_key(key, range);
                    } else {
                        self.finish(
                            Node {
                                value,
                                span: range,
                                size: 1,
                                height: 0,
                            },
                            anchor,
                            Vec::new(),
                        )?;
                    }
                }
                Event::SequenceStart(_, anchor, tag) | Event::MappingStart(_, anchor, tag) => {
                    let range = byte_range(&span);
                    if self.expecting_key() {
                        self.unsupported(
                            range,
                            "a collection used as a mapping key".into(),
                            "keys must be plain strings",
                        );
                        return Err(Abort);
                    }
                    if let Some(tag) = tag.filter(|tag| !tag.is_yaml_core_schema()) {
                        self.unsupported(
                            tag_range(&span, &range),
                            format!("custom YAML tag `{}`", tag.original()),
                            "tags are not part of the plan language",
                        );
                    }
                    if self.stack.len() >= MAX_DEPTH {
                        self.too_deep(range);
                        return Err(Abort);
                    }
                    let body = if is_sequence {
                        Body::Sequence(Vec::new())
                    } else {
                        Body::Mapping {
                            members: Map::new(),
                            key: None,
                        }
                    };
                    let pointer = if self.record_spans {
                        self.child_pointer()
                    } else {
                        String::new()
                    };
                    let frame = Frame {
                        body,
                        pointer,
                        start: range.start,
                        anchor,
                        size: 1,
                        height: 1,
                        children: Vec::new(),
                    };
                    self.stack.push(frame);
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let end = byte_range(&span).end;
                    let frame = self
                        .stack
                        .pop()
                        .expect("invariant: an end event closes an open collection");
                    let value = match frame.body {
                        Body::Sequence(items) => Value::Array(items),
                        Body::Mapping { members, .. } => Value::Object(members),
                    };
                    let span = frame.start..end.max(frame.start);
                    let node = Node {
                        value,
                        span,
                        size: frame.size,
                        height: frame.height,
                    };
                    self.finish(node, frame.anchor, frame.children)?;
                }
                Event::Alias(id) => {
                    let range = byte_range(&span);
                    if self.expecting_key() {
                        self.unsupported(
                            range,
                            "an alias used as a mapping key".into(),
                            "keys must be plain strings",
                        );
                        return Err(Abort);
                    }
                    let Some((value, size, height)) = self.anchors.get(&id).cloned() else {
                        self.unsupported(
                            range,
                            "an alias to an unknown anchor".into(),
                            "define the anchor before the alias",
                        );
                        return Err(Abort);
                    };
                    self.alias_nodes += size;
                    if self.alias_nodes > MAX_ALIAS_NODES {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::AliasBudget,
                                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                            )
                            .at_bytes(range, "the budget runs out at this alias")
                            .with_help(Code::AliasBudget.info().fix),
                        );
                        return Err(Abort);
                    }
                    if self.stack.len() + height > MAX_DEPTH {
                        self.too_deep(range);
                        return Err(Abort);
                    }
                    self.finish(
                        Node {
                            value,
                            span: range,
                            size,
                            height,
                        },
                        0,
                        Vec::new(),
                    )?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Mapping { key: None, .. },
                ..
            })
        )
    }

    /// The pointer of the next collection read into the innermost one.
    fn child_pointer(&self) -> String {
        let Some(frame) = self.stack.last() else {
            return String::new();
        };
        let token: std::borrow::Cow<'_, str> = match &frame.body {
            Body::Sequence(items) => items.len().to_string().into(),
            Body::Mapping { key, .. } => {
                escape_pointer_token(key.as_ref().map(|(k, _)| k.as_str()).unwrap_or_default())
            }
        };
        format!("{}/{token}", frame.pointer)
    }

    /// Stores a complete node, with the spans of its children, into its
    /// parent (or as the root).
    fn finish(&mut self, node: Node, anchor: usize, children: Vec<NodeSpan>) -> Result<(), Abort> {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.value.clone(), node.size, node.height));
        }
        let Some(frame) = self.stack.last_mut() else {
            if self.record_spans {
                let span = self
                    .spans
                    .collection(NodeSpan::new(None, node.span.clone()), children);
                self.spans.set_root(span);
            }
            self.root = Some(node);
            return Ok(());
        };
        frame.size += node.size;
        frame.height = frame.height.max(node.height + 1);
        if !self.record_spans {
            match &mut frame.body {
                Body::Sequence(items) => items.push(node.value),
                Body::Mapping { members, key } => {
                    let (key, _) = key.take().expect("invariant: a value follows its key");
                    members.entry(key).or_insert(node.value);
                }
            }
            return Ok(());
        }
        match &mut frame.body {
            Body::Sequence(items) => {
                let span = self
                    .spans
                    .collection(NodeSpan::new(None, node.span), children);
                frame.children.push(span);
                items.push(node.value);
            }
            Body::Mapping { members, key } => {
                let (key, key_span) = key.take().expect("invariant: a value follows its key");
                // A duplicate key keeps its first value and span: the error names both.
                if let serde_json::map::Entry::Vacant(member) = members.entry(key) {
                    let span = self
                        .spans
                        .collection(NodeSpan::new(Some(key_span), node.span), children);
                    frame.children.push(span);
                    member.insert(node.value);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
