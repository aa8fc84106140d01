//! Signing in: the answers, and the throttle on failed attempts per email and per address.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

mod answers;
mod concurrent_guesses;
mod email_lock;
mod per_address;

pub(super) fn login_body(email: &str, password: &str) -> serde_json::Value {
    json!({ "email": email, "password": password })
}

#[track_caller]
pub(super) fn assert_retry_after(resp: &TestResponse) -> u64 {
    let value = resp
        .header("retry-after")
        .unwrap_or_else(|| panic!("a {} carries Retry-After: {:?}", resp.status, resp.headers));
    let secs: u64 = value.parse().expect("Retry-After is a number of seconds");
    assert!(secs >= 1, "Retry-After {secs}");
    secs
}

pub(super) async fn failed_login(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        "/api/auth/login",
        &json!({ "email": email, "password": "not the password" }),
        None,
    )
    .await
}

#[track_caller]
pub(super) fn assert_throttled(resp: &TestResponse) {
    assert_error_status(resp, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = resp
        .header("retry-after")
        .expect("a 429 carries Retry-After")
        .parse()
        .expect("Retry-After is a number of seconds");
    assert!(
        (1..=900).contains(&retry_after),
        "Retry-After {retry_after} outside the window"
    );
}
