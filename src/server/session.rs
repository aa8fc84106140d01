//! Cookie sessions: a random 256-bit token in an HttpOnly cookie; only its SHA-256 is stored,
//! so a database leak does not hand out live sessions, and deleting the row ends the session
//! everywhere at once.
use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Duration;
use rand::rngs::SysRng;
use rand::TryRng;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::config::Config;
use super::entities::{sessions, users};
use super::keys::{hash_key, secrets_equal};
use super::time::now;
use crate::api::AppError;

/// The session cookie's name over plain HTTP (development, tests).
pub const COOKIE_NAME: &str = "keyward_session";
/// Its name when cookies are `Secure`: browsers accept a `__Host-` cookie only from a secure
/// origin, with `Path=/` and no `Domain`, so a sibling subdomain cannot plant or shadow it.
pub const SECURE_COOKIE_NAME: &str = "__Host-keyward_session";

pub fn cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// Starts a session for `user_id` and returns the token for the cookie.
pub async fn create(
    db: &DatabaseConnection,
    config: &Config,
    user_id: Uuid,
) -> Result<String, AppError> {
    let mut raw = [0u8; 32];
    SysRng
        .try_fill_bytes(&mut raw)
        .map_err(|_| AppError::Internal)?;
    let token = hex::encode(raw);
    let created_at = now();
    sessions::ActiveModel {
        token_hash: Set(hash_key(&token)),
        user_id: Set(user_id),
        created_at: Set(created_at),
        expires_at: Set(created_at + Duration::days(config.session_lifetime_days)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user a session token belongs to, if the session exists and has not expired. An
/// expired session is deleted on sight.
pub async fn resolve(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<users::Model>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let token_hash = hash_key(token);
    let Some((session, user)) = sessions::Entity::find_by_id(token_hash.clone())
        .find_also_related(users::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if !secrets_equal(&session.token_hash, &token_hash) {
        return Ok(None);
    }
    if session.expires_at <= now() {
        sessions::Entity::delete_by_id(token_hash).exec(db).await?;
        return Ok(None);
    }
    Ok(user)
}

/// The user whose session cookie `headers` carry, if any is valid.
pub async fn user_from_headers(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
) -> Result<Option<users::Model>, AppError> {
    match token_from_headers(config, headers) {
        Some(token) => resolve(db, &token).await,
        None => Ok(None),
    }
}

/// Ends the session whose cookie `headers` carry, if there is one.
pub async fn destroy_from_headers(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    match token_from_headers(config, headers) {
        Some(token) => destroy(db, &token).await,
        None => Ok(()),
    }
}

/// Ends a session: the row goes, so a copied cookie stops working too.
pub async fn destroy(db: &DatabaseConnection, token: &str) -> Result<(), AppError> {
    sessions::Entity::delete_by_id(hash_key(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes every expired session; run periodically.
pub async fn purge_expired(db: &DatabaseConnection) -> Result<u64, AppError> {
    let result = sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

fn token_from_headers(config: &Config, headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(cookie_name(config))
        .map(|c| c.value().to_owned())
}

pub fn set_cookie(config: &Config, token: String) -> HeaderValue {
    let cookie = Cookie::build((cookie_name(config), token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(config.secure_cookies)
        .max_age(cookie_duration(config.session_lifetime_days))
        .build();
    header_value(&cookie)
}

pub fn clear_cookie(config: &Config) -> HeaderValue {
    let cookie = Cookie::build((cookie_name(config), ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(config.secure_cookies)
        .max_age(cookie_duration(0))
        .build();
    header_value(&cookie)
}

fn cookie_duration(days: i64) -> time::Duration {
    time::Duration::days(days)
}

fn header_value(cookie: &Cookie<'_>) -> HeaderValue {
    // A cookie built from hex and fixed attributes is always a valid header value.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}
