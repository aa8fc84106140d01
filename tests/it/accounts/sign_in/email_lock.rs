//! Ten failures lock an email, even for the right password and through a server function;
//! a successful sign-in resets the count.
use super::{assert_retry_after, assert_throttled, failed_login};
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;

async fn good_login(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        "/api/auth/login",
        &json!({ "email": email, "password": PASSWORD }),
        None,
    )
    .await
}

#[tokio::test]
async fn a_server_function_429_says_when_to_retry() {
    let app = TestApp::new().await;
    app.register("fn@example.com").await;
    let form = |password: &str| {
        format!(
            "email=fn%40example.com&password={}",
            password.replace(' ', "+")
        )
    };
    let post = || {
        request(
            "POST",
            "/api/fn/login",
            &[("content-type", "application/x-www-form-urlencoded")],
            Body::from(form("wrong password here")),
        )
    };
    for _ in 0..10 {
        assert_eq!(app.send(post()).await.status, StatusCode::UNAUTHORIZED);
    }
    let throttled = app.send(post()).await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        throttled.text
    );
    assert_retry_after(&throttled);
}

#[tokio::test]
async fn ten_failures_lock_an_email_even_for_the_right_password() {
    let app = TestApp::new().await;
    app.register("victim@example.com").await;
    app.register("bystander@example.com").await;
    for _ in 0..10 {
        assert_error(
            &failed_login(&app, "victim@example.com").await,
            StatusCode::UNAUTHORIZED,
            INVALID_CREDENTIALS,
        );
    }
    assert_throttled(&good_login(&app, "victim@example.com").await);
    assert_throttled(&failed_login(&app, "Victim@Example.com ").await);
    // Another account from the same client is not locked out by someone else's failures.
    assert_eq!(
        good_login(&app, "bystander@example.com").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_email_counter() {
    let app = TestApp::new().await;
    app.register("forgetful@example.com").await;
    for _ in 0..9 {
        assert_eq!(
            failed_login(&app, "forgetful@example.com").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        good_login(&app, "forgetful@example.com").await.status,
        StatusCode::OK
    );
    for _ in 0..10 {
        assert_eq!(
            failed_login(&app, "forgetful@example.com").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_throttled(&failed_login(&app, "forgetful@example.com").await);
}
