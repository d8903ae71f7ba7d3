//! One logical request: budget, token, attempts, and the retry rule of [`super::retry`].

use super::retry::{is_retryable_status, is_unprocessed_status, server_retry_after};
use super::throttle::Budget;
use super::urls::{header_text, reqwest_method, subscription_of, transport_text};
use super::{ArmClient, ArmResponse, Target};
use crate::azure::api::Method;
use crate::azure::error::{ArmError, ArmErrorKind, RequestIds};
use crate::azure::wire::error::ErrorResponse;

impl ArmClient {
    pub(super) async fn execute(
        &self,
        target: Target<'_>,
        body: Option<&serde_json::Value>,
    ) -> Result<ArmResponse, ArmError> {
        let url = self.target_url(&target)?;
        let (operation, method, safe_to_repeat, budget) = match &target {
            Target::Operation(request) => (
                request.operation.operation_id.to_owned(),
                request.method(),
                request.operation.is_safe_to_repeat(),
                if request.operation.is_read() {
                    Budget::Reads
                } else {
                    Budget::Writes
                },
            ),
            Target::Follow {
                url,
                safe_to_repeat,
            } => (
                format!("GET {}", url.path()),
                Method::Get,
                *safe_to_repeat,
                Budget::Reads,
            ),
        };
        let subscription = subscription_of(url.path());
        let body = body.map(serde_json::to_vec).transpose().map_err(|e| {
            ArmError::new(
                ArmErrorKind::Malformed {
                    what: format!("the request body: {e}"),
                },
                &operation,
            )
        })?;
        let ids = RequestIds {
            client_request_id: uuid::Uuid::new_v4().to_string(),
            ..RequestIds::default()
        };
        let started = self.clock.now();
        let deadline = started
            .saturating_add(
                jiff::SignedDuration::try_from(self.config.retry.deadline)
                    .unwrap_or(jiff::SignedDuration::MAX),
            )
            .unwrap_or(jiff::Timestamp::MAX);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.limiter.acquire(&subscription, budget).await;
            let token = self
                .tokens
                .token(&self.config.arm_scope)
                .await
                .map_err(|e| {
                    ArmError::new(ArmErrorKind::Auth(e), &operation).with_ids(ids.clone())
                })?;
            let mut builder = self
                .http
                .request(reqwest_method(method), url.clone())
                .bearer_auth(token.expose())
                .header("x-ms-client-request-id", &ids.client_request_id)
                .header("accept", "application/json");
            if let Some(body) = &body {
                builder = builder
                    .header("content-type", "application/json")
                    .body(body.clone());
            } else if matches!(method, Method::Post | Method::Put | Method::Patch) {
                // An empty body still gets `Content-Length: 0`; ARM answers 411 without one.
                builder = builder.header("content-length", "0").body(Vec::new());
            }
            let outcome = match builder.send().await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let headers = answer.headers().clone();
                    self.limiter.observe(&subscription, budget, &headers).await;
                    let answered_ids = RequestIds {
                        client_request_id: ids.client_request_id.clone(),
                        request_id: header_text(&headers, "x-ms-request-id"),
                        correlation_id: header_text(&headers, "x-ms-correlation-request-id"),
                    };
                    match answer.bytes().await {
                        Ok(bytes) => Ok(ArmResponse {
                            status,
                            headers,
                            body: bytes.to_vec(),
                            ids: answered_ids,
                            operation: operation.clone(),
                        }),
                        Err(e) => Err((e, Some(answered_ids))),
                    }
                }
                Err(e) => Err((e, None)),
            };
            let (error, wait_hint) = match outcome {
                Ok(response) if (200..300).contains(&response.status) => {
                    tracing::debug!(operation = %operation, status = response.status, attempt, ids = %response.ids, "ARM answered");
                    return Ok(response);
                }
                Ok(response) => {
                    let status = response.status;
                    let error = ArmError::new(
                        ArmErrorKind::Status {
                            status,
                            error: serde_json::from_slice::<ErrorResponse>(&response.body)
                                .ok()
                                .map(|e| e.error),
                        },
                        &operation,
                    )
                    .with_ids(response.ids.clone());
                    let retry = is_retryable_status(status)
                        && (safe_to_repeat || is_unprocessed_status(status));
                    if !retry {
                        if is_retryable_status(status) {
                            // An acting POST that failed after reaching Azure: it may have taken effect.
                            let message = format!("HTTP {status}");
                            return Err(ArmError::new(
                                ArmErrorKind::OutcomeUnknown { message },
                                &operation,
                            )
                            .with_ids(response.ids));
                        }
                        return Err(error);
                    }
                    (
                        error,
                        server_retry_after(&response.headers, self.clock.now()),
                    )
                }
                Err((e, answered_ids)) => {
                    let message = transport_text(&e);
                    let ids = answered_ids.unwrap_or_else(|| ids.clone());
                    if !e.is_connect() && !safe_to_repeat {
                        return Err(ArmError::new(
                            ArmErrorKind::OutcomeUnknown { message },
                            &operation,
                        )
                        .with_ids(ids));
                    }
                    (
                        ArmError::new(ArmErrorKind::Transport { message }, &operation)
                            .with_ids(ids),
                        None,
                    )
                }
            };
            if attempt >= self.config.retry.max_attempts {
                return Err(error);
            }
            let backoff = {
                let mut rng = self.rng.lock().await;
                self.config.retry.backoff(attempt, &mut rng)
            };
            let wait = wait_hint
                .unwrap_or(backoff)
                .min(self.config.retry.max_delay);
            let resume = self
                .clock
                .now()
                .saturating_add(
                    jiff::SignedDuration::try_from(wait).unwrap_or(jiff::SignedDuration::MAX),
                )
                .unwrap_or(jiff::Timestamp::MAX);
            if resume > deadline {
                return Err(error);
            }
            tracing::warn!(operation = %operation, attempt, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            self.clock.sleep(wait).await;
        }
    }
}
