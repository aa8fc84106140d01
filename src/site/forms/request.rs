//! What every form handler reads from its request: the signed-in user, who posted, the
//! fields, and the status an error answers with.
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Form;

use super::fields::Pairs;
use crate::api::AppError;
use crate::server::actor::Actor;
use crate::server::cookies;
use crate::server::entities::users;
use crate::server::services::sessions::Resolved;
use crate::server::state::AppState;

/// The signed-in user (the settings guard has sent everyone else to sign in already).
pub async fn user_of(state: &AppState, request: &Parts) -> Result<users::Model, AppError> {
    cookies::user_from_headers(state, &request.headers)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// The signed-in session with its user, for the forms that act on the session itself.
pub async fn session_of(state: &AppState, request: &Parts) -> Result<Resolved, AppError> {
    cookies::session_from_headers(state, &request.headers)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// Who posted the form, for the security log.
pub fn actor_of(state: &AppState, request: &Parts) -> Actor {
    Actor::from_request(&state.config, &request.headers, &request.extensions)
}

/// The body's fields; an unreadable body reads as an empty form, which every form refuses
/// with the message for its first field.
pub async fn pairs_of(state: &AppState, request: Request) -> (Parts, Pairs) {
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(parts.clone(), body);
    let pairs = match Form::<Pairs>::from_request(request, state).await {
        Ok(Form(pairs)) => pairs,
        Err(_) => Vec::new(),
    };
    (parts, pairs)
}

pub fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST)
}
