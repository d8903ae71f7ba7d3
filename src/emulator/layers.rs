//! The middleware that makes every answer behave like ARM's: request ids,
//! the request log and body limit, refusal of path tricks, injected faults,
//! bearer tokens, api-versions and the per-subscription budgets.

use super::envelope::ArmError;
use super::faults::Fault;
use super::record::RecordedRequest;
use super::state::State;
use super::throttle::{Access, Budget};
use super::token::TokenCheck;
use crate::clock::{Clock, SystemClock};
use axum::body::Body;
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The largest request body accepted, ARM's 4 MiB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How long a `slow` fault holds an answer back (real time: it is there to
/// trip a client's own timeout).
pub const SLOW_DELAY: std::time::Duration = std::time::Duration::from_secs(2);

/// A marker on a response telling the connection to drop instead of answering.
#[derive(Debug, Clone, Copy)]
pub struct ResetConnection;

/// A marker on a response that was carried out and is dropped anyway (a
/// `lost` fault): the record keeps the status that was never delivered.
#[derive(Debug, Clone, Copy)]
struct LostAnswer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");
const CORRELATION_ID: HeaderName = HeaderName::from_static("x-ms-correlation-request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-client-request-id");

/// Gives every answer `x-ms-request-id` and `x-ms-correlation-request-id`
/// (the client's correlation id when it sent one), and echoes
/// `x-ms-client-request-id`.
pub async fn identify(request: Request, next: Next) -> Response {
    let correlation = request.headers().get(&CORRELATION_ID).cloned();
    let client_id = request.headers().get(&CLIENT_REQUEST_ID).cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fresh = || HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).ok();
    if let Some(id) = fresh() {
        headers.insert(REQUEST_ID, id);
    }
    if let Some(id) = correlation.or_else(fresh) {
        headers.insert(CORRELATION_ID, id);
    }
    if let Some(id) = client_id {
        headers.insert(CLIENT_REQUEST_ID, id);
    }
    response
}

/// Reads the body (refusing more than [`MAX_BODY_BYTES`] with 413), and
/// records the request with the status it got.
pub async fn record(Shared(state): Shared<Arc<State>>, request: Request, next: Next) -> Response {
    let time = SystemClock.now().to_string();
    let (parts, body) = request.into_parts();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let declared_too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|length| length > MAX_BODY_BYTES);
    let bytes = if declared_too_large {
        None
    } else {
        axum::body::to_bytes(body, MAX_BODY_BYTES).await.ok()
    };
    let (response, body_text) = match bytes {
        None => (too_large().into_response(), String::new()),
        Some(bytes) => {
            let text = recordable_body(&path, &bytes);
            let request = Request::from_parts(parts, Body::from(bytes));
            (next.run(request).await, text)
        }
    };
    let lost = response.extensions().get::<LostAnswer>().is_some();
    let status = if response.extensions().get::<ResetConnection>().is_some() && !lost {
        0
    } else {
        response.status().as_u16()
    };
    state.recorder.add(RecordedRequest {
        method,
        path,
        query,
        body: body_text,
        status,
        lost,
        time,
    });
    response
}

fn too_large() -> ArmError {
    ArmError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestEntityTooLarge",
        format!("The request body is larger than the {MAX_BODY_BYTES} bytes the service accepts."),
    )
}

/// The body as it may be written down: no secret ever is, neither a token
/// request's client secret nor a token inside a JSON body (the access token
/// of a cross-region restore).
fn recordable_body(path: &str, bytes: &[u8]) -> String {
    if path.ends_with("/oauth2/v2.0/token") {
        return url::form_urlencoded::parse(bytes)
            .map(|(key, value)| {
                let value = if is_secret_name(&key) {
                    REDACTED.into()
                } else {
                    value
                };
                format!("{key}={value}")
            })
            .collect::<Vec<_>>()
            .join("&");
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

const REDACTED: &str = "REDACTED";

/// Whether a field of this name holds a secret.
fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["secret", "token", "password", "assertion"]
        .iter()
        .any(|word| name.contains(word))
}

/// Replaces the string values of secret-named fields, at any depth.
fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if member.is_string() && is_secret_name(name) {
                    *member = REDACTED.into();
                } else {
                    redact(member);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Refuses paths with `.` or `..` segments (plain or percent-encoded), encoded
/// slashes or backslashes: no resource id has them, and a router must never
/// be asked to resolve them.
pub async fn refuse_path_tricks(request: Request, next: Next) -> Response {
    let tricky = request.uri().path().split('/').any(|segment| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        decoded == "." || decoded == ".." || decoded.contains(['/', '\\', '\0'])
    });
    if tricky {
        return ArmError::bad_request(
            "InvalidRequestUri",
            "The request path has `.` or `..` segments or encoded separators, which no resource id has.",
        )
        .into_response();
    }
    next.run(request).await
}

/// Injects the seeded faults into ARM calls.
pub async fn inject_faults(
    Shared(state): Shared<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or("", |p| p.as_str())
        .to_owned();
    let fault = state
        .faults
        .draw(request.method().as_str(), &path_and_query);
    match fault {
        None => next.run(request).await,
        Some(Fault::Slow) => {
            SystemClock.sleep(SLOW_DELAY).await;
            next.run(request).await
        }
        Some(Fault::Lost) => {
            let mut response = next.run(request).await;
            response.extensions_mut().insert(ResetConnection);
            response.extensions_mut().insert(LostAnswer);
            response
        }
        Some(Fault::Reset) => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(ResetConnection);
            response
        }
        Some(Fault::TooManyRequests) => ArmError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "The service is receiving too many requests; try again after the time in Retry-After.",
        )
        .retry_after(1)
        .into_response(),
        Some(Fault::InternalError) => ArmError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "The server encountered an internal error; please retry the request.",
        )
        .into_response(),
        Some(Fault::Unavailable) => ArmError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unavailable; try again after the time in Retry-After.",
        )
        .retry_after(1)
        .into_response(),
    }
}

/// Lets through only requests with a bearer token this emulator issued and
/// that has not expired; 401 with ARM's envelope and `WWW-Authenticate` otherwise.
pub async fn authenticate(
    Shared(state): Shared<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
                .map(str::trim)
        });
    let refusal = match presented {
        None => Some((
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
            "The authentication failed because of missing 'Authorization' header.",
        )),
        Some(None) => Some((
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is not of the form 'Bearer <token>'.",
            "The authentication scheme is not supported.",
        )),
        Some(Some(token)) => match state.tokens.check(token) {
            TokenCheck::Valid => None,
            TokenCheck::Expired => Some((
                "ExpiredAuthenticationToken",
                "The access token has expired. Get a new token and try again.",
                "The access token has expired.",
            )),
            TokenCheck::Unknown => Some((
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                "The access token is invalid.",
            )),
        },
    };
    let Some((code, message, description)) = refusal else {
        return next.run(request).await;
    };
    let mut response = ArmError::new(StatusCode::UNAUTHORIZED, code, message).into_response();
    let challenge = format!(
        "Bearer authorization_uri=\"{}/\", error=\"invalid_token\", error_description=\"{description}\"",
        state.base_url
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Takes the request from its subscription's budget: 429 with `Retry-After`
/// when it is spent, the remaining budget in the answer's headers otherwise.
pub async fn throttle(Shared(state): Shared<Arc<State>>, request: Request, next: Next) -> Response {
    let mut segments = request.uri().path().split('/').skip(1);
    let subscription = match (segments.next(), segments.next()) {
        (Some(key), Some(id)) if key.eq_ignore_ascii_case("subscriptions") => id.to_owned(),
        _ => String::new(),
    };
    let access = Access::of(request.method());
    let header = match access {
        Access::Read => HeaderName::from_static("x-ms-ratelimit-remaining-subscription-reads"),
        Access::Write => HeaderName::from_static("x-ms-ratelimit-remaining-subscription-writes"),
    };
    match state.throttle.take(&subscription, access, state.time.now()) {
        Budget::Exhausted(simulated_seconds) => {
            let wait = super::state::real_seconds(&state.time, simulated_seconds as f64);
            let kind = if access == Access::Read {
                "read"
            } else {
                "write"
            };
            ArmError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "SubscriptionRequestsThrottled",
                format!(
                    "Number of '{kind}' requests for subscription '{subscription}' exceeded the limit. Please try again after '{wait}' seconds."
                ),
            )
            .retry_after(wait)
            .into_response()
        }
        Budget::Remaining(left) => {
            let mut response = next.run(request).await;
            response
                .headers_mut()
                .insert(header, HeaderValue::from(left));
            response
        }
    }
}

/// 404 for a path no route serves.
pub async fn unknown_route(request: Request) -> Response {
    ArmError::not_found(
        "InvalidResourceType",
        format!(
            "The emulator serves no resource at '{}' for {}.",
            request.uri().path(),
            request.method()
        ),
    )
    .into_response()
}

/// 405 for a method a route does not serve.
pub async fn method_not_allowed(request: Request) -> Response {
    ArmError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!(
            "The resource at '{}' does not support {}.",
            request.uri().path(),
            request.method()
        ),
    )
    .into_response()
}
