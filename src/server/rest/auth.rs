//! `/api/auth/*`: register, sign in, sign out and "who is signed in", with the session carried in
//! the same HttpOnly cookie the web app uses.
use axum::extract::State;
use axum::http::{header, Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::extract::{CurrentUser, JsonBody};
use super::responses::{CrossSite, NotJson, TooLarge, Unavailable};
use crate::api::{AppError, UserDto, UserEnvelope};
use crate::server::actor::Actor;
use crate::server::cookies;
use crate::server::error::ErrorBody;
use crate::server::services::accounts::SignedIn;
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
        CrossSite,
        (status = 409, description = "An account with this email already exists", body = ErrorBody),
        TooLarge,
        NotJson,
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
    let actor = Actor::from_request(&state.config, &headers, &extensions);
    let signed_in = state
        .accounts()
        .register(&actor, &body.email, &body.password)
        .await?;
    Ok(respond_signed_in(&state, StatusCode::CREATED, signed_in))
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
        CrossSite,
        TooLarge,
        NotJson,
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
    let actor = Actor::from_request(&state.config, &headers, &extensions);
    let signed_in = state
        .accounts()
        .login(&actor, &body.email, &body.password)
        .await?;
    Ok(respond_signed_in(&state, StatusCode::OK, signed_in))
}

/// Sign out: the session ends everywhere, including any copy of the cookie.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out (also when no session was open)",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
        CrossSite,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
) -> Result<Response, AppError> {
    let actor = Actor::from_request(&state.config, &headers, &extensions);
    cookies::sign_out(&state, &headers, &actor).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookies::clear_cookie(&state.config))],
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
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn session(CurrentUser(user): CurrentUser) -> Json<UserEnvelope> {
    Json(UserEnvelope {
        user: UserDto::from(&user),
    })
}

fn respond_signed_in(state: &AppState, status: StatusCode, signed_in: SignedIn) -> Response {
    let cookie = cookies::set_cookie(&state.config, signed_in.session_token);
    (
        status,
        [(header::SET_COOKIE, cookie)],
        Json(UserEnvelope {
            user: UserDto::from(&signed_in.user),
        }),
    )
        .into_response()
}
