//! The request log: every request with its final status, kept in memory for
//! tests and appended as one JSON line per request to `--record FILE`,
//! flushed per line so a crash loses nothing already answered. Bodies are
//! recorded as sent, except the token endpoint's, which carry secrets.

use serde::Serialize;
use std::io::Write;
use std::sync::Mutex;

/// One request as the emulator saw and answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, without `?`; empty when there is none.
    pub query: String,
    /// The request body as text (lossy for bytes that are not UTF-8); empty when none.
    pub body: String,
    /// The status answered; 0 when the connection was dropped instead (a
    /// `reset` fault). For a `lost` fault, the status of the answer dropped.
    pub status: u16,
    /// The request was carried out but its answer dropped (a `lost` fault).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lost: bool,
    /// When the request arrived (RFC 3339, real time).
    pub time: String,
}

/// The log: in memory, and in a file when one was asked for.
#[derive(Debug)]
pub struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
    file: Option<Mutex<std::fs::File>>,
    /// Whether to keep requests in memory (in-process use); a long-running
    /// `restoreplan emulator` writes them to its file only.
    in_memory: bool,
}

impl Recorder {
    /// A recorder keeping requests in memory (when `in_memory`) and
    /// appending them to `path` (when given, created or truncated now).
    pub fn new(path: Option<&std::path::Path>, in_memory: bool) -> std::io::Result<Self> {
        let file = path.map(std::fs::File::create).transpose()?;
        Ok(Recorder {
            requests: Mutex::default(),
            file: file.map(Mutex::new),
            in_memory,
        })
    }

    /// Adds one request; a failed write to the file is reported once per
    /// request on stderr rather than failing the request it describes.
    pub fn add(&self, request: RecordedRequest) {
        if let Some(file) = &self.file {
            let mut line = serde_json::to_string(&request).unwrap_or_default();
            line.push('\n');
            let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(error) = file.write_all(line.as_bytes()).and_then(|()| file.flush()) {
                tracing::warn!("cannot append to the request record: {error}");
            }
        }
        if self.in_memory {
            self.requests
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(request);
        }
    }

    /// Every request so far, in the order they were answered (none when
    /// the recorder keeps nothing in memory).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
