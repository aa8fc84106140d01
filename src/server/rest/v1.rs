//! The external API, authenticated by API key.
use axum::Json;

use super::extract::ApiKeyAuth;
use crate::api::{KeyIdentity, UserDto, WhoAmI};

/// `GET /api/v1/me`: who the presented key belongs to; integrations call it first.
pub async fn me(ApiKeyAuth(verified): ApiKeyAuth) -> Json<WhoAmI> {
    Json(WhoAmI {
        user: UserDto {
            id: verified.user_id.to_string(),
            email: verified.user_email,
        },
        key: KeyIdentity {
            id: verified.key_id.to_string(),
            name: verified.key_name,
        },
    })
}
