//! The JSON HTTP API: thin axum adapters over the service layer. Every route is declared
//! once, in `api()`, which gives both the router and the OpenAPI document (`doc`); the answers
//! many operations share are declared once too (`responses`).
pub mod account;
pub mod api_keys;
pub mod auth;
pub mod doc;
pub mod extract;
pub mod forward_auth;
pub mod health;
pub mod key_restrictions;
pub mod password_reset;
mod responses;
pub mod v1;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::state::AppState;
use crate::api::AppError;
use doc::{__path_openapi_json, openapi_json, ApiDoc};

/// The routes and their documentation, one `routes!` per path (utoipa-axum merges the
/// handlers of one call into one method router).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::session))
        .routes(routes!(password_reset::request))
        .routes(routes!(password_reset::confirm))
        .routes(routes!(account::change_password))
        .routes(routes!(account::list_sessions))
        .routes(routes!(account::end_session))
        .routes(routes!(account::revoke_other_sessions))
        .routes(routes!(account::events))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(
            api_keys::detail,
            api_keys::regenerate,
            api_keys::delete_key,
            api_keys::put_key,
            key_restrictions::update
        ))
        .routes(routes!(key_restrictions::scopes))
        .routes(routes!(v1::me))
        // GET only (HEAD comes with it): Caddy and Traefik ask with GET, and the nginx
        // example sets `proxy_method GET` for its subrequest.
        .routes(routes!(forward_auth::authorize))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(openapi_json))
}

pub fn routes() -> Router<AppState> {
    let (router, _) = api().split_for_parts();
    router.method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed("This endpoint does not support that HTTP method".into())
}
