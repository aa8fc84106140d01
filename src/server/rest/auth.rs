use axum::extract::State;
use axum::http::{header, Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::extract::{CurrentUser, JsonBody};
use crate::api::{AppError, UserDto, UserEnvelope};
use crate::server::entities::users;
use crate::server::error::ErrorBody;
use crate::server::forwarded::client_addr;
use crate::server::services::accounts;
use crate::server::session;
use crate::server::state::AppState;

/// An email and a password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    #[schema(example = "ada@example.com")]
    email: String,
    /// 12 to 128 characters when registering.
    #[schema(example = "correct horse battery staple")]
    password: String,
}

/// Create an account and sign in.
///
/// The email is trimmed and lower-cased; it may not contain invisible or text-direction
/// characters. The password must be 12 to 128 characters. Each address may register 30
/// accounts an hour; a registration that finds the email taken counts too.
#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "auth",
    request_body = Credentials,
    responses(
        (status = 201, description = "Signed up and signed in", body = UserEnvelope,
            headers(("Set-Cookie" = String, description = "The session cookie: `keyward_session` (or `__Host-keyward_session` behind TLS), HttpOnly, SameSite=Lax"))),
        (status = 400, description = "Malformed JSON, an invalid email, or a password outside 12–128 characters", body = ErrorBody),
        (status = 403, description = "Sent by a page on another site", body = ErrorBody),
        (status = 409, description = "An account with this email already exists", body = ErrorBody),
        (status = 413, description = "Body larger than 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as `application/json`", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until a registration is accepted again"))),
        (status = 503, description = "The database is unavailable, or too many passwords are being hashed", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(()),
)]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    let ip = client_addr(&state.config, &headers, &extensions).throttle_bucket();
    let user = accounts::register(
        &state.db,
        &state.hashing,
        state.limits.sign_up,
        &ip,
        &body.email,
        &body.password,
    )
    .await?;
    signed_in(&state, StatusCode::CREATED, user).await
}

/// Sign in.
///
/// After 10 failed attempts for one email (or 50 from one address) within 15 minutes, every
/// attempt, the right password included, gets 429 until the oldest failure ages out.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = UserEnvelope,
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Invalid email or password (the answer never says which)", body = ErrorBody),
        (status = 403, description = "Sent by a page on another site", body = ErrorBody),
        (status = 413, description = "Body larger than 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as `application/json`", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until an attempt is accepted again"))),
        (status = 503, description = "The database is unavailable, or too many passwords are being checked", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(()),
)]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    let ip = client_addr(&state.config, &headers, &extensions).throttle_bucket();
    let user = accounts::login(
        &state.db,
        &state.hashing,
        state.limits.sign_in,
        &ip,
        &body.email,
        &body.password,
    )
    .await?;
    signed_in(&state, StatusCode::OK, user).await
}

/// Sign out: the session ends everywhere, including any copy of the cookie.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out (also when no session was open)",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
        (status = 403, description = "Sent by a page on another site", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(("session" = [])),
)]
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

/// Who is signed in.
#[utoipa::path(
    get,
    path = "/api/auth/session",
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in user", body = UserEnvelope),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(("session" = [])),
)]
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
