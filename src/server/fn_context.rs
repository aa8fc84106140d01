//! Helpers for `#[server]` functions: reach the app state and the signed-in user, and make
//! a failure carry its HTTP status (server functions default to 500 otherwise).
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use leptos::prelude::{expect_context, use_context};
use leptos::server_fn::error::FromServerFnError;
use leptos_axum::ResponseOptions;

use super::entities::users;
use super::session;
use super::state::AppState;
use crate::api::AppError;

pub fn state() -> AppState {
    expect_context::<AppState>()
}

pub async fn request_headers() -> Result<HeaderMap, AppError> {
    leptos_axum::extract::<HeaderMap>()
        .await
        .map_err(AppError::from_server_fn_error)
}

/// The signed-in user, or `Unauthorized` (with its 401 status set on the response).
pub async fn require_user() -> Result<users::Model, AppError> {
    optional_user()
        .await?
        .ok_or_else(|| fail(AppError::Unauthorized))
}

pub async fn optional_user() -> Result<Option<users::Model>, AppError> {
    let headers = request_headers().await?;
    match session::token_from_headers(&headers) {
        Some(token) => session::resolve(&state().db, &token).await.map_err(fail),
        None => Ok(None),
    }
}

/// Sets the response status for `err` and hands it back, for `.map_err(fail)`.
pub fn fail(err: AppError) -> AppError {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    err
}

pub fn append_header(name: HeaderName, value: HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(name, value);
    }
}
