//! Extractors shared by the REST handlers: JSON bodies with clear errors, the signed-in
//! user, and the API key of an external caller.
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::api::AppError;
use crate::server::actor::Actor;
use crate::server::cookies;
use crate::server::entities::users;
use crate::server::forwarded::client_addr;
use crate::server::services::sessions::Resolved;
use crate::server::services::verification::{Access, Caller, VerifiedKey};
use crate::server::state::AppState;

/// `axum::Json`, but every rejection is an `AppError` with a message a person can act on.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

fn json_error(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType(
            "Send a JSON body with Content-Type: application/json".into(),
        ),
        JsonRejection::JsonSyntaxError(err) => AppError::bad_request(format!(
            "Malformed JSON: {}",
            inner_message(&err.body_text())
        )),
        JsonRejection::JsonDataError(err) => AppError::bad_request(format!(
            "Invalid request body: {}",
            inner_message(&err.body_text())
        )),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        other => AppError::bad_request(format!(
            "Could not read the request body: {}",
            other.body_text()
        )),
    }
}

/// axum prefixes serde's message with its own sentence; keep only serde's part.
fn inner_message(text: &str) -> &str {
    text.rsplit_once(": ").map_or(text, |(_, tail)| tail)
}

/// The user signed in with the session cookie; rejects with 401 otherwise.
pub struct CurrentUser(pub users::Model);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        cookies::user_from_headers(state, &parts.headers)
            .await?
            .map(CurrentUser)
            .ok_or(AppError::Unauthorized)
    }
}

/// The session the request's cookie opens, with its user; rejects with 401 otherwise.
pub struct CurrentSession(pub Resolved);

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        cookies::session_from_headers(state, &parts.headers)
            .await?
            .map(CurrentSession)
            .ok_or(AppError::Unauthorized)
    }
}

/// Who made the request, for the security log (`server::actor`).
pub struct RequestActor(pub Actor);

impl FromRequestParts<AppState> for RequestActor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(RequestActor(Actor::from_request(
            &state.config,
            &parts.headers,
            &parts.extensions,
        )))
    }
}

/// An external caller authenticated by `Authorization: Bearer <key>` or `X-API-Key: <key>`,
/// for who it is (`Access::Identity`): a `/api/v1` handler opts in by taking this as an
/// argument. Cookies are ignored here:
/// a key, not a browser session, is what authorizes the external API.
pub struct ApiKeyAuth(pub VerifiedKey);

impl FromRequestParts<AppState> for ApiKeyAuth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        verify_key(state, parts, Access::Identity)
            .await
            .map(ApiKeyAuth)
    }
}

/// Verifies the key a request presents for `access` and records its use, with the caller's
/// address and user agent.
pub async fn verify_key(
    state: &AppState,
    parts: &Parts,
    access: Access<'_>,
) -> Result<VerifiedKey, AppError> {
    let presented = presented_key(parts).ok_or(AppError::MissingApiKey)?;
    let client = client_addr(&state.config, &parts.headers, &parts.extensions);
    let caller = Caller {
        ip: client.to_string(),
        addr: client.ip(),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .map(|ua| String::from_utf8_lossy(ua.as_bytes()).into_owned())
            .unwrap_or_default(),
    };
    state.verifier.verify(presented, caller, access).await
}

fn presented_key(parts: &Parts) -> Option<&str> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    let header_key = || {
        parts
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    bearer.or_else(header_key).filter(|k| !k.is_empty())
}
