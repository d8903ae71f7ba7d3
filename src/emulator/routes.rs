//! The route table: the token endpoint and the emulator's own endpoints
//! outside ARM's rules, and every ARM route behind faults, bearer tokens,
//! budgets and its api-versions.

use super::layers;
use super::state::State;
use super::{arm, token};
use axum::Router;
use axum::extract::State as Shared;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use std::sync::Arc;

/// The whole application.
pub fn router(state: Arc<State>) -> Router {
    let arm = arm::routes()
        .fallback(layers::unknown_route)
        .method_not_allowed_fallback(layers::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), layers::throttle))
        .layer(from_fn_with_state(state.clone(), layers::authenticate))
        .layer(from_fn_with_state(state.clone(), layers::inject_faults))
        .with_state(state.clone());
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/_emulator/world", get(world))
        .with_state(state.clone())
        .fallback_service(arm)
        .layer(from_fn(layers::refuse_path_tricks))
        .layer(from_fn_with_state(state, layers::record))
        .layer(from_fn(layers::identify))
}

/// `GET /_emulator/world`.
async fn world(Shared(state): Shared<Arc<State>>) -> axum::Json<serde_json::Value> {
    axum::Json(state.world().to_json())
}
