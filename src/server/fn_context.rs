//! Helpers for `#[server]` functions: reach the app state, the request and the signed-in
//! user. (An `AppError` answer gets its HTTP status from `middleware::server_fn_status`.)
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use leptos::prelude::{expect_context, use_context};
use leptos::server_fn::error::FromServerFnError;
use leptos_axum::ResponseOptions;

use super::actor::Actor;
use super::cookies;
use super::entities::users;
use super::forwarded::ClientAddr;
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

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> Result<users::Model, AppError> {
    optional_user().await?.ok_or(AppError::Unauthorized)
}

pub async fn optional_user() -> Result<Option<users::Model>, AppError> {
    let state = state();
    cookies::user_from_headers(&state, &request_headers().await?).await
}

/// Who is calling, as the REST handlers record it (`server::actor`).
pub fn actor() -> Actor {
    let state = state();
    use_context::<axum::http::request::Parts>().map_or_else(Actor::server, |parts| {
        Actor::from_request(&state.config, &parts.headers, &parts.extensions)
    })
}

/// The calling client, as the REST handlers see it (see `server::forwarded`).
pub fn client_addr() -> ClientAddr {
    let state = state();
    use_context::<axum::http::request::Parts>().map_or(ClientAddr::Unknown, |parts| {
        super::forwarded::client_addr(&state.config, &parts.headers, &parts.extensions)
    })
}

pub fn append_header(name: HeaderName, value: HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(name, value);
    }
}
