//! The diagnostics of the YAML builder: duplicate keys, what the plan
//! language does not support, nesting too deep and syntax errors, each
//! pointed at the bytes that cause it.

use super::{Abort, Body, Builder, MAX_DEPTH, MAX_REPORTED};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::spans::escape_pointer_token;
use granit_parser::ScanError;
use std::ops::Range;

impl Builder {
    pub(super) fn set_key(&mut self, key: String, range: Range<usize>) {
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        let Body::Mapping { members, key: slot } = &mut frame.body else {
            return;
        };
        if !self.record_spans {
            if members.contains_key(&key) {
                // Without spans there is nothing to point at; the caller
                // parses again with them to report it.
                self.diagnostics.push(Diagnostic::new(
                    Code::DuplicateKey,
                    format!("the key `{key}` appears twice in the same mapping"),
                ));
            }
            *slot = Some((key, range));
            return;
        }
        // The position scan is linear: past the report limit, stop looking.
        let first = (members.contains_key(&key) && self.diagnostics.len() < MAX_REPORTED)
            .then(|| members.keys().position(|k| *k == key))
            .flatten()
            .and_then(|index| frame.children.get(index))
            .and_then(|child| child.key.clone());
        if let Some(first) = first {
            let mut diagnostic = Diagnostic::new(
                Code::DuplicateKey,
                format!("the key `{key}` appears twice in the same mapping"),
            )
            .at_bytes(range.clone(), "written again here")
            .at_bytes(
                first.start as usize..first.end as usize,
                "first written here",
            )
            .with_help(Code::DuplicateKey.info().fix);
            diagnostic.pointer = Some(format!("{}/{}", frame.pointer, escape_pointer_token(&key)));
            self.diagnostics.push(diagnostic);
        }
        *slot = Some((key, range));
    }

    pub(super) fn unsupported(&mut self, range: Range<usize>, what: String, why: &str) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::UnsupportedYaml,
                format!("{what} is not supported in restore plans"),
            )
            .at_bytes(range, why)
            .with_help(Code::UnsupportedYaml.info().fix),
        );
    }

    pub(super) fn too_deep(&mut self, range: Range<usize>) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::TooDeep,
                format!("collections are nested more than {MAX_DEPTH} levels deep"),
            )
            .at_bytes(range.start..range.start + 1, "too deep here")
            .with_help(Code::TooDeep.info().fix),
        );
    }

    pub(super) fn syntax_error(&mut self, error: &ScanError, text: &str) -> Abort {
        let marker = error.marker();
        let mut at = marker
            .byte_offset()
            .unwrap_or(marker.index())
            .min(text.len());
        let info = error.info();
        // The scanner reports a tab at the start of the scalar it was reading,
        // which may be a line above the tab itself: point at the tab.
        if info.contains("tab") && !text[at..].starts_with('\t') {
            let window_end = text[at..]
                .match_indices('\n')
                .nth(1)
                .map_or(text.len(), |(i, _)| at + i);
            if let Some(tab) = text[at..window_end].find('\t') {
                at += tab;
            }
        }
        let end = text[at..]
            .chars()
            .next()
            .map_or(at, |c| if c == '\n' { at } else { at + c.len_utf8() });
        self.diagnostics.push(
            Diagnostic::new(Code::YamlSyntax, format!("invalid YAML: {info}"))
                .at_bytes(at..end, "here")
                .with_help(if text[at..].starts_with('\t') {
                    "YAML indents with spaces only: replace the tab with spaces"
                } else {
                    Code::YamlSyntax.info().fix
                }),
        );
        Abort
    }
}
