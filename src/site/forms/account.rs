//! The Security page's forms: change the password, sign out one session or all the others.
//! A success answers with a redirect back to the page (`?done=…` says what happened), so a
//! reload never posts again; a refusal renders the page with the message.
use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::fields::first;
use super::render::page_with_outcome;
use super::request::{actor_of, pairs_of, session_of, status_of};
use crate::api::AppError;
use crate::features::account::SecurityOutcome;
use crate::server::cookies;
use crate::server::services::{account, sessions};
use crate::server::state::AppState;

const SECURITY_PAGE: &str = "/settings/security";

fn done(what: &str) -> Response {
    Redirect::to(&format!("{SECURITY_PAGE}?done={what}")).into_response()
}

async fn refused(
    state: &AppState,
    request: &axum::http::request::Parts,
    outcome: SecurityOutcome,
    error: &AppError,
) -> Response {
    page_with_outcome(state, request, SECURITY_PAGE, outcome, status_of(error)).await
}

/// POST /settings/security/password
pub async fn change_password(State(state): State<AppState>, request: Request) -> Response {
    let (request, pairs) = pairs_of(&state, request).await;
    let result = async {
        let current = session_of(&state, &request).await?;
        let actor = actor_of(&state, &request);
        state
            .accounts()
            .change_password(
                &actor,
                &current.user,
                &current.session.token_hash,
                &first(&pairs, "current_password"),
                &first(&pairs, "new_password"),
            )
            .await
    }
    .await;
    match result {
        Ok(()) => done("password"),
        Err(error) => {
            let outcome = SecurityOutcome::PasswordRefused(error.to_string());
            refused(&state, &request, outcome, &error).await
        }
    }
}

/// POST /settings/security/sessions/{id}/end. Ending the session the form was posted with
/// signs this browser out.
pub async fn end_session(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (request, _) = pairs_of(&state, request).await;
    let result = async {
        let current = session_of(&state, &request).await?;
        let actor = actor_of(&state, &request);
        account::end_session(&state.db, current.user.id, &id, &actor).await?;
        Ok::<_, AppError>(sessions::public_id(&current.session.token_hash) == id)
    }
    .await;
    match result {
        Ok(false) => done("session"),
        Ok(true) => (
            [(header::SET_COOKIE, cookies::clear_cookie(&state.config))],
            Redirect::to("/login"),
        )
            .into_response(),
        Err(error) => {
            let outcome = SecurityOutcome::SessionRefused(error.to_string());
            refused(&state, &request, outcome, &error).await
        }
    }
}

/// POST /settings/security/sessions/revoke-others
pub async fn revoke_others(State(state): State<AppState>, request: Request) -> Response {
    let (request, _) = pairs_of(&state, request).await;
    let result = async {
        let current = session_of(&state, &request).await?;
        let actor = actor_of(&state, &request);
        account::end_other_sessions(
            &state.db,
            current.user.id,
            &current.session.token_hash,
            &actor,
        )
        .await
    }
    .await;
    match result {
        Ok(_) => done("others"),
        Err(error) => {
            let outcome = SecurityOutcome::SessionRefused(error.to_string());
            refused(&state, &request, outcome, &error).await
        }
    }
}
