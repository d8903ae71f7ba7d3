//! Everything that can go wrong talking to Azure, and how it becomes a
//! [`Diagnostic`] with an `EX0xx` code: Azure's own code and message, its
//! recommendations, and the ids support needs (correlation, request, client
//! request). No secret and no URL query (SAS signatures live there) is ever
//! put into an error.

use std::fmt;

use super::auth::AuthError;
use super::id::IdError;
use super::wire::error::{ErrorBody, ErrorDetail};
use super::wire::job::IaasVmErrorInfo;
use crate::diagnostic::{Code, Diagnostic};

/// The ids of one request: ours, and those Azure returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestIds {
    /// `x-ms-client-request-id`, sent on every request.
    pub client_request_id: String,
    /// `x-ms-request-id` from the answer.
    pub request_id: Option<String>,
    /// `x-ms-correlation-request-id` from the answer.
    pub correlation_id: Option<String>,
}

impl fmt::Display for RequestIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(correlation) = &self.correlation_id {
            write!(f, "correlation id {correlation}; ")?;
        }
        if let Some(request) = &self.request_id {
            write!(f, "request id {request}; ")?;
        }
        write!(f, "client request id {}", self.client_request_id)
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum ArmErrorKind {
    /// No token could be obtained.
    Auth(AuthError),
    /// Azure answered with an error status that is not retried (or no longer).
    Status {
        /// The HTTP status.
        status: u16,
        /// Azure's error body, when it sent a readable one.
        error: Option<ErrorBody>,
    },
    /// The request failed in transport after every permitted attempt.
    Transport {
        /// What the transport said.
        message: String,
    },
    /// A request that is not safe to repeat may have been received; its answer was lost.
    OutcomeUnknown {
        /// What the transport said.
        message: String,
    },
    /// An answer could not be read.
    Malformed {
        /// What was wrong with it.
        what: String,
    },
    /// A URL that is not https or points to another host.
    UntrustedUrl {
        /// Why, with the URL's scheme and host only.
        why: String,
    },
    /// A resource id that is not valid.
    InvalidId {
        /// The id, as given.
        id: String,
        /// Why.
        error: IdError,
    },
    /// A long-running operation ended in failure.
    OperationFailed {
        /// Azure's code.
        code: Option<String>,
        /// Azure's message.
        message: Option<String>,
    },
    /// An operation or job did not end before its deadline.
    TimedOut {
        /// What was being waited for.
        what: String,
    },
    /// A backup job failed.
    JobFailed {
        /// The job's id.
        job_id: String,
        /// Azure Backup's error details.
        errors: Vec<IaasVmErrorInfo>,
    },
    /// A backup job was cancelled.
    JobCancelled {
        /// The job's id.
        job_id: String,
    },
    /// A listing did not end.
    PagingRunaway {
        /// Why it was stopped.
        why: String,
    },
    /// Azure's validation reported problems.
    ValidationFindings(Vec<ErrorDetail>),
    /// The vault has no protected item for the VM.
    NotProtected {
        /// The VM's id.
        vm: String,
    },
    /// The disk restore job left no template.
    TemplateMissing {
        /// The job's id.
        job_id: String,
    },
    /// A request restoreplan will not send because the API version in use cannot express it.
    Unsupported {
        /// What cannot be expressed.
        what: String,
    },
    /// A deployment failed.
    DeploymentFailed {
        /// The deployment's name.
        name: String,
        /// Azure's error.
        error: Option<ErrorBody>,
    },
}

/// An error of the Azure client: what, during which operation, with which request ids.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmError {
    /// What went wrong (boxed: errors travel in `Result`s and should stay small).
    pub kind: Box<ArmErrorKind>,
    /// The operation (`Restores_Trigger`, or the method and path of a followed URL).
    pub operation: String,
    /// The ids of the failing request, when there was one.
    pub ids: Option<RequestIds>,
}

impl ArmError {
    /// An error of `operation` without request ids.
    pub fn new(kind: ArmErrorKind, operation: impl Into<String>) -> Self {
        Self {
            kind: Box::new(kind),
            operation: operation.into(),
            ids: None,
        }
    }

    /// Attaches the request ids.
    pub fn with_ids(mut self, ids: RequestIds) -> Self {
        self.ids = Some(ids);
        self
    }

    /// Azure's error code, when Azure gave one.
    pub fn azure_code(&self) -> Option<&str> {
        match self.kind.as_ref() {
            ArmErrorKind::Status {
                error: Some(error), ..
            }
            | ArmErrorKind::DeploymentFailed {
                error: Some(error), ..
            } => error.code.as_deref(),
            ArmErrorKind::OperationFailed { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The stable diagnostic code.
    pub fn code(&self) -> Code {
        match self.kind.as_ref() {
            ArmErrorKind::Auth(_) => Code::AuthFailed,
            ArmErrorKind::Status {
                status: 401 | 403, ..
            } => Code::ArmForbidden,
            ArmErrorKind::Status { status: 404, .. } => Code::ArmNotFound,
            ArmErrorKind::Status { status: 429, .. } => Code::ArmThrottled,
            ArmErrorKind::Status {
                status: 408 | 500..=599,
                ..
            }
            | ArmErrorKind::Transport { .. } => Code::ArmUnavailable,
            ArmErrorKind::Status { .. } | ArmErrorKind::Unsupported { .. } => Code::ArmRejected,
            ArmErrorKind::OutcomeUnknown { .. } => Code::ArmOutcomeUnknown,
            ArmErrorKind::Malformed { .. } => Code::ArmMalformedResponse,
            ArmErrorKind::UntrustedUrl { .. } => Code::UntrustedUrl,
            ArmErrorKind::InvalidId { .. } => Code::InvalidResourceId,
            ArmErrorKind::OperationFailed { .. } => Code::OperationFailed,
            ArmErrorKind::TimedOut { .. } => Code::OperationTimedOut,
            ArmErrorKind::JobFailed { .. } => Code::JobFailed,
            ArmErrorKind::JobCancelled { .. } => Code::JobCancelled,
            ArmErrorKind::PagingRunaway { .. } => Code::PagingRunaway,
            ArmErrorKind::ValidationFindings(_) => Code::AzureValidationFinding,
            ArmErrorKind::NotProtected { .. } => Code::NotProtected,
            ArmErrorKind::TemplateMissing { .. } => Code::TemplateMissing,
            ArmErrorKind::DeploymentFailed { .. } => Code::DeploymentFailed,
        }
    }

    /// Azure's recommendations, when it gave some.
    fn recommendations(&self) -> Vec<String> {
        match self.kind.as_ref() {
            ArmErrorKind::JobFailed { errors, .. } => errors
                .iter()
                .flat_map(|e| e.recommendations.clone().unwrap_or_default())
                .collect(),
            ArmErrorKind::ValidationFindings(findings) => findings
                .iter()
                .flat_map(|f| f.recommendations.clone().unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The error as a diagnostic: the code's severity, one message with Azure's
    /// code, message and the request ids, and Azure's recommendations (or the code's fix) as help.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        let recommendations = self.recommendations();
        let help = if recommendations.is_empty() {
            code.info().fix.to_owned()
        } else {
            recommendations.join(" ")
        };
        Diagnostic::new(code, self.to_string()).with_help(help)
    }
}

fn azure_error_text(error: &ErrorBody) -> String {
    let code = error.code.as_deref().unwrap_or("no code");
    let message = error.message.as_deref().unwrap_or("no message");
    let mut text = format!("Azure {code}: {message}");
    for detail in error.details.iter().flatten() {
        text.push_str(&format!(" [{}]", azure_error_text(detail)));
    }
    text
}

impl fmt::Display for ArmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match self.kind.as_ref() {
            ArmErrorKind::Auth(error) => write!(f, "{error}")?,
            ArmErrorKind::Status {
                status,
                error: Some(error),
            } => write!(f, "HTTP {status}, {}", azure_error_text(error))?,
            ArmErrorKind::Status {
                status,
                error: None,
            } => write!(f, "HTTP {status} without an Azure error body")?,
            ArmErrorKind::Transport { message } => write!(f, "the connection failed: {message}")?,
            ArmErrorKind::OutcomeUnknown { message } => write!(
                f,
                "the answer was lost ({message}) and the request may have been received"
            )?,
            ArmErrorKind::Malformed { what } => write!(f, "unreadable answer: {what}")?,
            ArmErrorKind::UntrustedUrl { why } => write!(f, "refused URL: {why}")?,
            ArmErrorKind::InvalidId { id, error } => {
                write!(f, "{id:?} is not a valid id: {error}")?
            }
            ArmErrorKind::OperationFailed { code, message } => write!(
                f,
                "the operation failed, Azure {}: {}",
                code.as_deref().unwrap_or("no code"),
                message.as_deref().unwrap_or("no message")
            )?,
            ArmErrorKind::TimedOut { what } => write!(f, "{what} did not end before the deadline")?,
            ArmErrorKind::JobFailed { job_id, errors } => {
                write!(f, "job {job_id} failed")?;
                for error in errors {
                    let code = error
                        .error_code
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "no code".into());
                    write!(
                        f,
                        "; Azure {code}: {}",
                        error.error_string.as_deref().unwrap_or("no message")
                    )?;
                }
            }
            ArmErrorKind::JobCancelled { job_id } => write!(f, "job {job_id} was cancelled")?,
            ArmErrorKind::PagingRunaway { why } => write!(f, "the listing did not end: {why}")?,
            ArmErrorKind::ValidationFindings(findings) => {
                write!(f, "Azure's validation found {} problem(s)", findings.len())?;
                for finding in findings {
                    let code = finding.code.as_deref().unwrap_or("no code");
                    write!(
                        f,
                        "; Azure {code}: {}",
                        finding.message.as_deref().unwrap_or("no message")
                    )?;
                }
            }
            ArmErrorKind::Unsupported { what } => write!(f, "not sent: {what}")?,
            ArmErrorKind::NotProtected { vm } => write!(f, "the vault does not protect {vm}")?,
            ArmErrorKind::TemplateMissing { job_id } => {
                write!(f, "job {job_id} left no 'Template Blob Uri'")?
            }
            ArmErrorKind::DeploymentFailed { name, error } => {
                write!(f, "deployment {name} failed")?;
                if let Some(error) = error {
                    write!(f, ", {}", azure_error_text(error))?;
                }
            }
        }
        if let Some(ids) = &self.ids {
            write!(f, " ({ids})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ArmError {}

/// A URL for messages and logs: scheme, host, port and path, never the query (SAS tokens live there).
pub fn redacted_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arm_error_names_azures_code_message_and_ids() {
        let error = ArmError::new(
            ArmErrorKind::Status {
                status: 400,
                error: Some(ErrorBody {
                    code: Some("UserErrorInvalidRecoveryPointInTime".into()),
                    message: Some("The recovery point is not valid.".into()),
                    ..Default::default()
                }),
            },
            "Restores_Trigger",
        )
        .with_ids(RequestIds {
            client_request_id: "c-1".into(),
            request_id: Some("r-1".into()),
            correlation_id: Some("k-1".into()),
        });
        let diagnostic = error.to_diagnostic();
        assert_eq!(diagnostic.code.id(), "EX002");
        assert_eq!(
            diagnostic.message,
            "Restores_Trigger: HTTP 400, Azure UserErrorInvalidRecoveryPointInTime: The recovery point is not valid. \
             (correlation id k-1; request id r-1; client request id c-1)"
        );
        assert_eq!(
            error.azure_code(),
            Some("UserErrorInvalidRecoveryPointInTime")
        );
    }

    #[test]
    fn a_failed_job_gives_azures_recommendations_as_help() {
        let error = ArmError::new(
            ArmErrorKind::JobFailed {
                job_id: "j-1".into(),
                errors: vec![IaasVmErrorInfo {
                    error_code: Some(400207),
                    error_string: Some("Target subnet is full.".into()),
                    recommendations: Some(vec!["Choose a subnet with free addresses.".into()]),
                    ..Default::default()
                }],
            },
            "follow job",
        );
        let diagnostic = error.to_diagnostic();
        assert_eq!(diagnostic.code.id(), "EX013");
        assert_eq!(
            diagnostic.message,
            "follow job: job j-1 failed; Azure 400207: Target subnet is full."
        );
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("Choose a subnet with free addresses.")
        );
    }

    #[test]
    fn urls_in_messages_lose_their_query() {
        let url = url::Url::parse(
            "https://st.blob.core.windows.net/c/azuredeploy.json?sv=2024&sig=SECRET",
        )
        .expect("url");
        assert_eq!(
            redacted_url(&url),
            "https://st.blob.core.windows.net/c/azuredeploy.json"
        );
    }
}
