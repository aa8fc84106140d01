//! Signing in: the answers, and the throttle on failed attempts per email and per address.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use keyward::server::config::Config;
use serde_json::json;
use std::sync::Arc;
use tokio::sync::Barrier;

fn login_body(email: &str, password: &str) -> serde_json::Value {
    json!({ "email": email, "password": password })
}

#[track_caller]
fn assert_retry_after(resp: &TestResponse) -> u64 {
    let value = resp
        .header("retry-after")
        .unwrap_or_else(|| panic!("a {} carries Retry-After: {:?}", resp.status, resp.headers));
    let secs: u64 = value.parse().expect("Retry-After is a number of seconds");
    assert!(secs >= 1, "Retry-After {secs}");
    secs
}

/// Fires 60 wrong guesses at one email at the same instant, spread over `routers`; returns
/// how many were evaluated (answered 401). The others must be refused with 429.
async fn burst_of_wrong_guesses(routers: &[axum::Router], email: &str) -> usize {
    let barrier = Arc::new(Barrier::new(60));
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let router = routers[i % routers.len()].clone();
            let barrier = barrier.clone();
            let request = json_request("POST", LOGIN, &login_body(email, "not the password"), None);
            tokio::spawn(async move {
                barrier.wait().await;
                send_to(router, request).await
            })
        })
        .collect();
    let mut evaluated = 0;
    for task in tasks {
        let resp = task.await.expect("request task");
        match resp.status {
            StatusCode::UNAUTHORIZED => evaluated += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_retry_after(&resp);
            }
            other => panic!("a wrong guess answered {other}: {}", resp.text),
        }
    }
    evaluated
}

async fn failed_login(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        "/api/auth/login",
        &json!({ "email": email, "password": "not the password" }),
        None,
    )
    .await
}

async fn good_login(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        "/api/auth/login",
        &json!({ "email": email, "password": PASSWORD }),
        None,
    )
    .await
}

#[track_caller]
fn assert_throttled(resp: &TestResponse) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_sixty_concurrent_wrong_guesses_at_most_ten_are_evaluated_and_the_right_password_is_refused(
) {
    let app = TestApp::new().await;
    app.register("target@example.com").await;
    let evaluated =
        burst_of_wrong_guesses(std::slice::from_ref(&app.router), "target@example.com").await;
    // Often none is: every reservation commits before any is counted. Never more than ten.
    assert!(evaluated <= 10, "{evaluated} of 60 guesses were evaluated");
    let right = app
        .post_json(LOGIN, &login_body("target@example.com", PASSWORD), None)
        .await;
    assert_error_status(&right, StatusCode::TOO_MANY_REQUESTS);
    assert_retry_after(&right);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_throttle_holds_across_two_instances() {
    let a = TestApp::new().await;
    a.register("target@example.com").await;
    let (b, _) = a.second_instance(Config::default()).await;
    let evaluated =
        burst_of_wrong_guesses(&[a.router.clone(), b.clone()], "target@example.com").await;
    assert!(
        evaluated <= 10,
        "{evaluated} of 60 guesses were evaluated across two instances"
    );
    for router in [a.router.clone(), b] {
        let right = send_to(
            router,
            json_request(
                "POST",
                LOGIN,
                &login_body("target@example.com", PASSWORD),
                None,
            ),
        )
        .await;
        assert_error_status(&right, StatusCode::TOO_MANY_REQUESTS);
        assert_retry_after(&right);
    }
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
async fn login_returns_the_user_and_a_new_session() {
    let app = TestApp::new().await;
    let first = app.register("carol@example.com").await;
    let user_id = app.user_id("carol@example.com").await;

    let resp = app
        .post_json(
            LOGIN,
            &json!({ "email": "carol@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    assert_eq!(
        resp.json,
        json!({ "user": { "id": user_id.to_string(), "email": "carol@example.com" } })
    );
    let set_cookie = resp
        .session_set_cookie()
        .expect("login sets the session cookie");
    let attributes = crate::common::cookie_attributes(set_cookie);
    assert!(attributes.iter().any(|a| a == "httponly"), "{set_cookie}");
    assert!(
        attributes.iter().any(|a| a == "samesite=lax"),
        "{set_cookie}"
    );
    let second = resp.session_cookie().expect("session cookie");
    assert_ne!(first, second, "login must start a new session");

    let session = app.get(SESSION, Some(second.as_str())).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
    assert_eq!(session.json["user"]["email"], "carol@example.com");
    assert_eq!(app.sessions_of(user_id).await.len(), 2);
}

#[tokio::test]
async fn login_failures_do_not_say_which_part_was_wrong() {
    let app = TestApp::new().await;
    app.register("dave@example.com").await;
    let user_id = app.user_id("dave@example.com").await;

    let wrong_password = app
        .post_json(
            LOGIN,
            &json!({ "email": "dave@example.com", "password": "wrong horse battery staple" }),
            None,
        )
        .await;
    crate::common::assert_error(
        &wrong_password,
        StatusCode::UNAUTHORIZED,
        INVALID_CREDENTIALS,
    );
    assert!(wrong_password.session_set_cookie().is_none());

    let unknown_email = app
        .post_json(
            LOGIN,
            &json!({ "email": "nobody@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    crate::common::assert_error(
        &unknown_email,
        StatusCode::UNAUTHORIZED,
        INVALID_CREDENTIALS,
    );
    assert!(unknown_email.session_set_cookie().is_none());
    assert_eq!(wrong_password.text, unknown_email.text);

    // Only the registration's session exists.
    assert_eq!(app.sessions_of(user_id).await.len(), 1);
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
