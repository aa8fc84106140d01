//! The JSON HTTP API: thin axum adapters over the service layer.
pub mod api_keys;
pub mod auth;
pub mod extract;
pub mod health;
pub mod v1;

use axum::routing::{get, post};
use axum::Router;

use super::state::AppState;
use crate::api::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/register", post(auth::register))
        .route("/api/auth/login", post(auth::login))
        .route("/api/auth/logout", post(auth::logout))
        .route("/api/auth/session", get(auth::session))
        .route("/api/api-keys", get(api_keys::list).post(api_keys::create))
        .route(
            "/api/api-keys/{id}",
            get(api_keys::detail)
                .post(api_keys::regenerate)
                .delete(api_keys::no_delete)
                .put(api_keys::no_delete)
                .patch(api_keys::no_delete),
        )
        .route("/api/v1/me", get(v1::me))
        // GET only (HEAD comes with it): Caddy and Traefik ask with GET, and the nginx
        // example sets `proxy_method GET` for its subrequest.
        .route("/api/v1/authorize", get(v1::authorize))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed("This endpoint does not support that HTTP method".into())
}
