//! The session cookie: its name, setting and clearing it, and the user a request's cookie
//! belongs to (through `services::sessions`).
use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use sea_orm::DatabaseConnection;

use super::config::Config;
use super::entities::users;
use super::services::sessions;
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

/// The user whose session cookie `headers` carry, if any is valid.
pub async fn user_from_headers(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
) -> Result<Option<users::Model>, AppError> {
    match token_from_headers(config, headers) {
        Some(token) => sessions::resolve(db, &token).await,
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
        Some(token) => sessions::destroy(db, &token).await,
        None => Ok(()),
    }
}

pub fn token_from_headers(config: &Config, headers: &HeaderMap) -> Option<String> {
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
