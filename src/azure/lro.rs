//! Long-running operations: follow `Azure-AsyncOperation` (preferred: its
//! body says where the operation is) or else `Location` (202 while running)
//! until a terminal state, waiting `Retry-After` between polls, on the
//! [`Clock`](crate::clock::Clock), and never past a deadline.
//!
//! Hostile answers are survived: a poll URL on another host is refused (the
//! HTTP layer checks it), an accepted answer without either header is an
//! error, and a status body that cannot be read is polled again a few times
//! before it becomes one; an unknown status is "still running" until the deadline.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::error::{ArmError, ArmErrorKind};
use super::http::retry::server_retry_after;
use super::http::{ArmClient, ArmResponse};
use super::wire::operation::{OperationStatus, OperationStatusValue};

/// How to poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSettings {
    /// The wait when the service gives no `Retry-After`.
    pub default_interval: Duration,
    /// The shortest wait, whatever the service says (a `Retry-After: 0` must not spin).
    pub min_interval: Duration,
    /// The longest wait, whatever the service says.
    pub max_interval: Duration,
    /// The longest time to follow the operation.
    pub deadline: Duration,
    /// Unreadable status bodies tolerated in a row.
    pub malformed_tolerance: u32,
}

impl Default for PollSettings {
    fn default() -> Self {
        Self {
            default_interval: Duration::from_secs(30),
            min_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(300),
            deadline: Duration::from_secs(2 * 3600),
            malformed_tolerance: 3,
        }
    }
}

/// How an operation ended well.
#[derive(Debug, Clone)]
pub struct Completed {
    /// The operation's final status, when the service reported one.
    pub status: Option<OperationStatus>,
    /// The last answer (for `Location` flows, the final result's body).
    pub response: ArmResponse,
    /// Polls it took.
    pub polls: u32,
}

/// Follows the operation that `accepted` started, until it ends.
pub async fn wait(
    client: &ArmClient,
    accepted: ArmResponse,
    settings: &PollSettings,
) -> Result<Completed, ArmError> {
    let async_operation = accepted.header("azure-asyncoperation").map(str::to_owned);
    let location = accepted.header("location").map(str::to_owned);
    let operation = accepted.operation.clone();
    let (url, by_status_body) = match (async_operation, location) {
        (Some(url), _) => (url, true),
        (None, Some(url)) => (url, false),
        (None, None) if accepted.status == 202 => {
            let what =
                "an accepted (202) answer without Azure-AsyncOperation or Location".to_owned();
            return Err(
                ArmError::new(ArmErrorKind::Malformed { what }, &operation).with_ids(accepted.ids)
            );
        }
        (None, None) => {
            return Ok(Completed {
                status: accepted.json().ok(),
                response: accepted,
                polls: 0,
            });
        }
    };
    let clock = client.clock().clone();
    let deadline = clock
        .now()
        .saturating_add(SignedDuration::try_from(settings.deadline).unwrap_or(SignedDuration::MAX))
        .unwrap_or(Timestamp::MAX);
    let mut wait_for = interval(settings, server_retry_after(&accepted.headers, clock.now()));
    let mut polls = 0;
    let mut malformed = 0;
    loop {
        let resume = clock
            .now()
            .saturating_add(SignedDuration::try_from(wait_for).unwrap_or(SignedDuration::MAX))
            .unwrap_or(Timestamp::MAX);
        if resume > deadline {
            let what = format!("operation {operation} (after {polls} polls)");
            return Err(ArmError::new(ArmErrorKind::TimedOut { what }, &operation));
        }
        clock.sleep(wait_for).await;
        let answer = client.follow(&url).await?;
        polls += 1;
        let hint = server_retry_after(&answer.headers, clock.now());
        if by_status_body {
            match answer.json::<OperationStatus>() {
                Ok(status) => {
                    malformed = 0;
                    match status.status.clone() {
                        Some(OperationStatusValue::Succeeded) => {
                            return Ok(Completed {
                                status: Some(status),
                                response: answer,
                                polls,
                            });
                        }
                        Some(
                            state @ (OperationStatusValue::Failed | OperationStatusValue::Canceled),
                        ) => {
                            let error = status.error.unwrap_or_default();
                            let message = error.message.or_else(|| {
                                Some(format!("the operation ended {}", state.as_str()))
                            });
                            let kind = ArmErrorKind::OperationFailed {
                                code: error.code,
                                message,
                            };
                            return Err(ArmError::new(kind, &operation).with_ids(answer.ids));
                        }
                        _ => {}
                    }
                }
                Err(error) => {
                    malformed += 1;
                    if malformed > settings.malformed_tolerance {
                        return Err(error);
                    }
                }
            }
        } else if answer.status != 202 {
            return Ok(Completed {
                status: answer.json().ok(),
                response: answer,
                polls,
            });
        }
        wait_for = interval(settings, hint);
    }
}

fn interval(settings: &PollSettings, hint: Option<Duration>) -> Duration {
    hint.unwrap_or(settings.default_interval)
        .clamp(settings.min_interval, settings.max_interval)
}
