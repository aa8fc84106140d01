//! `/api/account/*`: the signed-in account's password, sessions and security log.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::extract::{CurrentSession, JsonBody, RequestActor};
use super::responses::{CrossSite, NotJson, NotSignedIn, TooLarge, Unavailable};
use crate::api::account::{SecurityEventPage, SessionList};
use crate::api::AppError;
use crate::server::error::ErrorBody;
use crate::server::services::{account, security_log, sessions};
use crate::server::state::AppState;

/// The current password and the new one.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    #[schema(example = "correct horse battery staple")]
    current_password: String,
    /// 12 to 128 characters, as at registration.
    #[schema(example = "a longer and newer passphrase")]
    new_password: String,
}

/// How many sessions ended.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionsEnded {
    #[schema(example = 2)]
    ended: u64,
}

/// `before`: the `nextBefore` of the previous page.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// The cursor of the previous page (`nextBefore`); absent for the newest entries.
    before: Option<String>,
}

/// Change the password.
///
/// Every other session of the account ends; this one stays signed in. A wrong current
/// password counts as a failed sign-in, under the same limits.
#[utoipa::path(
    post,
    path = "/api/account/password",
    tag = "account",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; every other session has ended"),
        (status = 400, description = "The current password is wrong, or the new one is outside 12–128 characters", body = ErrorBody),
        NotSignedIn,
        CrossSite,
        TooLarge,
        NotJson,
        (status = 429, description = "Too many failed attempts (the sign-in limits)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until an attempt is accepted again"))),
        (status = 503, description = "The database is unavailable, or too many passwords are being hashed", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(("session" = [])),
)]
pub async fn change_password(
    State(state): State<AppState>,
    CurrentSession(current): CurrentSession,
    RequestActor(actor): RequestActor,
    JsonBody(body): JsonBody<PasswordChange>,
) -> Result<StatusCode, AppError> {
    state
        .accounts()
        .change_password(
            &actor,
            &current.user,
            &current.session.token_hash,
            &body.current_password,
            &body.new_password,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where the account is signed in, newest first.
///
/// `lastSeenAt` is written at most once a minute per session.
#[utoipa::path(
    get,
    path = "/api/account/sessions",
    tag = "account",
    responses(
        (status = 200, description = "The account's live sessions", body = SessionList),
        NotSignedIn,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn list_sessions(
    State(state): State<AppState>,
    CurrentSession(current): CurrentSession,
) -> Result<Json<SessionList>, AppError> {
    Ok(Json(
        sessions::list(&state.db, current.user.id, &current.session.token_hash).await?,
    ))
}

/// End one session.
///
/// Its cookie stops working at once, on every instance. Ending the current session signs
/// this client out.
#[utoipa::path(
    delete,
    path = "/api/account/sessions/{id}",
    tag = "account",
    params(("id" = String, Path, description = "A session's id from `GET /api/account/sessions`")),
    responses(
        (status = 204, description = "Ended"),
        NotSignedIn,
        CrossSite,
        (status = 404, description = "No session of yours has this id (ended already, or not yours)", body = ErrorBody),
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn end_session(
    State(state): State<AppState>,
    CurrentSession(current): CurrentSession,
    RequestActor(actor): RequestActor,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    account::end_session(&state.db, current.user.id, &id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every other session.
///
/// Every session of the account but this one ends at once, on every instance.
#[utoipa::path(
    post,
    path = "/api/account/sessions/revoke-others",
    tag = "account",
    responses(
        (status = 200, description = "How many sessions ended", body = SessionsEnded),
        NotSignedIn,
        CrossSite,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    CurrentSession(current): CurrentSession,
    RequestActor(actor): RequestActor,
) -> Result<Json<SessionsEnded>, AppError> {
    let ended = account::end_other_sessions(
        &state.db,
        current.user.id,
        &current.session.token_hash,
        &actor,
    )
    .await?;
    Ok(Json(SessionsEnded { ended }))
}

/// The security log, newest first, 50 entries a page.
///
/// Sign-ins (and failed ones), sign-outs, password changes, ended sessions, and keys
/// created, regenerated or restricted, each with its time and, where a request caused it,
/// the address and user agent. Entries are never changed or deleted.
#[utoipa::path(
    get,
    path = "/api/account/events",
    tag = "account",
    params(EventsQuery),
    responses(
        (status = 200, description = "A page of the log", body = SecurityEventPage),
        (status = 400, description = "`before` is not a cursor from a previous page", body = ErrorBody),
        NotSignedIn,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn events(
    State(state): State<AppState>,
    CurrentSession(current): CurrentSession,
    Query(query): Query<EventsQuery>,
) -> Result<Json<SecurityEventPage>, AppError> {
    Ok(Json(
        security_log::page(&state.db, current.user.id, query.before.as_deref()).await?,
    ))
}
