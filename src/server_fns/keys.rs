//! Server functions behind the API key settings page. Same service layer as the REST
//! handlers in `server::rest::api_keys`.
//!
//! Each takes what it needs from the request's context (`state()`, `actor()`) before its first
//! `.await`: a resource the server does not wait for (the restriction options) can be polled
//! again after the page's render has ended and its context is gone.
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use crate::api::{
    ApiKeyDetail, ApiKeySummary, AppError, CreatedApiKey, KeyList, KeyRestrictions,
    RestrictionOptions,
};

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
    let state = state();
    let user = require_user().await?;
    let query = api_keys::ListQuery {
        limit: None,
        cursor,
        search,
    };
    api_keys::list(&state.db, user.id, &query).await
}

/// `expires_at`: RFC 3339, or `never` for a key that never expires. Required: an empty value
/// is a mistake (400), not a key that lives forever. The form states every restriction, so
/// none falls back to a default.
#[server(prefix = "/api/fn", endpoint = "create_key", input = Postcard, output = Postcard)]
pub async fn create_key(
    name: String,
    expires_at: String,
    restrictions: KeyRestrictions,
) -> Result<CreatedApiKey, AppError> {
    use crate::server::fn_context::{actor, require_user, state};
    use crate::server::services::api_keys;
    let (state, actor) = (state(), actor());
    let user = require_user().await?;
    let requested = (expires_at != NEVER).then_some(expires_at.as_str());
    let expires_at = api_keys::parse_expiry(requested, crate::server::time::now())?;
    let new = api_keys::NewKey {
        name,
        expires_at,
        scopes: restrictions.scopes,
        rate_limit: Some(restrictions.rate_limit),
        allowed_ips: restrictions.allowed_ips,
    };
    api_keys::create(&state.db, &state.policy, user.id, new, &actor).await
}

/// What the restrictions form offers: the scope catalog and the operator's bounds.
#[server(prefix = "/api/fn", endpoint = "restriction_options", output = Postcard)]
pub async fn load_restriction_options() -> Result<RestrictionOptions, AppError> {
    use crate::server::fn_context::{require_user, state};
    let state = state();
    require_user().await?;
    let rules = &state.policy.restrictions;
    Ok(RestrictionOptions {
        scopes: rules.catalog.list(),
        max_requests: rules.max_requests,
        default_rate_limit: rules.default_rate_limit,
    })
}

/// Replaces all three of a key's restrictions (the form shows them all).
#[server(prefix = "/api/fn", endpoint = "update_restrictions", input = Postcard, output = Postcard)]
pub async fn update_restrictions(
    id: String,
    restrictions: KeyRestrictions,
) -> Result<ApiKeySummary, AppError> {
    use crate::server::fn_context::{actor, require_user, state};
    use crate::server::services::api_keys;
    let (state, actor) = (state(), actor());
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    let patch = api_keys::RestrictionPatch {
        scopes: Some(restrictions.scopes),
        rate_limit: Some(restrictions.rate_limit),
        allowed_ips: Some(restrictions.allowed_ips),
    };
    api_keys::update_restrictions(&state.db, &state.policy, user.id, id, patch, &actor).await
}

#[server(prefix = "/api/fn", endpoint = "regenerate_key", output = Postcard)]
pub async fn regenerate_key(id: String) -> Result<CreatedApiKey, AppError> {
    use crate::server::fn_context::{actor, require_user, state};
    let (state, actor) = (state(), actor());
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    crate::server::services::api_keys::regenerate(&state.db, &state.policy, user.id, id, &actor)
        .await
}

/// One live key as listed (the regenerate page's confirmation names it).
#[server(prefix = "/api/fn", endpoint = "key_summary", output = Postcard)]
pub async fn key_summary(id: String) -> Result<ApiKeySummary, AppError> {
    use crate::server::fn_context::{require_user, state};
    let state = state();
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    crate::server::services::api_keys::live_summary(&state.db, user.id, id).await
}

#[server(prefix = "/api/fn", endpoint = "key_detail", output = Postcard)]
pub async fn key_detail(id: String) -> Result<ApiKeyDetail, AppError> {
    use crate::server::fn_context::{require_user, state};
    let state = state();
    let user = require_user().await?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    crate::server::services::api_keys::detail(&state.db, user.id, id).await
}
