//! Requests in general: malformed and oversized bodies, caching of answers.
use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;
use serde_json::json;

/// A POST with an arbitrary body and content type.
fn raw_post(path: &str, content_type: &str, body: String) -> Request<Body> {
    crate::common::request(
        "POST",
        path,
        &[("content-type", content_type)],
        Body::from(body),
    )
}

#[tokio::test]
async fn malformed_bodies_are_client_errors() {
    let app = TestApp::new().await;
    for path in [REGISTER, LOGIN] {
        let broken = app
            .send(raw_post(
                path,
                "application/json",
                r#"{"email": "a@example.com", "password": "#.to_owned(),
            ))
            .await;
        crate::common::assert_error_status(&broken, StatusCode::BAD_REQUEST);

        let valid_json = json!({ "email": "a@example.com", "password": PASSWORD }).to_string();
        let plain = app.send(raw_post(path, "text/plain", valid_json)).await;
        crate::common::assert_error_status(&plain, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        let missing = app
            .send(raw_post(
                path,
                "application/json",
                json!({ "email": "a@example.com" }).to_string(),
            ))
            .await;
        crate::common::assert_error_status(&missing, StatusCode::BAD_REQUEST);

        let wrong_type = app
            .send(raw_post(
                path,
                "application/json",
                json!({ "email": 42, "password": PASSWORD }).to_string(),
            ))
            .await;
        crate::common::assert_error_status(&wrong_type, StatusCode::BAD_REQUEST);

        let not_an_object = app
            .send(raw_post(path, "application/json", "[]".to_owned()))
            .await;
        crate::common::assert_error_status(&not_an_object, StatusCode::BAD_REQUEST);

        let huge = json!({ "email": "x".repeat(70_000), "password": PASSWORD }).to_string();
        assert!(huge.len() > 64 * 1024);
        let too_large = app.send(raw_post(path, "application/json", huge)).await;
        crate::common::assert_error_status(&too_large, StatusCode::PAYLOAD_TOO_LARGE);
    }
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn api_answers_with_secrets_or_lists_are_not_cacheable() {
    let app = TestApp::new().await;
    let cookie = app.register("headers@example.com").await;
    let created = app
        .post_json("/api/api-keys", &json!({ "name": "Cache" }), Some(&cookie))
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let list = app.get("/api/api-keys", Some(&cookie)).await;
    for resp in [&created, &list] {
        assert_eq!(resp.header("cache-control"), Some("no-store"));
        assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
        assert!(resp
            .header("content-security-policy")
            .unwrap_or_default()
            .contains("frame-ancestors 'none'"));
    }
}
