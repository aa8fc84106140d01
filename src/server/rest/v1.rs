//! The external API, authenticated by API key. (Forward auth, `/api/v1/authorize`, is
//! `forward_auth`.)
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::extract::ApiKeyAuth;
use super::responses::{AddressNotAllowed, RateLimited, Unavailable};
use crate::api::{KeyIdentity, UserDto, WhoAmI};
use crate::server::error::{add_rate_limit_fields, ErrorBody};
use crate::server::services::verification::rate_limit::Quota;

/// Who the presented key belongs to; integrations call it first to check their key.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "v1",
    responses(
        (status = 200, description = "The key's owner and the key", body = WhoAmI,
            headers(
                ("RateLimit-Policy" = String, description = "For a key with a rate limit: `\"key\";q=<requests>;w=<seconds>`"),
                ("RateLimit" = String, description = "For a key with a rate limit: `\"key\";r=<remaining>;t=<seconds to reset>`"),
            )),
        (status = 401, description = "`Missing API key`, `Invalid API key` (unknown, mistyped or replaced) or `API key expired`", body = ErrorBody,
            headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"keyward\"`"))),
        AddressNotAllowed,
        RateLimited,
        Unavailable,
    ),
    security(("bearer" = []), ("api_key" = [])),
)]
pub async fn me(ApiKeyAuth(verified): ApiKeyAuth) -> Response {
    let quota = verified.quota;
    let mut response = Json(WhoAmI {
        user: UserDto {
            id: verified.user_id.to_string(),
            email: verified.user_email,
        },
        key: KeyIdentity {
            id: verified.key_id.to_string(),
            name: verified.key_name,
        },
    })
    .into_response();
    add_quota(&mut response, quota);
    response
}

/// The RateLimit fields of a key with a rate limit, on an answer that used it.
pub fn add_quota(response: &mut Response, quota: Option<Quota>) {
    if let Some(q) = quota {
        add_rate_limit_fields(
            response.headers_mut(),
            q.limit,
            q.window_secs,
            q.remaining,
            u64::from(q.reset_secs),
        );
    }
}
