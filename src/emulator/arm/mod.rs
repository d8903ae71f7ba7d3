//! The ARM routes: one per operation of the shared contract
//! (`crate::azure::api::ALL_OPERATIONS`), on the spec's own path templates,
//! so the emulator serves exactly what the client calls. Operations that
//! share a path (the cross-region restore calls reach the same vault URLs
//! with another api-version) are told apart by `api-version`, as ARM does.

mod call;
mod convert;
mod deployments;
mod estate;
mod extensions;
mod file_recovery;
mod filter;
mod items;
mod jobs;
mod machines;
mod operations;
mod resources;
mod restore;
mod validate;

use super::envelope::ArmError;
use super::state::State;
use crate::azure::api::{ALL_OPERATIONS, Method, Operation};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State as Shared};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use call::Call;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::Arc;

/// Every ARM route.
pub fn routes() -> Router<Arc<State>> {
    let mut by_route: IndexMap<(&'static str, Method), Vec<&'static Operation>> = IndexMap::new();
    for operation in ALL_OPERATIONS
        .iter()
        .filter(|op| handler(op.operation_id).is_some())
    {
        by_route
            .entry((operation.path_template, operation.method))
            .or_default()
            .push(operation);
    }
    let mut by_path: IndexMap<&'static str, MethodRouter<Arc<State>>> = IndexMap::new();
    for ((path, method), operations) in by_route {
        let filter = match method {
            Method::Get => MethodFilter::GET,
            Method::Put => MethodFilter::PUT,
            Method::Post => MethodFilter::POST,
            Method::Patch => MethodFilter::PATCH,
            Method::Delete => MethodFilter::DELETE,
        };
        let handler = move |state: Shared<Arc<State>>,
                            params: Result<Path<HashMap<String, String>>, PathRejection>,
                            query: RawQuery,
                            body: Bytes| {
            let operations = operations.clone();
            async move { dispatch(&operations, state.0, params, query.0, body) }
        };
        let route = by_path.shift_remove(path).unwrap_or_default();
        by_path.insert(path, route.merge(on(filter, handler)));
    }
    let mut router = Router::new();
    for (path, route) in by_path {
        router = router.route(path, route);
    }
    router
}

/// Picks the operation by `api-version` and runs it.
fn dispatch(
    operations: &[&'static Operation],
    state: Arc<State>,
    params: Result<Path<HashMap<String, String>>, PathRejection>,
    query: Option<String>,
    body: Bytes,
) -> Response {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let Some(version) = query
        .iter()
        .find(|(k, _)| k == "api-version")
        .map(|(_, v)| v.clone())
    else {
        return ArmError::bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
        .into_response();
    };
    let Some(operation) = operations.iter().find(|op| op.api_version == version) else {
        let supported: Vec<&str> = operations.iter().map(|op| op.api_version).collect();
        return ArmError::bad_request(
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{version}' is invalid. The supported versions are '{}'.",
                supported.join(",")
            ),
        )
        .into_response();
    };
    let params = match params {
        Ok(Path(params)) => params,
        Err(rejection) => {
            return ArmError::bad_request(
                "InvalidRequestUri",
                format!("The request path cannot be read: {rejection}."),
            )
            .into_response();
        }
    };
    let call = Call {
        operation,
        params,
        query,
        body,
        state,
    };
    let Some(handle) = handler(operation.operation_id) else {
        return ArmError::not_found(
            "InvalidResourceType",
            "The emulator does not serve this operation.",
        )
        .into_response();
    };
    handle(&call).unwrap_or_else(IntoResponse::into_response)
}

/// The operations the emulator serves: those of the contract with a handler.
pub fn served() -> Vec<&'static Operation> {
    ALL_OPERATIONS
        .iter()
        .copied()
        .filter(|op| handler(op.operation_id).is_some())
        .collect()
}

/// What runs an operation.
type Handler = fn(&Call) -> Result<Response, ArmError>;

/// The handler of an operation; only operations with one are routed.
fn handler(operation_id: &str) -> Option<Handler> {
    Some(match operation_id {
        "BackupProtectedItems_List" | "BackupProtectedItemsCrr_List" => items::list_items,
        "ProtectedItems_Get" => items::get_item,
        "RecoveryPoints_List" | "RecoveryPointsCrr_List" => items::list_points,
        "RecoveryPoints_Get" | "RecoveryPointsCrr_Get" => items::get_point,
        "BackupResourceStorageConfigsNonCRR_Get" => items::storage_config,
        "AadProperties_Get" => items::aad_properties,
        "RecoveryPoints_GetAccessToken" => items::access_token,
        "Restores_Trigger" => restore::trigger,
        "CrossRegionRestore_Trigger" => restore::trigger_cross_region,
        "Operation_Validate" => validate::validate,
        "ValidateOperation_Trigger" => validate::validate_async,
        "ItemLevelRecoveryConnections_Provision" => file_recovery::provision,
        "ItemLevelRecoveryConnections_Revoke" => file_recovery::revoke,
        "ProtectedItemOperationStatuses_Get"
        | "BackupOperationStatuses_Get"
        | "ValidateOperationStatuses_Get"
        | "CrrOperationStatus_Get" => operations::status,
        "ProtectedItemOperationResults_Get"
        | "BackupOperationResults_Get"
        | "ValidateOperationResults_Get"
        | "CrrOperationResults_Get"
        | "JobOperationResults_Get" => operations::result,
        "JobDetails_Get" => jobs::get,
        "BackupJobs_List" => jobs::list,
        "JobCancellations_Trigger" => jobs::cancel,
        "BackupCrrJobDetails_Get" => jobs::crr_get,
        "BackupCrrJobs_List" => jobs::crr_list,
        "Vaults_Get" => resources::vault,
        "VirtualMachines_Get" => resources::virtual_machine,
        "VirtualMachines_ListAll" => resources::virtual_machines,
        "VirtualMachineExtensions_CreateOrUpdate" => extensions::create,
        "VirtualNetworks_Get" => resources::virtual_network,
        "Subnets_Get" => resources::subnet,
        "NetworkInterfaces_Get" => resources::network_interface,
        "Usage_List" => resources::usages,
        "StorageAccounts_GetProperties" => resources::storage_account,
        "Deployments_CreateOrUpdate" => deployments::create,
        "Deployments_Get" => deployments::get,
        "Vaults_ListBySubscriptionId" => estate::vaults,
        "ProtectionPolicies_Get" => estate::protection_policy,
        "VirtualNetworks_ListAll" => estate::virtual_networks,
        "StorageAccounts_List" => estate::storage_accounts,
        "ResourceGroups_List" => estate::resource_groups,
        "Resources_ListByResourceGroup" => estate::group_resources,
        "ResourceSkus_List" => estate::resource_skus,
        "Subscriptions_Get" => estate::subscription_get,
        "Subscriptions_ListLocations" => estate::locations,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_of_the_contract_has_a_handler() {
        let missing: Vec<&str> = super::ALL_OPERATIONS
            .iter()
            .map(|op| op.operation_id)
            .filter(|id| super::handler(id).is_none())
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }
}

/// ARM compares the keywords of a path without case (`resourcegroups` is
/// `resourceGroups`), the router does not: this service rewrites the
/// keywords of a path that fits an operation's template to the template's
/// spelling before routing, and leaves the names as sent.
#[derive(Clone)]
pub struct CanonicalPaths(pub Router);

impl tower_service::Service<axum::extract::Request> for CanonicalPaths {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = <Router as tower_service::Service<axum::extract::Request>>::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        tower_service::Service::<axum::extract::Request>::poll_ready(&mut self.0, cx)
    }

    fn call(&mut self, mut request: axum::extract::Request) -> Self::Future {
        if let Some(path) = canonical(request.uri().path()) {
            let rebuilt = match request.uri().query() {
                Some(query) => format!("{path}?{query}"),
                None => path,
            };
            if let Ok(uri) = rebuilt.parse() {
                *request.uri_mut() = uri;
            }
        }
        self.0.call(request)
    }
}

/// The path with its keywords spelled as the first template it fits.
fn canonical(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    ALL_OPERATIONS.iter().find_map(|operation| {
        let template: Vec<&str> = operation.path_template.split('/').collect();
        let fits = template.len() == segments.len()
            && template
                .iter()
                .zip(&segments)
                .all(|(t, s)| t.starts_with('{') || t.eq_ignore_ascii_case(s));
        fits.then(|| {
            template
                .iter()
                .zip(&segments)
                .map(|(t, s)| if t.starts_with('{') { *s } else { *t })
                .collect::<Vec<_>>()
                .join("/")
        })
    })
}
