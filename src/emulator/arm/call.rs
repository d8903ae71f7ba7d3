//! One ARM call as a handler sees it: the operation, the decoded path
//! parameters, the query and the body, with the lookups every handler needs
//! (the vault, the protected item, the recovery point) and the shapes of the
//! answers (200 with JSON, 202 with the polling headers, paging).

use crate::azure::api::Operation;
use crate::azure::id::{ProtectedItemId, VaultId};
use crate::emulator::envelope::ArmError;
use crate::emulator::state::{State, real_seconds};
use crate::model::{InventoryVault, ProtectedItem, RecoveryPoint};
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Arc;

/// Simulated seconds a long-running operation takes to be accepted and done.
pub const OPERATION_SECONDS: i64 = 10;

/// One ARM call.
pub struct Call {
    /// The operation the route and api-version selected.
    pub operation: &'static Operation,
    /// The path parameters, percent-decoded.
    pub params: HashMap<String, String>,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The request body.
    pub body: Bytes,
    /// The emulator's state.
    pub state: Arc<State>,
}

impl Call {
    /// A path parameter; the route guarantees the names it declares.
    pub fn param(&self, name: &str) -> Result<&str, ArmError> {
        self.params.get(name).map(String::as_str).ok_or_else(|| {
            ArmError::bad_request("InvalidRequestUri", format!("The path has no {name}."))
        })
    }

    /// A query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body read as `T`; 400 `InvalidRequestContent` when it cannot be,
    /// or when it has a member `T` does not know: a misspelled field that
    /// Azure would not act on must not pass silently in a test.
    pub fn json<T: DeserializeOwned + Serialize>(&self) -> Result<T, ArmError> {
        let invalid = |why: String| {
            ArmError::bad_request(
                "InvalidRequestContent",
                format!("The request content was invalid and could not be deserialized: {why}."),
            )
        };
        let sent: serde_json::Value =
            serde_json::from_slice(&self.body).map_err(|e| invalid(e.to_string()))?;
        let typed: T = serde_json::from_value(sent.clone()).map_err(|e| invalid(e.to_string()))?;
        let known = serde_json::to_value(&typed).unwrap_or_default();
        if let Some(path) = unknown_member(&sent, &known, String::new()) {
            return Err(invalid(format!("could not find member '{path}'")));
        }
        Ok(typed)
    }

    /// The vault of the path, validated.
    pub fn vault_id(&self) -> Result<VaultId, ArmError> {
        let text = format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.RecoveryServices/vaults/{}",
            self.param("subscriptionId")?,
            self.param("resourceGroupName")?,
            self.param("vaultName")?
        );
        text.parse()
            .map_err(|error: crate::azure::id::IdError| invalid_id(&error))
    }

    /// The protected item of the path, validated.
    pub fn item_id(&self) -> Result<ProtectedItemId, ArmError> {
        let text = format!(
            "{}/backupFabrics/{}/protectionContainers/{}/protectedItems/{}",
            self.vault_id()?,
            self.param("fabricName")?,
            self.param("containerName")?,
            self.param("protectedItemName")?
        );
        text.parse()
            .map_err(|error: crate::azure::id::IdError| invalid_id(&error))
    }

    /// `https://127.0.0.1:<port>` followed by `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.state.base_url)
    }

    /// `Retry-After` for a wait of `simulated` seconds.
    pub fn retry_after(&self, simulated: i64) -> u64 {
        real_seconds(&self.state.time, simulated.max(1) as f64)
    }
}

/// The first member of `sent` (a JSON pointer) that the typed reading
/// dropped; members sent as `null` count as absent.
fn unknown_member(
    sent: &serde_json::Value,
    known: &serde_json::Value,
    at: String,
) -> Option<String> {
    use serde_json::Value;
    match (sent, known) {
        (Value::Object(sent), Value::Object(known)) => sent.iter().find_map(|(name, value)| {
            let here = format!("{at}/{name}");
            match known.get(name) {
                _ if value.is_null() => None,
                None => Some(here),
                Some(kept) => unknown_member(value, kept, here),
            }
        }),
        (Value::Array(sent), Value::Array(known)) => sent
            .iter()
            .zip(known)
            .enumerate()
            .find_map(|(i, (value, kept))| unknown_member(value, kept, format!("{at}/{i}"))),
        _ => None,
    }
}

/// 400 for a path whose names no Azure resource could have.
pub fn invalid_id(error: &crate::azure::id::IdError) -> ArmError {
    ArmError::bad_request(
        "InvalidResourceName",
        format!(
            "The resource id in the path is not valid: {}.",
            error.reason()
        ),
    )
}

/// The vault, item and point a path names, or ARM's 404.
pub struct Found<'w> {
    /// The vault.
    pub vault: &'w InventoryVault,
    /// The protected item.
    pub item: &'w ProtectedItem,
    /// The recovery point, when the path names one.
    pub point: Option<&'w RecoveryPoint>,
}

/// Finds the vault of an id in the world.
pub fn find_vault<'w>(
    inventory: &'w crate::model::Inventory,
    vault: &VaultId,
) -> Result<&'w InventoryVault, ArmError> {
    inventory.vault_by_id(&vault.to_string()).ok_or_else(|| {
        ArmError::not_found(
            "ResourceNotFound",
            format!("The Resource 'Microsoft.RecoveryServices/vaults/{}' under resource group '{}' was not found.", vault.name(), vault.resource_group.name()),
        )
    })
}

/// Finds the protected item (and the point, if `point` is given) in the world.
pub fn find<'w>(
    inventory: &'w crate::model::Inventory,
    item: &ProtectedItemId,
    point: Option<&str>,
) -> Result<Found<'w>, ArmError> {
    let vault = find_vault(inventory, &item.vault)?;
    // Azure Backup names the item after the VM's group and name; the VM is
    // in the vault's subscription, so the index finds it without a scan.
    let vm_id = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/virtualMachines/{}",
        item.vault.resource_group.subscription.as_str(),
        item.vm_resource_group(),
        item.vm_name()
    );
    let found = inventory
        .protected_item_in(&vault.id, &vm_id)
        .ok_or_else(|| {
            ArmError::not_found(
                "BMSUserErrorItemNotFound",
                format!(
                    "Protected item '{}' was not found in vault '{}'.",
                    item.item_name(),
                    vault.name()
                ),
            )
        })?;
    let point = match point {
        None => None,
        Some(id) => Some(found.recovery_point(id).ok_or_else(|| {
            ArmError::not_found(
                "UserErrorRecoveryPointNotFound",
                format!(
                    "Recovery point '{id}' of '{}' was not found.",
                    found.vm_name()
                ),
            )
        })?),
    };
    Ok(Found {
        vault,
        item: found,
        point,
    })
}

/// 200 with a JSON body.
pub fn ok(body: &impl Serialize) -> Result<Response, ArmError> {
    Ok(axum::Json(serde_json::to_value(body).unwrap_or_default()).into_response())
}

/// 202 with `Azure-AsyncOperation`, `Location` and `Retry-After`.
pub fn accepted(
    status_url: &str,
    result_url: &str,
    retry_after: u64,
) -> Result<Response, ArmError> {
    let mut response = StatusCode::ACCEPTED.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        ("azure-asyncoperation", status_url),
        ("location", result_url),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    Ok(response)
}

/// One page of `items` after `$skipToken`, with the next page's link.
pub fn page<T: Clone>(call: &Call, items: &[T], path: &str) -> (Vec<T>, Option<String>) {
    let size = usize::try_from(call.state.settings.page_size)
        .unwrap_or(usize::MAX)
        .max(1);
    let skip = call
        .query("$skipToken")
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(0);
    let page: Vec<T> = items.iter().skip(skip).take(size).cloned().collect();
    let next = (skip + size < items.len()).then(|| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in call
            .query
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("$skipToken"))
        {
            query.append_pair(key, value);
        }
        query.append_pair("$skipToken", &(skip + size).to_string());
        call.url(&format!("{path}?{}", query.finish().replace('+', "%20")))
    });
    (page, next)
}
