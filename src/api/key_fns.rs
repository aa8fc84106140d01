//! Server functions behind the API key settings page. Same service layer as the REST
//! handlers in `server::rest::api_keys`.
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use super::{ApiKeyDetail, ApiKeySummary, AppError, CreatedApiKey};

#[server(prefix = "/api/fn", endpoint = "list_keys", output = Postcard)]
pub async fn list_keys() -> Result<Vec<ApiKeySummary>, AppError> {
    use crate::server::fn_context::{require_user, state};
    let user = require_user().await?;
    crate::server::services::api_keys::list(&state().db, user.id).await
}

#[server(prefix = "/api/fn", endpoint = "create_key", output = Postcard)]
/// `expires_at`: RFC 3339, or `None` for a key that never expires.
pub async fn create_key(
    name: String,
    expires_at: Option<String>,
) -> Result<CreatedApiKey, AppError> {
    use crate::server::fn_context::{require_user, state};
    use crate::server::services::api_keys;
    let user = require_user().await?;
    let expires_at = api_keys::parse_expiry(expires_at.as_deref(), crate::server::time::now())?;
    api_keys::create(&state().db, user.id, &name, expires_at).await
}

#[server(prefix = "/api/fn", endpoint = "regenerate_key", output = Postcard)]
pub async fn regenerate_key(id: String) -> Result<CreatedApiKey, AppError> {
    use crate::server::fn_context::{require_user, state};
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    crate::server::services::api_keys::regenerate(&state().db, user.id, id).await
}

#[server(prefix = "/api/fn", endpoint = "key_detail", output = Postcard)]
pub async fn key_detail(id: String) -> Result<ApiKeyDetail, AppError> {
    use crate::server::fn_context::{require_user, state};
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    crate::server::services::api_keys::detail(&state().db, user.id, id).await
}
