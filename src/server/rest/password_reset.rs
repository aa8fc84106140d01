//! `/api/auth/password-reset`: a reset link by email, and the new password it allows.
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::extract::{JsonBody, RequestActor};
use super::responses::{CrossSite, NotJson, TooLarge};
use crate::api::AppError;
use crate::server::error::ErrorBody;
use crate::server::services::password_reset;
use crate::server::state::AppState;

/// The account's email.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetRequest {
    #[schema(example = "ada@example.com")]
    email: String,
}

/// The token from the link and the new password.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResetConfirmation {
    /// The `token` parameter of the link in the mail.
    token: String,
    /// 12 to 128 characters, as at registration.
    #[schema(example = "a longer and newer passphrase")]
    new_password: String,
}

/// Ask for a password reset link.
///
/// The answer is the same, and as fast, whether or not an account has this email: if one
/// has, it is mailed a link to `/reset-password?token=…` that works once, for 30 minutes.
/// Each email may ask 5 times an hour and each address 30 times (configurable).
#[utoipa::path(
    post,
    path = "/api/auth/password-reset",
    tag = "auth",
    request_body = ResetRequest,
    responses(
        (status = 202, description = "Accepted: if the account exists, a link is on its way"),
        (status = 400, description = "Malformed JSON or an invalid email", body = ErrorBody),
        CrossSite,
        TooLarge,
        NotJson,
        (status = 429, description = "Too many reset requests for this email or from this address", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until a request is accepted again"))),
        (status = 503, description = "Email is not configured on this server, or the database is unavailable", body = ErrorBody),
    ),
    security(()),
)]
pub async fn request(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    JsonBody(body): JsonBody<ResetRequest>,
) -> Result<StatusCode, AppError> {
    password_reset::request(
        &state.db,
        &state.mailer,
        state.limits.password_reset,
        &body.email,
        &actor,
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with a reset link's token.
///
/// Every session of the account ends: sign in with the new password. A token that is
/// unknown, already used or expired gets the same 400.
#[utoipa::path(
    post,
    path = "/api/auth/password-reset/confirm",
    tag = "auth",
    request_body = ResetConfirmation,
    responses(
        (status = 204, description = "The password is changed; every session has ended"),
        (status = 400, description = "The link is invalid or expired, or the new password is outside 12–128 characters", body = ErrorBody),
        CrossSite,
        TooLarge,
        NotJson,
        (status = 503, description = "The database is unavailable, or too many passwords are being hashed", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(()),
)]
pub async fn confirm(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    JsonBody(body): JsonBody<ResetConfirmation>,
) -> Result<StatusCode, AppError> {
    password_reset::confirm(
        &state.db,
        &state.hashing,
        &body.token,
        &body.new_password,
        &actor,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
