//! The YAML → JSON builder over granit-parser's event stream. It resolves
//! scalars by the YAML 1.2 core schema (`no` and `on` stay strings), records
//! the span of every node under its JSON pointer, and enforces the budgets
//! against hostile input: depth, alias expansion, one document, no duplicate
//! keys, no custom tags or merge keys.

use super::Document;
use super::scalar::resolve_scalar;
use super::spans::{SpanIndex, escape_pointer_token};
use crate::diagnostic::{Code, Diagnostic};
use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span};
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

enum Frame {
    Sequence {
        items: Vec<Value>,
        pointer: String,
        start: usize,
        anchor: usize,
        size: usize,
        height: usize,
    },
    Mapping {
        members: Map<String, Value>,
        pointer: String,
        start: usize,
        anchor: usize,
        size: usize,
        height: usize,
        /// The key read and waiting for its value.
        key: Option<(String, Range<usize>)>,
        /// Where each member's key is written, in member order, for duplicate reports.
        key_spans: Vec<Range<usize>>,
    },
}

/// Stops the build: the rest of the stream cannot be trusted.
struct Abort;

struct Builder {
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
    let mut builder = Builder {
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
        (Ok(()), Some(root)) if builder.diagnostics.is_empty() => Ok(Document {
            value: root.value,
            spans: builder.spans,
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
                    let pointer = self.child_pointer();
                    let frame = if is_sequence {
                        Frame::Sequence {
                            items: Vec::new(),
                            pointer,
                            start: range.start,
                            anchor,
                            size: 1,
                            height: 1,
                        }
                    } else {
                        Frame::Mapping {
                            members: Map::new(),
                            pointer,
                            start: range.start,
                            anchor,
                            size: 1,
                            height: 1,
                            key: None,
                            key_spans: Vec::new(),
                        }
                    };
                    self.stack.push(frame);
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let end = byte_range(&span).end;
                    let frame = self
                        .stack
                        .pop()
                        .expect("invariant: an end event closes an open collection");
                    let (value, start, anchor, size, height) = match frame {
                        Frame::Sequence {
                            items,
                            start,
                            anchor,
                            size,
                            height,
                            ..
                        } => (Value::Array(items), start, anchor, size, height),
                        Frame::Mapping {
                            members,
                            start,
                            anchor,
                            size,
                            height,
                            ..
                        } => (Value::Object(members), start, anchor, size, height),
                    };
                    self.finish(
                        Node {
                            value,
                            span: start..end.max(start),
                            size,
                            height,
                        },
                        anchor,
                    )?;
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
                    )?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }))
    }

    fn set_key(&mut self, key: String, range: Range<usize>) {
        if let Some(Frame::Mapping {
            key: slot,
            key_spans,
            members,
            pointer,
            ..
        }) = self.stack.last_mut()
        {
            // The position scan is linear: past the report limit, stop looking.
            let first = (members.contains_key(&key) && self.diagnostics.len() < MAX_REPORTED)
                .then(|| members.keys().position(|k| *k == key))
                .flatten()
                .and_then(|index| key_spans.get(index));
            if let Some(first) = first {
                let at = format!("{pointer}/{}", escape_pointer_token(&key));
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateKey,
                        format!("the key `{key}` appears twice in the same mapping"),
                    )
                    .at_bytes(range.clone(), "written again here")
                    .at_bytes(first.clone(), "first written here")
                    .with_help(Code::DuplicateKey.info().fix),
                );
                self.diagnostics.last_mut().expect("just pushed").pointer = Some(at);
            }
            *slot = Some((key, range));
        }
    }

    /// The pointer of the next node read into the innermost collection.
    /// Built by hand: this runs once per node and `format!` was a tenth of
    /// the loader's time.
    fn child_pointer(&self) -> String {
        let (parent, token): (&str, std::borrow::Cow<'_, str>) = match self.stack.last() {
            None => return String::new(),
            Some(Frame::Sequence { items, pointer, .. }) => (pointer, decimal(items.len()).into()),
            Some(Frame::Mapping { key, pointer, .. }) => {
                let key = key.as_ref().map(|(k, _)| k.as_str()).unwrap_or_default();
                (pointer, escape_pointer_token(key))
            }
        };
        let mut pointer = String::with_capacity(parent.len() + 1 + token.len());
        pointer.push_str(parent);
        pointer.push('/');
        pointer.push_str(&token);
        pointer
    }

    /// Stores a complete node into its parent (or as the root).
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), Abort> {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.value.clone(), node.size, node.height));
        }
        let pointer = self.child_pointer();
        match self.stack.last_mut() {
            None => {
                self.spans.insert(pointer, None, node.span.clone());
                self.root = Some(node);
            }
            Some(Frame::Sequence {
                items,
                size,
                height,
                ..
            }) => {
                self.spans.insert(pointer, None, node.span);
                *size += node.size;
                *height = (*height).max(node.height + 1);
                items.push(node.value);
            }
            Some(Frame::Mapping {
                members,
                key,
                key_spans,
                size,
                height,
                ..
            }) => {
                let (key, key_span) = key.take().expect("invariant: a value follows its key");
                *size += node.size;
                *height = (*height).max(node.height + 1);
                // A duplicate key keeps its first value and span: the error names both.
                if !members.contains_key(&key) {
                    key_spans.push(key_span.clone());
                    self.spans.insert(pointer, Some(key_span), node.span);
                    members.insert(key, node.value);
                }
            }
        }
        Ok(())
    }

    fn unsupported(&mut self, range: Range<usize>, what: String, why: &str) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::UnsupportedYaml,
                format!("{what} is not supported in restore plans"),
            )
            .at_bytes(range, why)
            .with_help(Code::UnsupportedYaml.info().fix),
        );
    }

    fn too_deep(&mut self, range: Range<usize>) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::TooDeep,
                format!("collections are nested more than {MAX_DEPTH} levels deep"),
            )
            .at_bytes(range.start..range.start + 1, "too deep here")
            .with_help(Code::TooDeep.info().fix),
        );
    }

    fn syntax_error(&mut self, error: &ScanError, text: &str) -> Abort {
        let marker = error.marker();
        let at = marker
            .byte_offset()
            .unwrap_or(marker.index())
            .min(text.len());
        let end = text[at..]
            .chars()
            .next()
            .map_or(at, |c| if c == '\n' { at } else { at + c.len_utf8() });
        self.diagnostics.push(
            Diagnostic::new(Code::YamlSyntax, format!("invalid YAML: {}", error.info()))
                .at_bytes(at..end, "here")
                .with_help(Code::YamlSyntax.info().fix),
        );
        Abort
    }
}

/// A number in decimal, without the formatting machinery.
fn decimal(mut n: usize) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    String::from_utf8_lossy(&digits[at..]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_index_every_node() {
        let doc = parse("a:\n  b: [1, two]\n").expect("valid");
        assert_eq!(doc.value, serde_json::json!({"a": {"b": [1, "two"]}}));
        let b1 = doc.spans.get("/a/b/1").expect("indexed");
        assert_eq!(
            &"a:\n  b: [1, two]\n"[b1.value.start as usize..b1.value.end as usize],
            "two"
        );
        let b = doc.spans.get("/a/b").expect("indexed");
        let key = b.key.clone().expect("member");
        assert_eq!(
            &"a:\n  b: [1, two]\n"[key.start as usize..key.end as usize],
            "b"
        );
    }
}
