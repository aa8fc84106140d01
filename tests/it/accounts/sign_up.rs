//! Registration: what an account needs, and the limit on new accounts per address.
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

#[tokio::test]
async fn emails_with_invisible_or_bidi_characters_are_refused() {
    let app = TestApp::new().await;
    for email in [
        "bob\u{202E}@example.com",
        "bo\u{200B}b@example.com",
        "bob@exa\u{FEFF}mple.com",
    ] {
        let resp = app
            .post_json(
                REGISTER,
                &json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_error_status(&resp, StatusCode::BAD_REQUEST);
    }
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn register_creates_the_account_and_signs_in() {
    let app = TestApp::new().await;
    let resp = app
        .post_json(
            REGISTER,
            &json!({ "email": "ada@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text);
    crate::common::assert_fields(&resp.json, &["user"]);
    let user = &resp.json["user"];
    crate::common::assert_fields(user, &["email", "id"]);
    assert_eq!(user["email"], "ada@example.com");
    let id = crate::common::uuid_of(&user["id"]);
    assert_eq!(app.user_id("ada@example.com").await, id);

    let set_cookie = resp
        .session_set_cookie()
        .unwrap_or_else(|| panic!("no keyward_session Set-Cookie: {:?}", resp.headers));
    let attributes = crate::common::cookie_attributes(set_cookie);
    for required in ["httponly", "samesite=lax", "path=/"] {
        assert!(
            attributes.iter().any(|a| a == required),
            "Set-Cookie {set_cookie:?} lacks {required}"
        );
    }
    assert!(
        !attributes.iter().any(|a| a == "secure"),
        "Set-Cookie {set_cookie:?} must not be Secure with the default config"
    );
    let cookie = resp.session_cookie().expect("session cookie");
    assert!(
        !crate::common::cookie_value(&cookie).is_empty(),
        "empty session token"
    );

    let session = app.get(SESSION, Some(cookie.as_str())).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
    assert_eq!(
        session.json,
        json!({ "user": { "id": id.to_string(), "email": "ada@example.com" } })
    );
}

#[tokio::test]
async fn register_trims_and_lower_cases_the_email() {
    let app = TestApp::new().await;
    let resp = app
        .post_json(
            REGISTER,
            &json!({ "email": "  Alice@Example.COM ", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text);
    assert_eq!(resp.json["user"]["email"], "alice@example.com");
    let row = app.user_by_email("alice@example.com").await;
    assert_eq!(row.email, "alice@example.com");
    assert_eq!(app.count_users().await, 1);

    // Signing in with another spelling of the same address reaches the same account.
    let login = app
        .post_json(
            LOGIN,
            &json!({ "email": " ALICE@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    assert_eq!(login.json["user"]["email"], "alice@example.com");
    assert_eq!(crate::common::uuid_of(&login.json["user"]["id"]), row.id);
}

#[tokio::test]
async fn register_rejects_an_invalid_email() {
    let app = TestApp::new().await;
    let resp = app
        .post_json(
            REGISTER,
            &json!({ "email": "not-an-email", "password": PASSWORD }),
            None,
        )
        .await;
    crate::common::assert_error(
        &resp,
        StatusCode::BAD_REQUEST,
        "Enter a valid email address",
    );
    assert!(resp.session_set_cookie().is_none());
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn register_enforces_password_length_bounds() {
    let app = TestApp::new().await;

    let too_short = app
        .post_json(
            REGISTER,
            &json!({ "email": "short@example.com", "password": "p".repeat(11) }),
            None,
        )
        .await;
    crate::common::assert_error(
        &too_short,
        StatusCode::BAD_REQUEST,
        "Password must be at least 12 characters",
    );

    let too_long = app
        .post_json(
            REGISTER,
            &json!({ "email": "long@example.com", "password": "p".repeat(129) }),
            None,
        )
        .await;
    crate::common::assert_error(
        &too_long,
        StatusCode::BAD_REQUEST,
        "Password must be at most 128 characters",
    );
    assert_eq!(
        app.count_users().await,
        0,
        "rejected registrations created users"
    );

    for (email, len) in [("twelve@example.com", 12), ("max@example.com", 128)] {
        let password = "p".repeat(len);
        let resp = app
            .post_json(
                REGISTER,
                &json!({ "email": email, "password": password }),
                None,
            )
            .await;
        assert_eq!(
            resp.status,
            StatusCode::CREATED,
            "a {len}-character password was refused: {}",
            resp.text
        );
        // And the account signs in with exactly that password.
        let login = app
            .post_json(
                LOGIN,
                &json!({ "email": email, "password": password }),
                None,
            )
            .await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    }
    assert_eq!(app.count_users().await, 2);
}

#[tokio::test]
async fn register_refuses_a_taken_email_in_any_spelling() {
    let app = TestApp::new().await;
    app.register("bob@example.com").await;

    for email in ["bob@example.com", " BOB@Example.com "] {
        let resp = app
            .post_json(
                REGISTER,
                &json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        crate::common::assert_error(
            &resp,
            StatusCode::CONFLICT,
            "An account with this email already exists",
        );
        assert!(resp.session_set_cookie().is_none());
    }
    assert_eq!(app.count_users().await, 1);
}
