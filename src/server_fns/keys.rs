//! Server functions behind the API key settings page. Same service layer as the REST
//! handlers in `server::rest::api_keys`.
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use crate::api::{ApiKeyDetail, AppError, CreatedApiKey, KeyList};

/// `create_key`'s `expires_at` for a key that never expires.
pub const NEVER: &str = "never";

/// A page of the keys list: after `cursor` (a `nextCursor`), optionally searched by name.
#[server(prefix = "/api/fn", endpoint = "list_keys", output = Postcard)]
pub async fn list_keys(
    cursor: Option<String>,
    search: Option<String>,
) -> Result<KeyList, AppError> {
    use crate::server::fn_context::{require_user, state};
    use crate::server::services::api_keys;
    let user = require_user().await?;
    let query = api_keys::ListQuery {
        limit: None,
        cursor,
        search,
    };
    api_keys::list(&state().db, user.id, &query).await
}

/// `expires_at`: RFC 3339, or `never` for a key that never expires. Required: an empty value
/// is a mistake (400), not a key that lives forever.
#[server(prefix = "/api/fn", endpoint = "create_key", output = Postcard)]
pub async fn create_key(name: String, expires_at: String) -> Result<CreatedApiKey, AppError> {
    use crate::server::fn_context::{require_user, state};
    use crate::server::services::api_keys;
    let user = require_user().await?;
    let requested = (expires_at != NEVER).then_some(expires_at.as_str());
    let expires_at = api_keys::parse_expiry(requested, crate::server::time::now())?;
    let state = state();
    api_keys::create(
        &state.db,
        state.limits.key_changes,
        user.id,
        &name,
        expires_at,
    )
    .await
}

#[server(prefix = "/api/fn", endpoint = "regenerate_key", output = Postcard)]
pub async fn regenerate_key(id: String) -> Result<CreatedApiKey, AppError> {
    use crate::server::fn_context::{require_user, state};
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    let state = state();
    crate::server::services::api_keys::regenerate(&state.db, state.limits.key_changes, user.id, id)
        .await
}

#[server(prefix = "/api/fn", endpoint = "key_detail", output = Postcard)]
pub async fn key_detail(id: String) -> Result<ApiKeyDetail, AppError> {
    use crate::server::fn_context::{require_user, state};
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    crate::server::services::api_keys::detail(&state().db, user.id, id).await
}
