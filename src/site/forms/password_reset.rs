//! The forgotten-password forms. A success redirects (`?sent=1`, `?done=1`), so a reload never
//! posts again; a refusal renders the page with the message and what was typed.
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};

use super::fields::first;
use super::render::page_with_outcome;
use super::request::{actor_of, pairs_of, status_of};
use crate::features::auth::password_reset::{ResetOutcome, FORGOT_ACTION, RESET_ACTION};
use crate::server::services::password_reset;
use crate::server::state::AppState;

/// POST /forgot-password
pub async fn request(State(state): State<AppState>, request: Request) -> Response {
    let (request, pairs) = pairs_of(&state, request).await;
    let email = first(&pairs, "email");
    let actor = actor_of(&state, &request);
    let limits = state.limits.password_reset;
    match password_reset::request(&state.db, &state.mailer, limits, &email, &actor).await {
        Ok(()) => Redirect::to(&format!("{FORGOT_ACTION}?sent=1")).into_response(),
        Err(error) => {
            let outcome = ResetOutcome::RequestRefused {
                email,
                error: error.to_string(),
            };
            let mut page =
                page_with_outcome(&state, &request, FORGOT_ACTION, outcome, status_of(&error))
                    .await;
            // As the JSON API does: a 429 says when to come back.
            if let Some(secs) = error.retry_after_secs() {
                page.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            page
        }
    }
}

/// POST /reset-password
pub async fn confirm(State(state): State<AppState>, request: Request) -> Response {
    let (request, pairs) = pairs_of(&state, request).await;
    let token = first(&pairs, "token");
    let actor = actor_of(&state, &request);
    let new_password = first(&pairs, "new_password");
    match password_reset::confirm(&state.db, &state.hashing, &token, &new_password, &actor).await {
        Ok(()) => Redirect::to(&format!("{RESET_ACTION}?done=1")).into_response(),
        Err(error) => {
            let outcome = ResetOutcome::ConfirmRefused {
                token,
                error: error.to_string(),
            };
            page_with_outcome(&state, &request, RESET_ACTION, outcome, status_of(&error)).await
        }
    }
}
