//! A named source text with a line table, read from disk or stdin within the
//! size limit, with the byte-level checks (NUL, UTF-8) done before any parsing.

use crate::diagnostic::{Code, Diagnostic};
use std::io::Read;
use std::sync::{Arc, OnceLock};

/// The largest file the loader reads: 16 MiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// A named source text, cheap to clone.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    /// Built on first use: a clean 16 MiB inventory never needs it.
    line_starts: Arc<OnceLock<Box<[usize]>>>,
}

impl SourceFile {
    /// A source file from text that is already known to be good.
    pub fn from_text(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: Arc::default(),
        }
    }

    /// The byte offset where each line starts.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// A source file from raw bytes, with the diagnostics of the byte-level
    /// checks. When those find a problem, the text is kept for display only.
    pub fn from_bytes(name: impl Into<Arc<str>>, bytes: &[u8]) -> (Self, Vec<Diagnostic>) {
        let name = name.into();
        if bytes.len() > MAX_FILE_BYTES {
            let diagnostic = Diagnostic::new(
                Code::FileTooLarge,
                format!(
                    "the file is larger than {} MiB, the most restoreplan reads",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            )
            .with_help(Code::FileTooLarge.info().fix);
            return (SourceFile::from_text(name, ""), vec![diagnostic]);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                let source = SourceFile::from_text(name, text);
                let diagnostics = match text.find('\0') {
                    Some(at) => vec![
                        Diagnostic::new(Code::NulByte, "the file contains a NUL byte")
                            .at_bytes(at..at + 1, "NUL byte here")
                            .with_help(Code::NulByte.info().fix),
                    ],
                    None => Vec::new(),
                };
                (source, diagnostics)
            }
            Err(error) => {
                let at = error.valid_up_to();
                // The lossy copy is for display only; its prefix up to `at` is the original's.
                let source = SourceFile::from_text(name, String::from_utf8_lossy(bytes));
                let diagnostic = Diagnostic::new(
                    Code::NotUtf8,
                    format!("the file is not valid UTF-8 (invalid byte at offset {at})"),
                )
                .at_bytes(at..at + char::REPLACEMENT_CHARACTER.len_utf8(), "not UTF-8")
                .with_help(Code::NotUtf8.info().fix);
                (source, vec![diagnostic])
            }
        }
    }

    /// Reads a file, or standard input for `-`, refusing to read more than
    /// the size limit (plus one byte, to notice the excess).
    pub fn read(path: &str) -> std::io::Result<(Self, Vec<Diagnostic>)> {
        let mut bytes = Vec::new();
        let limit = MAX_FILE_BYTES as u64 + 1;
        if path == "-" {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut bytes)?;
            Ok(SourceFile::from_bytes("<stdin>", &bytes))
        } else {
            let file = std::fs::File::open(path)?;
            // Sized from the start: growing a buffer to 16 MiB copies it over and over.
            let size = file.metadata().map_or(0, |metadata| metadata.len());
            bytes.reserve(size.min(limit) as usize);
            file.take(limit).read_to_end(&mut bytes)?;
            Ok(SourceFile::from_bytes(path, &bytes))
        }
    }

    /// The name shown to people (the path as given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared.
    pub fn shared_text(&self) -> std::sync::Arc<str> {
        std::sync::Arc::clone(&self.text)
    }

    /// The 0-based line of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&start| start <= offset.min(self.text.len()))
            - 1
    }

    /// The byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&start| start <= offset) - 1;
        let start = line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }
}
