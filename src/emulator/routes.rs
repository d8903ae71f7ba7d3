//! The route table: the token endpoint and the emulator's own endpoints
//! outside ARM's rules, and every ARM route behind faults, bearer tokens,
//! budgets and its api-versions.

use super::envelope::ArmError;
use super::layers;
use super::state::State;
use super::{arm, token};
use axum::Router;
use axum::extract::{Path, State as Shared};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
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
        .route("/_blob/{account}/{container}/{blob}", get(blob))
        .with_state(state.clone())
        .fallback_service(arm::CanonicalPaths(arm))
        .layer(from_fn(layers::refuse_path_tricks))
        .layer(from_fn_with_state(state, layers::record))
        .layer(from_fn(layers::identify))
}

/// `GET /_emulator/world`.
async fn world(Shared(state): Shared<Arc<State>>) -> axum::Json<serde_json::Value> {
    axum::Json(state.world().to_json())
}

/// `GET /_blob/{account}/{container}/{blob}`: a blob a disk restore wrote to
/// its staging account (the `Template Blob Uri` of its job), for a bearer
/// token the emulator issued.
async fn blob(
    Shared(state): Shared<Arc<State>>,
    Path((account, container, name)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> Response {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !token.is_some_and(|t| state.tokens.check(t) == super::token::TokenCheck::Valid) {
        return ArmError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationInfo",
            "Server failed to authenticate the request: a valid bearer token is required.",
        )
        .into_response();
    }
    let world = state.world();
    match world
        .blobs
        .iter()
        .find(|b| b.account == account && b.container == container && b.name == name)
    {
        Some(found) => axum::Json(found.content.clone()).into_response(),
        None => ArmError::not_found("BlobNotFound", "The specified blob does not exist.")
            .into_response(),
    }
}
