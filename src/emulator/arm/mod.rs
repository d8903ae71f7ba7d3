//! The ARM routes, grouped by the api-versions they accept.

mod vault;

use super::layers::require_api_version;
use super::state::State;
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use std::sync::Arc;

/// The Recovery Services backup api-version of the primary region.
pub const BACKUP_API_VERSIONS: &[&str] = &["2026-02-01"];

/// Every ARM route.
pub fn routes() -> Router<Arc<State>> {
    let vault = "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.RecoveryServices/vaults/{vault}";
    Router::new()
        .route(
            &format!("{vault}/backupstorageconfig/vaultstorageconfig"),
            get(vault::storage_config),
        )
        .route_layer(from_fn_with_state(BACKUP_API_VERSIONS, require_api_version))
}
