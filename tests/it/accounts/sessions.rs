//! Sessions: cookies, sign-out, expiry, and what is stored of them.
use crate::common::*;
use axum::http::StatusCode;
use chrono::Duration;
use chrono::Utc;
use keyward::server::config::Config;
use keyward::server::entities::sessions;
use sea_orm::ActiveModelTrait;
use sea_orm::Set;
use serde_json::json;

#[tokio::test]
async fn secure_cookies_use_the_host_prefix() {
    let config = Config {
        secure_cookies: true,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let resp = app
        .post_json(
            REGISTER,
            &json!({ "email": "tls@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(resp.status, StatusCode::CREATED);
    let set_cookie = resp
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-keyward_session="))
        .expect("a __Host- session cookie");
    let attributes = cookie_attributes(set_cookie);
    for required in ["secure", "path=/", "httponly", "samesite=lax"] {
        assert!(
            attributes.iter().any(|a| a == required),
            "{required} in {set_cookie}"
        );
    }
    assert!(
        !attributes.iter().any(|a| a.starts_with("domain")),
        "{set_cookie}"
    );
    let token = set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1;
    let prefixed = format!("__Host-keyward_session={token}");
    let session = app.get("/api/auth/session", Some(&prefixed)).await;
    assert_eq!(session.status, StatusCode::OK);
    // The unprefixed name, which a sibling subdomain could set, is not accepted.
    let unprefixed = format!("keyward_session={token}");
    let session = app.get("/api/auth/session", Some(&unprefixed)).await;
    assert_eq!(session.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn passwords_and_session_tokens_are_stored_only_as_hashes() {
    let app = TestApp::new().await;
    let cookie = app.register("hash@example.com").await;
    let user = app.user_by_email("hash@example.com").await;
    assert!(
        user.password_hash.starts_with("$argon2id$"),
        "password hash is not argon2id"
    );
    assert!(!user.password_hash.contains(PASSWORD));

    let token = crate::common::cookie_value(&cookie);
    let rows = app.sessions_of(user.id).await;
    assert_eq!(
        rows.len(),
        1,
        "registration should create exactly one session"
    );
    let row = &rows[0];
    assert!(
        crate::common::is_lower_hex_64(&row.token_hash),
        "token_hash {:?} is not 64 lower-case hex characters",
        row.token_hash
    );
    assert_ne!(row.token_hash, token, "the raw cookie token is stored");
    assert!(!row.token_hash.contains(token));
    assert!(
        row.expires_at > Utc::now(),
        "a new session is already expired"
    );
}

#[tokio::test]
async fn logout_clears_the_cookie_and_deletes_the_session() {
    let app = TestApp::new().await;
    let cookie = app.register("erin@example.com").await;
    let user_id = app.user_id("erin@example.com").await;
    assert_eq!(app.sessions_of(user_id).await.len(), 1);

    let resp = app.post_empty(LOGOUT, Some(cookie.as_str())).await;
    assert_eq!(resp.status, StatusCode::NO_CONTENT, "{}", resp.text);
    assert!(resp.text.is_empty(), "204 with a body: {:?}", resp.text);
    let set_cookie = resp
        .session_set_cookie()
        .unwrap_or_else(|| panic!("logout does not clear the cookie: {:?}", resp.headers));
    let attributes = crate::common::cookie_attributes(set_cookie);
    assert!(
        attributes.iter().any(|a| a == "max-age=0"),
        "clearing Set-Cookie {set_cookie:?} lacks Max-Age=0"
    );

    assert!(
        app.sessions_of(user_id).await.is_empty(),
        "the session row survived logout"
    );
    let after = app.get(SESSION, Some(cookie.as_str())).await;
    crate::common::assert_error(&after, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
}

#[tokio::test]
async fn session_endpoint_requires_a_valid_session() {
    let app = TestApp::new().await;
    let cookie = app.register("frank@example.com").await;

    let none = app.get(SESSION, None).await;
    crate::common::assert_error(&none, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let garbage = app.get(SESSION, Some("keyward_session=garbage")).await;
    crate::common::assert_error(&garbage, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    // Right shape, but no such session.
    let forged = format!("keyward_session={}", "ab".repeat(32));
    let forged = app.get(SESSION, Some(forged.as_str())).await;
    crate::common::assert_error(&forged, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let valid = app.get(SESSION, Some(cookie.as_str())).await;
    assert_eq!(valid.status, StatusCode::OK, "{}", valid.text);
    assert_eq!(valid.json["user"]["email"], "frank@example.com");
}

#[tokio::test]
async fn an_expired_session_is_refused_and_deleted() {
    let app = TestApp::new().await;
    let cookie = app.register("grace@example.com").await;
    let user_id = app.user_id("grace@example.com").await;

    let mut rows = app.sessions_of(user_id).await;
    assert_eq!(rows.len(), 1);
    let mut session: sessions::ActiveModel = rows.remove(0).into();
    session.expires_at = Set(Utc::now() - Duration::hours(1));
    session.update(&app.db).await.expect("expire the session");

    let resp = app.get(SESSION, Some(cookie.as_str())).await;
    crate::common::assert_error(&resp, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    assert!(
        app.sessions_of(user_id).await.is_empty(),
        "the expired session row was not deleted"
    );
}
