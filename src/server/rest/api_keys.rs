//! `/api/api-keys`: list, create, read and regenerate the signed-in user's keys. DELETE and PUT
//! answer 405 with the way forward: keys are kept for the record, and changed rather than replaced.
use axum::extract::{Path, Query, State};
use axum::Json;
use serde_json::Value;
use uuid::Uuid;

use super::extract::{CurrentUser, JsonBody, RequestActor};
use super::key_restrictions::restrictions_in;
use super::responses::{CrossSite, NotJson, NotSignedIn, TooLarge, TooManyKeyChanges, Unavailable};
use crate::api::validation::NAME_REQUIRED;
use crate::api::{ApiKeyDetail, AppError, CreatedApiKey, KeyList, RateLimit};
use crate::server::error::ErrorBody;
use crate::server::services::api_keys;
use crate::server::state::AppState;
use crate::server::time::now;

/// A new key's name and optional expiry.
///
/// The handler reads the body field by field, to answer each mistake precisely; this type
/// only describes it in the OpenAPI document.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct CreateKeyRequest {
    /// 1 to 100 visible characters, unique among your live keys.
    #[schema(example = "Zapier")]
    name: String,
    /// When the key stops working: RFC 3339, in the future, at most 366 days ahead. Leave it
    /// out, or send null, for a key that never expires.
    #[schema(required = false, format = DateTime, example = "2027-02-26T09:30:00Z")]
    expires_at: Option<String>,
    /// Scope names from `GET /api/scopes`, at least one, no repeats. Leave it out, or send
    /// null, for full access.
    #[schema(required = false, nullable = true, example = json!(["read"]))]
    scopes: Option<Vec<String>>,
    /// At most `requests` uses in each `perSeconds`. Left out: the operator's default (none
    /// unless configured); null: no limit.
    #[schema(required = false, nullable = true)]
    rate_limit: Option<RateLimit>,
    /// Addresses or CIDR networks (1 to 50) the key may be used from. Leave it out, or send
    /// null, for any address.
    #[schema(required = false, nullable = true, example = json!(["203.0.113.0/24"]))]
    allowed_ips: Option<Vec<String>>,
}

/// Which part of the list: all query parameters are optional.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Keys per answer, 1 to 100 (the default).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `nextCursor` of the previous answer.
    cursor: Option<String>,
    /// Only keys whose name contains this text, ignoring case.
    q: Option<String>,
}

/// Your live keys, newest first, up to 100 at a time: a list of up to 100 keys comes whole,
/// with `nextCursor` null. Secrets are never listed, only masked prefixes.
#[utoipa::path(
    get,
    path = "/api/api-keys",
    tag = "api-keys",
    params(ListParams),
    responses(
        (status = 200, description = "The keys", body = KeyList),
        (status = 400, description = "A `limit` outside 1–100, a `cursor` this server did not give out, or a search text over 100 characters", body = ErrorBody),
        NotSignedIn,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<KeyList>, AppError> {
    let Query(params) =
        params.map_err(|_| AppError::bad_request("The query string could not be read"))?;
    let limit = match params.limit.as_deref() {
        None => None,
        Some(raw) => Some(raw.trim().parse::<u64>().map_err(|_| {
            AppError::bad_request(format!(
                "limit must be a whole number from 1 to {}",
                api_keys::LIST_LIMIT
            ))
        })?),
    };
    let query = api_keys::ListQuery {
        limit,
        cursor: params.cursor,
        search: params.q,
    };
    Ok(Json(api_keys::list(&state.db, user.id, &query).await?))
}

/// Create a key. The answer is the only time its full secret is ever shown.
#[utoipa::path(
    post,
    path = "/api/api-keys",
    tag = "api-keys",
    request_body = CreateKeyRequest,
    responses(
        (status = 200, description = "The new key, with its secret", body = CreatedApiKey),
        (status = 400, description = "Malformed JSON; a missing, blank, non-string, too long or duplicate name; an expiry that is not a future RFC 3339 time within 366 days; an empty, unknown or repeated scope; a rate limit out of bounds; an invalid, repeated or excess network", body = ErrorBody),
        NotSignedIn,
        CrossSite,
        TooLarge,
        NotJson,
        TooManyKeyChanges,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    RequestActor(actor): RequestActor,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<CreatedApiKey>, AppError> {
    let Value::Object(fields) = &body else {
        return Err(AppError::bad_request(
            "Send a JSON object like {\"name\": \"Zapier\"}",
        ));
    };
    let name = match fields.get("name") {
        None | Some(Value::Null) => return Err(AppError::bad_request(NAME_REQUIRED)),
        Some(Value::String(name)) => name,
        Some(_) => return Err(AppError::bad_request("Name must be a string")),
    };
    let expires_at = match fields.get("expiresAt") {
        None | Some(Value::Null) => None,
        Some(Value::String(at)) => Some(at.as_str()),
        Some(_) => return Err(AppError::bad_request(api_keys::EXPIRY_FORMAT)),
    };
    let expires_at = api_keys::parse_expiry(expires_at, now())?;
    let restrictions = restrictions_in(fields)?;
    let new = api_keys::NewKey {
        name: name.clone(),
        expires_at,
        scopes: restrictions.scopes.flatten(),
        rate_limit: restrictions.rate_limit,
        allowed_ips: restrictions.allowed_ips.flatten(),
    };
    Ok(Json(
        api_keys::create(&state.db, &state.policy, user.id, new, &actor).await?,
    ))
}

/// One key with its record: calls per day over the last 30 days (every version of the key
/// counted), every version it has had, and its most recent clients.
#[utoipa::path(
    get,
    path = "/api/api-keys/{id}",
    tag = "api-keys",
    params(("id" = String, Path, description = "The id of a live key", format = "uuid")),
    responses(
        (status = 200, description = "The key and its record", body = ApiKeyDetail),
        NotSignedIn,
        (status = 404, description = "No live key of yours has this id (unknown, someone else's, replaced, or not an id)", body = ErrorBody),
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn detail(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyDetail>, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    Ok(Json(api_keys::detail(&state.db, user.id, id).await?))
}

/// Give a key a new secret, under the same name and for the same lifetime. The old secret
/// stops working the moment this answers; the old version stays in the key's record.
#[utoipa::path(
    post,
    path = "/api/api-keys/{id}",
    tag = "api-keys",
    params(("id" = String, Path, description = "The id of a live key", format = "uuid")),
    responses(
        (status = 200, description = "The new version, with its secret (a new id)", body = CreatedApiKey),
        NotSignedIn,
        CrossSite,
        (status = 404, description = "No live key of yours has this id (including one just replaced by another regenerate)", body = ErrorBody),
        TooManyKeyChanges,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn regenerate(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    RequestActor(actor): RequestActor,
    Path(id): Path<String>,
) -> Result<Json<CreatedApiKey>, AppError> {
    // A malformed id cannot name any key: same answer as an unknown one.
    let id = Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    Ok(Json(
        api_keys::regenerate(&state.db, &state.policy, user.id, id, &actor).await?,
    ))
}

fn no_delete() -> AppError {
    AppError::MethodNotAllowed(
        "API keys cannot be deleted; regenerate a key to replace its secret".into(),
    )
}

/// Keys are never deleted (the record is kept); regenerate one to retire its secret.
#[utoipa::path(
    delete,
    path = "/api/api-keys/{id}",
    tag = "api-keys",
    params(("id" = String, Path, description = "A key id", format = "uuid")),
    responses(
        CrossSite,
        (status = 405, description = "Keys cannot be deleted", body = ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn delete_key() -> AppError {
    no_delete()
}

/// A key is changed field by field (`PATCH`) or given a new secret (`POST`), never replaced.
#[utoipa::path(
    put,
    path = "/api/api-keys/{id}",
    tag = "api-keys",
    params(("id" = String, Path, description = "A key id", format = "uuid")),
    responses(
        CrossSite,
        (status = 405, description = "Keys cannot be replaced this way", body = ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn put_key() -> AppError {
    AppError::MethodNotAllowed(
        "API keys cannot be replaced; PATCH a key's restrictions or regenerate its secret".into(),
    )
}
