//! The database gone: every operation that needs it answers 503 with Retry-After, as the
//! document says.
use super::drift::Drift;
use super::{bearer, creds, json_post, KEY};
use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;
use axum::Router;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use serde_json::json;

/// Asks an instance without a database for every operation; `this_key` is a key's path and
/// `regenerated` the answer that made its current key.
pub(super) async fn phase(
    drift: &mut Drift,
    app: &TestApp,
    this_key: &str,
    regenerated: &TestResponse,
) {
    let down = outage_instance(app).await;
    let fresh_key = str_of(&regenerated.json["fullKey"]).to_owned();
    let some_session = format!("keyward_session={}", "ab".repeat(32));
    let outage: Vec<(&str, &str, Request<Body>)> = vec![
        (
            "post",
            REGISTER,
            json_post(REGISTER, &creds("down@example.com", PASSWORD), None),
        ),
        (
            "post",
            LOGIN,
            json_post(LOGIN, &creds("down@example.com", PASSWORD), None),
        ),
        (
            "post",
            LOGOUT,
            request(
                "POST",
                LOGOUT,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            SESSION,
            request(
                "GET",
                SESSION,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            KEYS,
            request(
                "GET",
                KEYS,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "post",
            KEYS,
            json_post(KEYS, &json!({ "name": "Down" }), Some(&some_session)),
        ),
        (
            "get",
            KEY,
            request(
                "GET",
                this_key,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "post",
            KEY,
            request(
                "POST",
                this_key,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "patch",
            KEY,
            json_request(
                "PATCH",
                this_key,
                &json!({ "scopes": null }),
                Some(&some_session),
            ),
        ),
        (
            "get",
            "/api/scopes",
            request(
                "GET",
                "/api/scopes",
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            "/api/v1/me",
            request(
                "GET",
                "/api/v1/me",
                &[("authorization", bearer(&fresh_key).as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            "/api/v1/authorize",
            request(
                "GET",
                "/api/v1/authorize",
                &[("authorization", bearer(&fresh_key).as_str())],
                Body::empty(),
            ),
        ),
        (
            "post",
            "/api/auth/password-reset/confirm",
            json_post(
                "/api/auth/password-reset/confirm",
                &json!({ "token": "ab".repeat(32), "newPassword": "a longer and newer passphrase" }),
                None,
            ),
        ),
        (
            "post",
            "/api/account/password",
            json_post(
                "/api/account/password",
                &json!({ "currentPassword": PASSWORD, "newPassword": "a longer and newer passphrase" }),
                Some(&some_session),
            ),
        ),
        (
            "get",
            "/api/account/sessions",
            request(
                "GET",
                "/api/account/sessions",
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "delete",
            "/api/account/sessions/{id}",
            request(
                "DELETE",
                "/api/account/sessions/0123",
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "post",
            "/api/account/sessions/revoke-others",
            request(
                "POST",
                "/api/account/sessions/revoke-others",
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            "/api/account/events",
            request(
                "GET",
                "/api/account/events",
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            "/readyz",
            request("GET", "/readyz", &[], Body::empty()),
        ),
    ];
    for (method, path, req) in outage {
        let resp = send_to(down.clone(), req).await;
        assert_eq!(
            resp.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{method} {path} without a database: {}",
            resp.text
        );
        assert!(
            resp.header("retry-after").is_some(),
            "{method} {path} 503 says when to retry"
        );
        drift.check(method, path, &resp);
    }
}

/// An instance whose database is gone: the pool is closed and the key lookup's own
/// connections point nowhere, on either backend.
async fn outage_instance(app: &TestApp) -> Router {
    let db = keyward::server::db::connect(&app.url, 10)
        .await
        .expect("pool");
    db.clone().close().await.expect("close the pool");
    let url = if app.url.starts_with("postgres") {
        "postgres://postgres@127.0.0.1:1/gone".to_owned()
    } else {
        app.url.clone()
    };
    let config = Config {
        database_url: url,
        ..Config::default()
    };
    keyward::site::router::router(AppState::new(config, db).expect("app state"))
}
