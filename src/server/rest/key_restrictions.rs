//! A key's restrictions over HTTP: the scope catalog, reading `scopes`, `rateLimit` and
//! `allowedIps` from a body (each absent, null or a value), and changing them (`PATCH`).
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::extract::{CurrentUser, JsonBody, RequestActor};
use super::responses::{CrossSite, NotJson, NotSignedIn, TooLarge, TooManyKeyChanges, Unavailable};
use crate::api::{ApiKeySummary, AppError, RateLimit, ScopeList};
use crate::server::error::ErrorBody;
use crate::server::services::api_keys::{self, RestrictionPatch};
use crate::server::state::AppState;

const SCOPES_SHAPE: &str =
    "scopes must be a list of scope names like [\"read\"], or null for full access";
const RATE_LIMIT_SHAPE: &str = "rateLimit must be an object like {\"requests\": 100, \"perSeconds\": 60}, or null for no limit";
const ALLOWED_IPS_SHAPE: &str = "allowedIps must be a list of addresses or networks like [\"203.0.113.0/24\"], or null for any address";

/// The scopes a key can be given: the built-in `read` and the operator's catalog.
#[utoipa::path(
    get,
    path = "/api/scopes",
    tag = "api-keys",
    responses(
        (status = 200, description = "The catalog, `read` first", body = ScopeList),
        NotSignedIn,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn scopes(State(state): State<AppState>, CurrentUser(_): CurrentUser) -> Json<ScopeList> {
    Json(ScopeList {
        scopes: state.policy.restrictions.catalog.list(),
    })
}

/// The restrictions to change, as `PATCH` takes them.
///
/// The handler reads the body field by field; this type only describes it in the OpenAPI
/// document.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct RestrictionsRequest {
    /// Scope names from `GET /api/scopes`, at least one, no repeats; null for full access.
    #[schema(required = false, nullable = true, example = json!(["read"]))]
    scopes: Option<Vec<String>>,
    /// At most `requests` uses of the key in each `perSeconds`; null for no limit.
    #[schema(required = false, nullable = true)]
    rate_limit: Option<RateLimit>,
    /// Addresses or CIDR networks the key may be used from, 1 to 50; null for any address.
    #[schema(required = false, nullable = true, example = json!(["203.0.113.0/24", "2001:db8::/32"]))]
    allowed_ips: Option<Vec<String>>,
}

/// Change a key's permissions, rate limit or allowed addresses: a field left out stays as it
/// is, `null` lifts the restriction. Every instance judges the key by the new rules the moment
/// this answers, and the change goes into the key's history.
#[utoipa::path(
    patch,
    path = "/api/api-keys/{id}",
    tag = "api-keys",
    params(("id" = String, Path, description = "The id of a live key", format = "uuid")),
    request_body = RestrictionsRequest,
    responses(
        (status = 200, description = "The key with its restrictions as they now are", body = ApiKeySummary),
        (status = 400, description = "Malformed JSON; no field to change or an unknown one; an empty, unknown or repeated scope; a rate limit out of bounds; an invalid, repeated or excess network", body = ErrorBody),
        NotSignedIn,
        CrossSite,
        (status = 404, description = "No live key of yours has this id", body = ErrorBody),
        TooLarge,
        NotJson,
        TooManyKeyChanges,
        Unavailable,
    ),
    security(("session" = [])),
)]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    RequestActor(actor): RequestActor,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<ApiKeySummary>, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::KeyNotFound)?;
    let Value::Object(fields) = body else {
        return Err(AppError::bad_request(
            "Send a JSON object like {\"scopes\": [\"read\"]}",
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|k| !matches!(k.as_str(), "scopes" | "rateLimit" | "allowedIps"))
    {
        return Err(AppError::bad_request(format!(
            "{unknown} cannot be changed here; send scopes, rateLimit or allowedIps"
        )));
    }
    let patch = restrictions_in(&fields)?;
    Ok(Json(
        api_keys::update_restrictions(&state.db, &state.policy, user.id, id, patch, &actor).await?,
    ))
}

/// The restriction fields of a create or `PATCH` body, each absent, null or a value, with a
/// message naming the field and its shape when one is malformed.
pub fn restrictions_in(fields: &Map<String, Value>) -> Result<RestrictionPatch, AppError> {
    Ok(RestrictionPatch {
        scopes: field(fields, "scopes", SCOPES_SHAPE, string_list)?,
        rate_limit: field(fields, "rateLimit", RATE_LIMIT_SHAPE, rate_limit)?,
        allowed_ips: field(fields, "allowedIps", ALLOWED_IPS_SHAPE, string_list)?,
    })
}

fn field<T>(
    fields: &Map<String, Value>,
    name: &str,
    shape: &str,
    read: fn(&Value) -> Option<T>,
) -> Result<Option<Option<T>>, AppError> {
    match fields.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(value) => read(value)
            .map(|v| Some(Some(v)))
            .ok_or_else(|| AppError::bad_request(shape)),
    }
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn rate_limit(value: &Value) -> Option<RateLimit> {
    let object = value.as_object()?;
    if object.keys().any(|k| k != "requests" && k != "perSeconds") {
        return None;
    }
    // Out-of-range numbers are read as 0, which the rules refuse with the bounds.
    let number = |name: &str| {
        let value = object.get(name)?;
        match value.as_u64() {
            Some(n) => Some(u32::try_from(n).unwrap_or(u32::MAX)),
            None if value.as_i64().is_some() => Some(0),
            None => None,
        }
    };
    Some(RateLimit {
        requests: number("requests")?,
        per_seconds: number("perSeconds")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(body: Value) -> Result<RestrictionPatch, AppError> {
        restrictions_in(body.as_object().unwrap())
    }

    #[test]
    fn absent_null_and_values_are_told_apart() {
        let patch = read(json!({})).unwrap();
        assert!(patch.is_empty());
        let patch =
            read(json!({"scopes": null, "rateLimit": {"requests": 5, "perSeconds": 60}})).unwrap();
        assert_eq!(patch.scopes, Some(None));
        assert_eq!(
            patch.rate_limit,
            Some(Some(RateLimit {
                requests: 5,
                per_seconds: 60
            }))
        );
        assert_eq!(patch.allowed_ips, None);
        let patch = read(json!({"allowedIps": ["10.0.0.0/8"]})).unwrap();
        assert_eq!(patch.allowed_ips, Some(Some(vec!["10.0.0.0/8".to_owned()])));
    }

    #[test]
    fn malformed_fields_name_their_shape() {
        for (body, message) in [
            (json!({"scopes": "read"}), SCOPES_SHAPE),
            (json!({"scopes": [1]}), SCOPES_SHAPE),
            (json!({"rateLimit": 100}), RATE_LIMIT_SHAPE),
            (json!({"rateLimit": {"requests": 1}}), RATE_LIMIT_SHAPE),
            (
                json!({"rateLimit": {"requests": 1.5, "perSeconds": 60}}),
                RATE_LIMIT_SHAPE,
            ),
            (
                json!({"rateLimit": {"requests": 1, "perSeconds": 60, "burst": 2}}),
                RATE_LIMIT_SHAPE,
            ),
            (json!({"allowedIps": "10.0.0.1"}), ALLOWED_IPS_SHAPE),
        ] {
            match read(body.clone()) {
                Err(AppError::BadRequest(text)) => assert_eq!(text, message, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
        // Negative and huge numbers are read, for the rules to refuse with the bounds.
        let patch =
            read(json!({"rateLimit": {"requests": -1, "perSeconds": 99999999999u64}})).unwrap();
        assert_eq!(
            patch.rate_limit,
            Some(Some(RateLimit {
                requests: 0,
                per_seconds: u32::MAX
            }))
        );
    }
}
