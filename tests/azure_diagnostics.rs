//! Every run-time diagnostic the Azure client can produce (EX001–EX019), as
//! the operator reads it: code, severity, message with Azure's code and the
//! request ids, and help. One snapshot, so a change of wording is reviewed.

use restoreplan::azure::auth::{AuthError, AuthMethod};
use restoreplan::azure::error::{ArmError, ArmErrorKind, RequestIds};
use restoreplan::azure::wire::error::{ErrorBody, ErrorDetail};
use restoreplan::azure::wire::job::IaasVmErrorInfo;

fn ids() -> RequestIds {
    RequestIds {
        client_request_id: "c0ffee00-0000-4000-8000-000000000001".into(),
        request_id: Some("b7a1c9d2-0000-4000-8000-000000000002".into()),
        correlation_id: Some("5e3f2a10-0000-4000-8000-000000000003".into()),
    }
}

fn azure(code: &str, message: &str) -> Option<ErrorBody> {
    Some(ErrorBody {
        code: Some(code.into()),
        message: Some(message.into()),
        ..ErrorBody::default()
    })
}

fn every_kind() -> Vec<ArmError> {
    let status = |status: u16, error| {
        ArmError::new(ArmErrorKind::Status { status, error }, "Restores_Trigger").with_ids(ids())
    };
    vec![
        ArmError::new(
            ArmErrorKind::Auth(AuthError { method: AuthMethod::ClientSecret, message: "AADSTS7000215: Invalid client secret provided.".into() }),
            "sign-in",
        ),
        status(400, azure("UserErrorInvalidRecoveryPointInTime", "The recovery point is not valid.")),
        status(403, azure("AuthorizationFailed", "The client does not have authorization to perform action.")),
        status(404, azure("BMSUserErrorObjectNotFound", "Item not found.")),
        status(429, azure("TooManyRequests", "The request was throttled.")),
        status(503, None),
        ArmError::new(ArmErrorKind::OutcomeUnknown { message: "the answer broke off".into() }, "Restores_Trigger").with_ids(ids()),
        ArmError::new(ArmErrorKind::Malformed { what: "the JSON body: EOF while parsing an object at line 1 column 30".into() }, "JobDetails_Get")
            .with_ids(ids()),
        ArmError::new(ArmErrorKind::UntrustedUrl { why: "https://attacker.example is not the ARM endpoint https://management.azure.com".into() }, "follow"),
        ArmError::new(
            ArmErrorKind::InvalidId { id: "/subscriptions/x".into(), error: "/subscriptions/x".parse::<restoreplan::azure::id::VaultId>().expect_err("invalid") },
            "plan",
        ),
        ArmError::new(ArmErrorKind::OperationFailed { code: Some("UserErrorTargetDiskExists".into()), message: Some("A disk with that name exists.".into()) }, "Restores_Trigger"),
        ArmError::new(ArmErrorKind::TimedOut { what: "job 3021262a".into() }, "follow job"),
        ArmError::new(
            ArmErrorKind::JobFailed {
                job_id: "3021262a".into(),
                errors: vec![IaasVmErrorInfo {
                    error_code: Some(400207),
                    error_string: Some("Target subnet is full.".into()),
                    recommendations: Some(vec!["Choose a subnet with free addresses.".into()]),
                    ..IaasVmErrorInfo::default()
                }],
            },
            "follow job",
        ),
        ArmError::new(ArmErrorKind::JobCancelled { job_id: "3021262a".into() }, "follow job"),
        ArmError::new(ArmErrorKind::PagingRunaway { why: "page 3 links back to an earlier page".into() }, "RecoveryPoints_List"),
        ArmError::new(
            ArmErrorKind::ValidationFindings(vec![ErrorDetail {
                code: Some("UserErrorStorageAccountNotFound".into()),
                message: Some("The staging account does not exist.".into()),
                recommendations: Some(vec!["Create the storage account.".into()]),
            }]),
            "Operation_Validate",
        ),
        ArmError::new(ArmErrorKind::NotProtected { vm: "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/sql-01".into() }, "BackupProtectedItems_List"),
        ArmError::new(ArmErrorKind::TemplateMissing { job_id: "3021262a".into() }, "deploy-template"),
        ArmError::new(ArmErrorKind::DeploymentFailed { name: "restore-sql-01".into(), error: azure("InvalidTemplateDeployment", "Quota exceeded.") }, "Deployments_CreateOrUpdate"),
        ArmError::new(ArmErrorKind::Unsupported { what: "disk network access settings are not in the cross-region restore API (2023-01-15)".into() }, "CrossRegionRestore_Trigger"),
    ]
}

#[test]
fn every_run_time_diagnostic_reads_well() {
    let mut text = String::new();
    let mut codes = Vec::new();
    for error in every_kind() {
        let diagnostic = error.to_diagnostic();
        codes.push(diagnostic.code.id());
        text.push_str(&format!(
            "{} {}: {}\n  help: {}\n\n",
            diagnostic.code.id(),
            diagnostic.severity.as_str(),
            diagnostic.message,
            diagnostic.help.unwrap_or_default()
        ));
    }
    codes.sort();
    codes.dedup();
    let expected: Vec<String> = (1..=19).map(|n| format!("EX{n:03}")).collect();
    assert_eq!(
        codes, expected,
        "every EX code is reachable from some error"
    );
    insta::assert_snapshot!(text);
}
