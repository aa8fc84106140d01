//! The session cookie: its name, setting and clearing it, and the user a request's cookie
//! belongs to (through `services::sessions`), and signing out.
use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::actor::Actor;
use super::config::Config;
use super::entities::users;
use super::services::security_log;
use super::services::sessions::{self, Resolved};
use super::state::AppState;
use crate::api::account::EventKind;
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

/// The session whose cookie `headers` carry, with its user, if it is valid; the use is noted
/// for the session's "last seen" (`sessions::activity`).
pub async fn session_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Resolved>, AppError> {
    let Some(token) = token_from_headers(&state.config, headers) else {
        return Ok(None);
    };
    let resolved = sessions::resolve(&state.db, &token).await?;
    if let Some(resolved) = &resolved {
        state.session_activity.saw(&resolved.session);
    }
    Ok(resolved)
}

/// The user whose session cookie `headers` carry, if any is valid.
pub async fn user_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<users::Model>, AppError> {
    Ok(session_from_headers(state, headers)
        .await?
        .map(|resolved| resolved.user))
}

/// Signs out: ends the session whose cookie `headers` carry, if there is one, and logs it.
pub async fn sign_out(
    state: &AppState,
    headers: &HeaderMap,
    actor: &Actor,
) -> Result<(), AppError> {
    let Some(token) = token_from_headers(&state.config, headers) else {
        return Ok(());
    };
    if let Some(resolved) = sessions::resolve(&state.db, &token).await? {
        sessions::destroy(&state.db, &token).await?;
        security_log::record(&state.db, resolved.user.id, EventKind::SignOut, actor, None).await?;
    }
    Ok(())
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
