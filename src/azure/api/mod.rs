//! The ARM operations restoreplan calls: api-versions, path templates (the
//! spec's own, so the emulator routes on the very strings the client's URLs
//! are checked against) and one builder per operation that turns typed ids
//! into a path and query.
//!
//! Api-versions outside Azure Backup, chosen as the newest stable versions
//! that every public and sovereign cloud serves and whose shapes the wire
//! types follow (see each constant).

mod backup;
mod crr;
mod estate;
mod resources;

use std::fmt;

pub use backup::*;
pub use crr::*;
pub use estate::*;
pub use resources::*;

/// Azure Backup (Recovery Services backup, "active stamp"): the latest stable version.
pub const BACKUP_API_VERSION: &str = "2026-02-01";
/// Cross Region Restore ("passive stamp"), routed by api-version on the secondary region.
pub const CRR_API_VERSION: &str = "2023-01-15";
/// Recovery Services vaults themselves (`Microsoft.RecoveryServices/vaults`).
pub const VAULT_API_VERSION: &str = "2024-04-01";
/// Compute (virtual machines and compute usages): stable, and the first to report `securityProfile.securityType` everywhere.
pub const COMPUTE_API_VERSION: &str = "2024-07-01";
/// Network (virtual networks and subnets, with `ipConfigurations` to count used addresses).
pub const NETWORK_API_VERSION: &str = "2024-05-01";
/// Storage accounts (staging accounts of restores).
pub const STORAGE_API_VERSION: &str = "2023-05-01";
/// Resource deployments (`then: deploy-template`).
pub const RESOURCES_API_VERSION: &str = "2024-03-01";

/// An HTTP method of an ARM operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Read.
    Get,
    /// Create or replace.
    Put,
    /// Action.
    Post,
    /// Partial update.
    Patch,
    /// Delete.
    Delete,
}

impl Method {
    /// The method as HTTP spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One ARM operation: what the spec calls it, and where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId` (for operations outside the bundled specs, the public spec's).
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template with `{parameter}` placeholders, exactly as the spec writes it.
    pub path_template: &'static str,
    /// The api-version the client sends.
    pub api_version: &'static str,
}

impl Operation {
    /// Whether sending this operation twice does no more than sending it once: every
    /// GET, PUT and DELETE, and the POSTs that only read or check (see `http::retry`).
    pub fn is_safe_to_repeat(&self) -> bool {
        self.method != Method::Post
            || matches!(
                self.operation_id,
                "BackupCrrJobDetails_Get"
                    | "BackupCrrJobs_List"
                    | "RecoveryPoints_GetAccessToken"
                    | "Operation_Validate"
            )
    }

    /// Whether this operation spends the read budget (otherwise the write budget).
    pub fn is_read(&self) -> bool {
        self.method == Method::Get
    }
}

/// A request ready for the HTTP layer: the operation, its path (percent-encoded) and its query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The operation this request performs.
    pub operation: &'static Operation,
    /// The percent-encoded path, starting with `/`.
    pub path: String,
    /// Query parameters in order, `api-version` first; values are not yet encoded.
    pub query: Vec<(&'static str, String)>,
}

impl Request {
    pub(crate) fn new(operation: &'static Operation, path: String) -> Self {
        Self {
            operation,
            path,
            query: vec![("api-version", operation.api_version.to_owned())],
        }
    }

    pub(crate) fn with(mut self, name: &'static str, value: Option<String>) -> Self {
        if let Some(value) = value {
            self.query.push((name, value));
        }
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.operation.method
    }

    /// Path and query as they go on the wire (`/subscriptions/…?api-version=…`).
    pub fn path_and_query(&self) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.query)
            .finish();
        // form_urlencoded writes spaces as '+'; ARM's OData filters are safer with %20.
        format!("{}?{}", self.path, query.replace('+', "%20"))
    }
}

/// The OData time format Azure Backup's filters use (as azure-cli sends it), in UTC.
pub(crate) fn odata_time(time: jiff::Timestamp) -> String {
    time.strftime("%Y-%m-%d %I:%M:%S %p").to_string()
}

/// Every operation the client calls, for contract tests and the emulator's router.
pub const ALL_OPERATIONS: &[&Operation] = &[
    &PROTECTED_ITEMS_LIST,
    &PROTECTED_ITEM_GET,
    &RECOVERY_POINTS_LIST,
    &RECOVERY_POINT_GET,
    &RESTORES_TRIGGER,
    &PROTECTED_ITEM_OPERATION_STATUS,
    &PROTECTED_ITEM_OPERATION_RESULT,
    &ILR_PROVISION,
    &ILR_REVOKE,
    &JOB_GET,
    &JOBS_LIST,
    &JOB_CANCEL,
    &JOB_OPERATION_RESULT,
    &BACKUP_OPERATION_STATUS,
    &BACKUP_OPERATION_RESULT,
    &VALIDATE_OPERATION,
    &VALIDATE_OPERATION_TRIGGER,
    &VALIDATE_OPERATION_RESULT,
    &VALIDATE_OPERATION_STATUS,
    &STORAGE_CONFIG_GET,
    &CRR_PROTECTED_ITEMS_LIST,
    &CRR_RECOVERY_POINTS_LIST,
    &CRR_RECOVERY_POINT_GET,
    &AAD_PROPERTIES_GET,
    &CRR_ACCESS_TOKEN,
    &CRR_TRIGGER,
    &CRR_OPERATION_STATUS,
    &CRR_OPERATION_RESULT,
    &CRR_JOB_GET,
    &CRR_JOBS_LIST,
    &VAULT_GET,
    &VIRTUAL_MACHINE_GET,
    &VIRTUAL_MACHINES_LIST_ALL,
    &VIRTUAL_MACHINE_EXTENSION_CREATE,
    &VIRTUAL_NETWORK_GET,
    &SUBNET_GET,
    &NETWORK_INTERFACE_GET,
    &COMPUTE_USAGES_LIST,
    &STORAGE_ACCOUNT_GET,
    &DEPLOYMENT_CREATE,
    &DEPLOYMENT_GET,
    &VAULTS_LIST_BY_SUBSCRIPTION,
    &PROTECTION_POLICY_GET,
    &VIRTUAL_NETWORKS_LIST_ALL,
    &STORAGE_ACCOUNTS_LIST,
    &RESOURCE_GROUPS_LIST,
    &RESOURCES_LIST_BY_RESOURCE_GROUP,
    &RESOURCE_SKUS_LIST,
    &SUBSCRIPTION_GET,
    &SUBSCRIPTION_LOCATIONS_LIST,
];
