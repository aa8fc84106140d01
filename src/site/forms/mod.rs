//! The HTML forms, posted by a browser without (or before) the WASM: the key pages' create,
//! regenerate and restrictions (`keys`), the Security page's (`account`), and the forgotten
//! password's (`password_reset`). Each runs the
//! same service call as the JSON API and the server functions, and answers with the page
//! again, rendered by the server with the outcome (`render`): the new secret shown once, with
//! `Cache-Control: no-store`, never in a URL or a redirect; or the form with what was typed and
//! what to fix. A change that reveals nothing (restrictions, the Security page's forms)
//! answers with a redirect back to its page instead.
//!
//! Cross-site posts are refused by the same check as every other state change
//! (`server::middleware::cross_site`), and signed-out posts are sent to sign in
//! (`server::middleware::settings_guard`).
mod account;
mod fields;
mod keys;
mod password_reset;
mod render;
mod request;

use axum::routing::post;
use axum::Router;

use crate::server::state::AppState;

/// The form routes (POST only; the pages themselves are the app's routes).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/api-keys/new", post(keys::create))
        .route("/settings/api-keys/{id}/regenerate", post(keys::regenerate))
        .route(
            "/settings/api-keys/{id}/restrictions",
            post(keys::restrictions),
        )
        .route(
            "/settings/security/password",
            post(account::change_password),
        )
        .route(
            "/settings/security/sessions/revoke-others",
            post(account::revoke_others),
        )
        .route(
            "/settings/security/sessions/{id}/end",
            post(account::end_session),
        )
        .route("/forgot-password", post(password_reset::request))
        .route("/reset-password", post(password_reset::confirm))
}
