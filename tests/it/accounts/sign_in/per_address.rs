//! Failures from one address across emails are throttled, and attempts refused for their
//! address do not count against the email.
use super::{assert_throttled, failed_login, login_body};
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use keyward::server::config::Config;

#[tokio::test]
async fn failures_from_one_ip_across_emails_are_throttled() {
    let config = Config {
        login_max_failures_per_ip: 5,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    for i in 0..5 {
        let resp = failed_login(&app, &format!("guess{i}@example.com")).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    assert_throttled(&failed_login(&app, "guess-next@example.com").await);
}

/// Failed sign-ins from `ip` (through a trusted proxy's X-Forwarded-For) at `email`.
async fn attempt_from(app: &TestApp, ip: &str, email: &str, password: &str) -> TestResponse {
    app.send(request(
        "POST",
        "/api/auth/login",
        &[
            ("content-type", "application/json"),
            ("x-forwarded-for", ip),
        ],
        Body::from(login_body(email, password).to_string()),
    ))
    .await
}

/// An address that is already refused cannot keep counting against someone else's email:
/// otherwise anyone could lock any account out, at almost no cost.
#[tokio::test]
async fn attempts_refused_for_their_address_do_not_lock_the_email() {
    let app = TestApp::with_config(keyward::server::config::Config {
        trust_forwarded_for: true,
        ..Default::default()
    })
    .await;
    app.register("victim@example.com").await;
    // The attacker uses up their address's 50 failures on made-up emails.
    for i in 0..50 {
        let resp = attempt_from(
            &app,
            "198.51.100.66",
            &format!("nobody{i}@example.com"),
            "guess guess guess",
        )
        .await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{}", resp.text);
    }
    // Then aims at the victim: every attempt is refused for the address, and none counts
    // against the email.
    for _ in 0..12 {
        assert_throttled(
            &attempt_from(
                &app,
                "198.51.100.66",
                "victim@example.com",
                "guess guess guess",
            )
            .await,
        );
    }
    // The victim, from their own address, signs in.
    let own = attempt_from(&app, "203.0.113.10", "victim@example.com", PASSWORD).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
}
