//! Cross-site requests: state changes from another origin are refused.
use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;
use serde_json::json;

/// A JSON sign-in request with extra headers (`Origin`, `Host`, `Sec-Fetch-Site`).
fn login_request(body: &str, extra: &[(&str, &str)]) -> Request<Body> {
    let mut headers = vec![("content-type", "application/json")];
    headers.extend_from_slice(extra);
    crate::common::request("POST", LOGIN, &headers, Body::from(body.to_owned()))
}

#[tokio::test]
async fn an_https_origin_is_another_site_for_the_http_host() {
    let app = TestApp::new().await;
    let cookie = app.register("origin@example.com").await;
    let post = |origin: &'static str| {
        request(
            "POST",
            "/api/api-keys",
            &[
                ("content-type", "application/json"),
                ("cookie", cookie.as_str()),
                ("host", "localhost:3000"),
                ("origin", origin),
            ],
            Body::from(json!({ "name": origin }).to_string()),
        )
    };
    assert_error_status(
        &app.send(post("https://localhost:3000")).await,
        StatusCode::FORBIDDEN,
    );
    assert_error_status(
        &app.send(post("http://localhost:3001")).await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(
        app.send(post("http://localhost:3000")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn cross_site_key_changes_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("csrf@example.com").await;

    let create = app
        .send(crate::common::request(
            "POST",
            KEYS,
            &[
                ("content-type", "application/json"),
                ("cookie", cookie.as_str()),
                ("origin", "https://evil.example"),
                ("host", "localhost:3000"),
            ],
            Body::from(json!({ "name": "Evil" }).to_string()),
        ))
        .await;
    crate::common::assert_error_status(&create, StatusCode::FORBIDDEN);
    assert!(app.list_keys(&cookie).await.is_empty());
    assert!(app.all_key_rows().await.is_empty());

    let created = app.create_key(&cookie, "Zapier").await;
    let key = assert_created_shape(&created, "Zapier");
    let id = crate::common::str_of(&created["id"]).to_owned();
    let regenerate = app
        .send(crate::common::request(
            "POST",
            &format!("{KEYS}/{id}"),
            &[
                ("cookie", cookie.as_str()),
                ("sec-fetch-site", "cross-site"),
            ],
            Body::empty(),
        ))
        .await;
    crate::common::assert_error_status(&regenerate, StatusCode::FORBIDDEN);
    let keys = app.list_keys(&cookie).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], id.as_str());
    assert_eq!(app.me(&key).await.status, StatusCode::OK);

    // The same request from the app's own origin goes through.
    let same_origin = app
        .send(crate::common::request(
            "POST",
            KEYS,
            &[
                ("content-type", "application/json"),
                ("cookie", cookie.as_str()),
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000"),
            ],
            Body::from(json!({ "name": "Mine" }).to_string()),
        ))
        .await;
    assert_eq!(same_origin.status, StatusCode::OK, "{}", same_origin.text);
    assert_eq!(app.list_keys(&cookie).await.len(), 2);
}

#[tokio::test]
async fn cross_site_sign_in_is_refused() {
    let app = TestApp::new().await;
    app.register("heidi@example.com").await;
    let user_id = app.user_id("heidi@example.com").await;
    let body = json!({ "email": "heidi@example.com", "password": PASSWORD }).to_string();

    let foreign_origin = app
        .send(login_request(
            &body,
            &[
                ("origin", "https://evil.example"),
                ("host", "localhost:3000"),
            ],
        ))
        .await;
    crate::common::assert_error_status(&foreign_origin, StatusCode::FORBIDDEN);
    assert!(foreign_origin.session_set_cookie().is_none());

    let fetch_metadata = app
        .send(login_request(&body, &[("sec-fetch-site", "cross-site")]))
        .await;
    crate::common::assert_error_status(&fetch_metadata, StatusCode::FORBIDDEN);
    assert!(fetch_metadata.session_set_cookie().is_none());

    assert_eq!(
        app.sessions_of(user_id).await.len(),
        1,
        "a refused sign-in created a session"
    );

    let same_origin = app
        .send(login_request(
            &body,
            &[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000"),
            ],
        ))
        .await;
    assert_eq!(same_origin.status, StatusCode::OK, "{}", same_origin.text);
    assert!(same_origin.session_set_cookie().is_some());
    assert_eq!(app.sessions_of(user_id).await.len(), 2);
}

#[tokio::test]
async fn cross_site_sign_out_is_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("ivan@example.com").await;
    let user_id = app.user_id("ivan@example.com").await;

    let resp = app
        .send(crate::common::request(
            "POST",
            LOGOUT,
            &[
                ("cookie", cookie.as_str()),
                ("origin", "https://evil.example"),
                ("host", "localhost:3000"),
            ],
            Body::empty(),
        ))
        .await;
    crate::common::assert_error_status(&resp, StatusCode::FORBIDDEN);
    assert_eq!(app.sessions_of(user_id).await.len(), 1);
    let session = app.get(SESSION, Some(cookie.as_str())).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
}
