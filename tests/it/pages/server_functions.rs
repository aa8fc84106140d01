//! The UI's server functions follow the REST rules: sign-in, the same errors, body limits,
//! the cross-site guard, the session.
use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;

/// A POST with an arbitrary body and content type.
fn raw_post(path: &str, content_type: &str, body: String) -> Request<Body> {
    crate::common::request(
        "POST",
        path,
        &[("content-type", content_type)],
        Body::from(body),
    )
}

/// The UI's server functions share the REST rules: a form-encoded sign-in works and sets
/// the cookie, a wrong password is a 401 with the same message, an oversized body is
/// refused, and a cross-site post is refused before any work.
#[tokio::test]
async fn server_functions_follow_the_same_rules() {
    let app = TestApp::new().await;
    app.register("fn@example.com").await;
    let form = |password: &str| {
        format!(
            "email=fn%40example.com&password={}",
            password.replace(' ', "+")
        )
    };

    let ok = app
        .send(raw_post(
            "/api/fn/login",
            "application/x-www-form-urlencoded",
            form(PASSWORD),
        ))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(
        ok.session_cookie().is_some(),
        "server-function sign-in sets the session cookie"
    );

    let wrong = app
        .send(raw_post(
            "/api/fn/login",
            "application/x-www-form-urlencoded",
            form("wrong password here"),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // Server functions answer with the error type itself (in the server functions' codec),
    // which the UI turns into the message.
    let error = <keyward::api::AppError as leptos::server_fn::error::FromServerFnError>::de(
        wrong.body.clone(),
    );
    assert_eq!(error, keyward::api::AppError::InvalidCredentials);
    assert_eq!(error.to_string(), INVALID_CREDENTIALS);

    let huge = format!("{}&pad={}", form(PASSWORD), "x".repeat(70_000));
    // As a real client sends it, with Content-Length: refused before the function runs.
    let mut declared = raw_post(
        "/api/fn/login",
        "application/x-www-form-urlencoded",
        huge.clone(),
    );
    declared
        .headers_mut()
        .insert("content-length", huge.len().into());
    let too_big = app.send(declared).await;
    assert_eq!(
        too_big.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        too_big.text
    );
    // Streamed without a length: cut off while reading, still a client error, never a 500.
    let streamed = app
        .send(raw_post(
            "/api/fn/login",
            "application/x-www-form-urlencoded",
            huge,
        ))
        .await;
    assert!(
        streamed.status.is_client_error(),
        "{} {}",
        streamed.status,
        streamed.text
    );
    assert!(streamed.session_cookie().is_none());

    let mut cross = raw_post(
        "/api/fn/login",
        "application/x-www-form-urlencoded",
        form(PASSWORD),
    );
    cross
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    cross
        .headers_mut()
        .insert("host", "localhost:3000".parse().unwrap());
    assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);

    let unauthenticated = app
        .send(raw_post(
            "/api/fn/list_keys",
            "application/x-www-form-urlencoded",
            String::new(),
        ))
        .await;
    assert_eq!(
        unauthenticated.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        unauthenticated.text
    );
}
