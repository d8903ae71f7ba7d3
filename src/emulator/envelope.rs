//! ARM's error envelope, `{"error":{"code","message","details"}}`, the one
//! shape every refusal of the emulator's ARM surface takes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An ARM error: status, Azure's error code and a message.
#[derive(Debug, Clone)]
pub struct ArmError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Azure's error code, such as `InvalidApiVersionParameter`.
    pub code: String,
    /// One sentence for people.
    pub message: String,
    /// Seconds the client should wait before trying again, for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ArmError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ArmError {
            status,
            code: code.to_owned(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error, asking the client to wait `seconds` first.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// 404 for a resource the world does not hold.
    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        ArmError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 400 for a request the emulator will not act on.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        ArmError::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl IntoResponse for ArmError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": { "code": self.code, "message": self.message, "details": [] }
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
