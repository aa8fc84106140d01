//! The key forms' handlers: create, regenerate, restrictions.
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::fields;
use super::render::page_with_outcome;
use super::request::{actor_of, pairs_of, status_of, user_of};
use crate::api::forms::{FormOutcome, KeyFormInput};
use crate::api::validation::validate_key_name;
use crate::api::AppError;
use crate::server::services::api_keys::{self, NewKey, RestrictionPatch};
use crate::server::state::AppState;
use crate::server::time::now;

const NEW_KEY_PAGE: &str = "/settings/api-keys/new";

/// POST /settings/api-keys/new: the create page's form.
pub async fn create(State(state): State<AppState>, request: Request) -> Response {
    let (request, pairs) = pairs_of(&state, request).await;
    let input = fields::key_form(&pairs);
    match create_from(&state, &request, &input).await {
        Ok(key) => {
            page_with_outcome(
                &state,
                &request,
                NEW_KEY_PAGE,
                FormOutcome::Revealed(key),
                StatusCode::OK,
            )
            .await
        }
        Err(error) => {
            let status = status_of(&error);
            let outcome = FormOutcome::CreateRefused {
                error: error.to_string(),
                input,
            };
            page_with_outcome(&state, &request, NEW_KEY_PAGE, outcome, status).await
        }
    }
}

async fn create_from(
    state: &AppState,
    request: &Parts,
    input: &KeyFormInput,
) -> Result<crate::api::CreatedApiKey, AppError> {
    let user = user_of(state, request).await?;
    // The same checks, in the same order, as the browser makes before sending.
    validate_key_name(&input.name).map_err(AppError::bad_request)?;
    let expires_at = fields::expiry(input, now()).map_err(AppError::bad_request)?;
    let restrictions = input
        .restrictions
        .read(state.policy.restrictions.max_requests)
        .map_err(AppError::bad_request)?;
    let new = NewKey {
        name: input.name.clone(),
        expires_at,
        scopes: restrictions.scopes,
        rate_limit: Some(restrictions.rate_limit),
        allowed_ips: restrictions.allowed_ips,
    };
    api_keys::create(
        &state.db,
        &state.policy,
        user.id,
        new,
        &actor_of(state, request),
    )
    .await
}

/// POST /settings/api-keys/{id}/regenerate: the confirmation page's form.
pub async fn regenerate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (request, _) = pairs_of(&state, request).await;
    let page = format!("/settings/api-keys/{id}/regenerate");
    let result = async {
        let user = user_of(&state, &request).await?;
        let id = Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
        api_keys::regenerate(
            &state.db,
            &state.policy,
            user.id,
            id,
            &actor_of(&state, &request),
        )
        .await
    }
    .await;
    match result {
        Ok(key) => {
            page_with_outcome(
                &state,
                &request,
                &page,
                FormOutcome::Revealed(key),
                StatusCode::OK,
            )
            .await
        }
        Err(error) => {
            let status = status_of(&error);
            let outcome = FormOutcome::RegenerateRefused {
                error: error.to_string(),
            };
            page_with_outcome(&state, &request, &page, outcome, status).await
        }
    }
}

/// POST /settings/api-keys/{id}/restrictions: the key page's restrictions form. Nothing
/// secret comes back, so success is a redirect to the key's page (a reload cannot post twice).
pub async fn restrictions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (request, pairs) = pairs_of(&state, request).await;
    let input = fields::restrictions(&pairs);
    let page = format!("/settings/api-keys/{id}");
    let result = async {
        let user = user_of(&state, &request).await?;
        let key_id = Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
        let chosen = input
            .read(state.policy.restrictions.max_requests)
            .map_err(AppError::bad_request)?;
        let patch = RestrictionPatch {
            scopes: Some(chosen.scopes),
            rate_limit: Some(chosen.rate_limit),
            allowed_ips: Some(chosen.allowed_ips),
        };
        let actor = actor_of(&state, &request);
        api_keys::update_restrictions(&state.db, &state.policy, user.id, key_id, patch, &actor)
            .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&page).into_response(),
        Err(error) => {
            let status = status_of(&error);
            let outcome = FormOutcome::RestrictionsRefused {
                error: error.to_string(),
                input,
            };
            page_with_outcome(&state, &request, &page, outcome, status).await
        }
    }
}
