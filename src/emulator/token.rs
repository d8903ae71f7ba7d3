//! The Entra-shaped token endpoint, `POST /{tenant}/oauth2/v2.0/token` with a
//! client-credentials grant, and the store of the opaque tokens it issued.
//! azure_identity 1.0's `ClientSecretCredential` calls only this endpoint (no
//! discovery) and reads `access_token` and `expires_in`; its errors read
//! `error_codes` and `error_description`, so both shapes follow Entra's.

use super::state::State;
use crate::clock::{Clock, SystemClock};
use axum::body::Bytes;
use axum::extract::{Path, State as Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Who a token was issued to and until when (real time: the client computes
/// the expiry from `expires_in` on its own wall clock).
#[derive(Debug, Clone)]
struct Grant {
    expires: Timestamp,
}

/// The tokens issued so far.
#[derive(Debug, Default)]
pub struct TokenStore {
    grants: Mutex<HashMap<String, Grant>>,
}

/// What a bearer token is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// Issued here and not expired.
    Valid,
    /// Issued here, but expired.
    Expired,
    /// Never issued here.
    Unknown,
}

impl TokenStore {
    /// Issues a new random token valid for `lifetime`.
    pub fn issue(&self, lifetime: Duration) -> String {
        let token = format!(
            "{:032x}{:032x}",
            rand::random::<u128>(),
            rand::random::<u128>()
        );
        let grant = Grant {
            expires: SystemClock
                .now()
                .saturating_add(SignedDuration::try_from(lifetime).unwrap_or(SignedDuration::MAX))
                .unwrap_or(Timestamp::MAX),
        };
        self.grants
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.clone(), grant);
        token
    }

    /// Checks a presented token.
    pub fn check(&self, token: &str) -> TokenCheck {
        let grants = self.grants.lock().unwrap_or_else(|e| e.into_inner());
        match grants.get(token) {
            Some(grant) if grant.expires > SystemClock.now() => TokenCheck::Valid,
            Some(_) => TokenCheck::Expired,
            None => TokenCheck::Unknown,
        }
    }
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub async fn token(
    Shared(state): Shared<Arc<State>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    if !is_tenant(&tenant) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900023,
            &format!(
                "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain."
            ),
        );
    }
    let Some(grant_type) = field("grant_type") else {
        return missing("grant_type");
    };
    if grant_type != "client_credentials" {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            &format!(
                "The app requested an unsupported grant type '{grant_type}'; the emulator supports client_credentials."
            ),
        );
    }
    let (Some(client_id), Some(secret)) = (field("client_id"), field("client_secret")) else {
        return missing(if field("client_id").is_none() {
            "client_id"
        } else {
            "client_assertion' or 'client_secret"
        });
    };
    let Some(scope) = field("scope") else {
        return missing("scope");
    };
    if !scope.split(' ').all(|s| s.ends_with("/.default")) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1002012,
            &format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        );
    }
    if !state.accept_any_client {
        let settings = &state.settings;
        let Some(client) = settings.clients.iter().find(|c| {
            c.client_id == client_id
                && c.tenant_id
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case(&tenant))
        }) else {
            return entra_error(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                700016,
                &format!(
                    "Application with identifier '{client_id}' was not found in the directory '{tenant}'."
                ),
            );
        };
        if !constant_time_eq(client.client_secret.as_bytes(), secret.as_bytes()) {
            return entra_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000215,
                &format!(
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
                ),
            );
        }
    }
    let lifetime = state.settings.token_lifetime.as_secs();
    let token = state.tokens.issue(Duration::from_secs(lifetime));
    axum::Json(json!({
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": token,
    }))
    .into_response()
}

/// Entra's answer to a request that lacks a parameter.
fn missing(parameter: &str) -> Response {
    entra_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{parameter}'."),
    )
}

/// Entra's error shape: `AADSTS<code>: <text>` with trace and correlation ids.
fn entra_error(status: StatusCode, error: &str, code: u32, text: &str) -> Response {
    let trace_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let now = SystemClock.now();
    let timestamp = now.round(jiff::Unit::Second).unwrap_or(now);
    let timestamp = timestamp.strftime("%Y-%m-%d %H:%M:%SZ").to_string();
    let description = format!(
        "AADSTS{code}: {text} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}"
    );
    let body = json!({
        "error": error,
        "error_description": description,
        "error_codes": [code],
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    });
    (status, axum::Json(body)).into_response()
}

/// Tenant ids are GUIDs or domain names; anything else never reaches a lookup.
fn is_tenant(tenant: &str) -> bool {
    !tenant.is_empty()
        && tenant.len() <= 256
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// Compares secrets without an early exit, so timing does not leak a prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
