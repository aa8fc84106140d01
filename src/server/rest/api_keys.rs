use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;
use uuid::Uuid;

use super::extract::{CurrentUser, JsonBody};
use crate::api::validation::NAME_REQUIRED;
use crate::api::{ApiKeyDetail, AppError, CreatedApiKey, KeyList};
use crate::server::services::api_keys;
use crate::server::state::AppState;
use crate::server::time::now;

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<KeyList>, AppError> {
    Ok(Json(KeyList {
        keys: api_keys::list(&state.db, user.id).await?,
    }))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<CreatedApiKey>, AppError> {
    if !body.is_object() {
        return Err(AppError::bad_request(
            "Send a JSON object like {\"name\": \"Zapier\"}",
        ));
    }
    let name = match body.get("name") {
        None | Some(Value::Null) => return Err(AppError::bad_request(NAME_REQUIRED)),
        Some(Value::String(name)) => name,
        Some(_) => return Err(AppError::bad_request("Name must be a string")),
    };
    let expires_at = match body.get("expiresAt") {
        None | Some(Value::Null) => None,
        Some(Value::String(at)) => Some(at.as_str()),
        Some(_) => return Err(AppError::bad_request(api_keys::EXPIRY_FORMAT)),
    };
    let expires_at = api_keys::parse_expiry(expires_at, now())?;
    Ok(Json(
        api_keys::create(&state.db, user.id, name, expires_at).await?,
    ))
}

/// `GET /api/api-keys/{id}`: the key and its record (see `services::api_keys::detail`).
pub async fn detail(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyDetail>, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    Ok(Json(api_keys::detail(&state.db, user.id, id).await?))
}

pub async fn regenerate(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CreatedApiKey>, AppError> {
    // A malformed id cannot name any key: same answer as an unknown one.
    let id = Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    Ok(Json(api_keys::regenerate(&state.db, user.id, id).await?))
}

pub async fn no_delete() -> AppError {
    AppError::MethodNotAllowed(
        "API keys cannot be deleted; regenerate a key to replace its secret".into(),
    )
}
