//! New accounts per address are limited, a taken email counts, and a burst is bounded with
//! refusals that say when to retry.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use keyward::server::config::Config;
use serde_json::json;
use std::sync::Arc;
use tokio::sync::Barrier;

#[track_caller]
fn assert_retry_after(resp: &TestResponse) -> u64 {
    let value = resp
        .header("retry-after")
        .unwrap_or_else(|| panic!("a {} carries Retry-After: {:?}", resp.status, resp.headers));
    let secs: u64 = value.parse().expect("Retry-After is a number of seconds");
    assert!(secs >= 1, "Retry-After {secs}");
    secs
}

async fn register_as(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        REGISTER,
        &json!({ "email": email, "password": PASSWORD }),
        None,
    )
    .await
}

#[tokio::test]
async fn registrations_per_ip_are_limited_and_a_taken_email_counts() {
    let config = Config {
        sign_up_max_per_ip: 3,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let register = |email: &'static str| register_as(&app, email);
    assert_eq!(
        register("one@example.com").await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        register("two@example.com").await.status,
        StatusCode::CREATED
    );
    // Asking about a taken email costs a slot like any registration.
    assert_eq!(
        register("one@example.com").await.status,
        StatusCode::CONFLICT
    );
    let refused = register("three@example.com").await;
    assert_error_status(&refused, StatusCode::TOO_MANY_REQUESTS);
    assert!(assert_retry_after(&refused) <= 3600);
    assert_eq!(app.count_users().await, 2);
    // Invalid input is refused before counting: it reveals nothing and costs nothing.
    let invalid = register("not-an-email").await;
    assert_error_status(&invalid, StatusCode::BAD_REQUEST);
    // The refusal is per IP: a client behind another address still signs up.
    let other_ip = Config {
        sign_up_max_per_ip: 3,
        trust_forwarded_for: true,
        ..Config::default()
    };
    let (b, _) = app.second_instance(other_ip).await;
    let elsewhere = send_to(
        b,
        request(
            "POST",
            REGISTER,
            &[
                ("content-type", "application/json"),
                ("x-forwarded-for", "203.0.113.9"),
            ],
            Body::from(json!({ "email": "four@example.com", "password": PASSWORD }).to_string()),
        ),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{}", elsewhere.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_registration_burst_is_bounded_and_refusals_say_when_to_retry() {
    let app = TestApp::new().await;
    let barrier = Arc::new(Barrier::new(60));
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let router = app.router.clone();
            let barrier = barrier.clone();
            let body = json!({ "email": format!("burst{i}@example.com"), "password": PASSWORD });
            tokio::spawn(async move {
                barrier.wait().await;
                send_to(router, json_request("POST", REGISTER, &body, None)).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let resp = task.await.expect("request task");
        match resp.status {
            StatusCode::CREATED => created += 1,
            // Over the per-IP limit, or the registration hashing lane is full.
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                assert_error_status(&resp, resp.status);
                assert_retry_after(&resp);
            }
            other => panic!("a registration answered {other}: {}", resp.text),
        }
    }
    assert!(created >= 1, "some registrations go through");
    assert!(
        created <= 30,
        "{created} registrations from one IP passed a limit of 30"
    );
    assert_eq!(app.count_users().await, created as u64);
}
