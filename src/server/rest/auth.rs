use axum::extract::State;
use axum::http::{header, Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::extract::{CurrentUser, JsonBody};
use crate::api::{AppError, UserDto, UserEnvelope};
use crate::server::client_ip::client_ip;
use crate::server::entities::users;
use crate::server::services::accounts;
use crate::server::services::login_throttle::Limits;
use crate::server::services::sign_up_throttle::SignUpLimits;
use crate::server::session;
use crate::server::state::AppState;

#[derive(Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
}

pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    let ip = client_ip(&headers, &extensions, state.config.trust_forwarded_for);
    let limits = SignUpLimits::from_config(&state.config);
    let user = accounts::register(
        &state.db,
        &state.hashing,
        limits,
        &ip,
        &body.email,
        &body.password,
    )
    .await?;
    signed_in(&state, StatusCode::CREATED, user).await
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    let ip = client_ip(&headers, &extensions, state.config.trust_forwarded_for);
    let limits = Limits::from_config(&state.config);
    let user = accounts::login(
        &state.db,
        &state.hashing,
        limits,
        &ip,
        &body.email,
        &body.password,
    )
    .await?;
    signed_in(&state, StatusCode::OK, user).await
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    session::destroy_from_headers(&state.db, &state.config, &headers).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(&state.config))],
    )
        .into_response())
}

pub async fn session(CurrentUser(user): CurrentUser) -> Json<UserEnvelope> {
    Json(UserEnvelope {
        user: UserDto::from(&user),
    })
}

async fn signed_in(
    state: &AppState,
    status: StatusCode,
    user: users::Model,
) -> Result<Response, AppError> {
    let token = session::create(&state.db, &state.config, user.id).await?;
    let cookie = session::set_cookie(&state.config, token);
    Ok((
        status,
        [(header::SET_COOKIE, cookie)],
        Json(UserEnvelope {
            user: UserDto::from(&user),
        }),
    )
        .into_response())
}
