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

/// A body sent in chunks (no Content-Length) over the limit is a 413 on every path, server
/// functions included (they read bodies themselves and used to call a cut-off body malformed).
#[tokio::test]
async fn chunked_bodies_over_the_limit_are_413_everywhere() {
    let app = TestApp::new().await;
    let cookie = app.register("chunked@example.com").await;
    for (path, content_type) in [
        ("/api/fn/create_key", "application/x-www-form-urlencoded"),
        ("/api/fn/login", "application/x-www-form-urlencoded"),
        (KEYS, "application/json"),
    ] {
        let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = (0..70)
            .map(|_| Ok(axum::body::Bytes::from(vec![b'a'; 1024])))
            .collect();
        let body = Body::from_stream(futures_util::stream::iter(chunks));
        let resp = app
            .send(crate::common::request(
                "POST",
                path,
                &[("content-type", content_type), ("cookie", cookie.as_str())],
                body,
            ))
            .await;
        assert_error(
            &resp,
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request body too large (the limit is 64 KiB)",
        );
    }
}

/// A caller's request id is kept when it looks like one, and replaced when it could forge
/// fields in the log line it is written into.
#[tokio::test]
async fn request_ids_are_kept_only_when_they_are_ids() {
    let app = TestApp::new().await;
    let kept = app
        .send(crate::common::request(
            "GET",
            "/healthz",
            &[("x-request-id", "req-0196e0f3.abc")],
            Body::empty(),
        ))
        .await;
    assert_eq!(kept.header("x-request-id"), Some("req-0196e0f3.abc"));
    let forged = app
        .send(crate::common::request(
            "GET",
            "/healthz",
            &[("x-request-id", "0 status=200 path=/api/auth/login")],
            Body::empty(),
        ))
        .await;
    let replaced = forged.header("x-request-id").expect("a request id");
    assert_ne!(replaced, "0 status=200 path=/api/auth/login");
    assert!(uuid::Uuid::parse_str(replaced).is_ok(), "{replaced}");
}
