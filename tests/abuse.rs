#![cfg(feature = "ssr")]
//! Abuse resistance: a sign-in throttle that holds under concurrency and across instances,
//! a bounded registration budget per IP, names and emails that cannot break a page, and the
//! smaller hardening rules (full-origin check, `__Host-` cookie, canonical paths,
//! `Retry-After` on every 429).
mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use keyward::server::config::Config;
use serde_json::json;
use tokio::sync::Barrier;

const LOGIN: &str = "/api/auth/login";
const REGISTER: &str = "/api/auth/register";

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

async fn register_as(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        REGISTER,
        &json!({ "email": email, "password": PASSWORD }),
        None,
    )
    .await
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
async fn names_with_control_bidi_or_only_invisible_characters_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("names@example.com").await;
    for name in [
        "\u{0}",
        "line\nbreak",
        "carriage\rreturn",
        "tab\there",
        "abc\u{202E}gpj.exe",
        "\u{2066}isolated\u{2069}",
        "\u{200B}",
        "\u{FEFF}",
        "\u{2060}",
        "\u{3164}",
        "\u{2800}",
    ] {
        let resp = app
            .post_json("/api/api-keys", &json!({ "name": name }), Some(&cookie))
            .await;
        assert_error_status(&resp, StatusCode::BAD_REQUEST);
        assert_ne!(
            resp.json["error"],
            "Something went wrong on our side; please try again"
        );
    }
    assert!(
        app.list_keys(&cookie).await.is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn invisible_ends_are_trimmed_before_the_duplicate_check() {
    let app = TestApp::new().await;
    let cookie = app.register("dupes@example.com").await;
    app.create_key(&cookie, "Zapier").await;
    for lookalike in [
        "Zapier\u{200B}",
        "\u{FEFF}Zapier",
        "Zapier\u{2060}",
        "\u{3164}Zapier\u{2800}",
    ] {
        let resp = app
            .post_json(
                "/api/api-keys",
                &json!({ "name": lookalike }),
                Some(&cookie),
            )
            .await;
        assert_error(&resp, StatusCode::BAD_REQUEST, DUPLICATE_NAME);
    }
}

#[tokio::test]
async fn what_people_really_type_is_kept() {
    let app = TestApp::new().await;
    let cookie = app.register("emoji@example.com").await;
    for name in [
        "👩‍💻 laptop",
        "Café Zürich",
        "東京の鍵",
        "مفتاح زابير",
        "❤\u{FE0F} CI",
    ] {
        let created = app.create_key(&cookie, name).await;
        assert_eq!(created["name"], name);
    }
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

/// Rows written before the rules existed must still render: each odd character shows as
/// U+FFFD, and nothing the HTML parser would drop (NUL) reaches the page.
#[tokio::test]
async fn stored_names_with_odd_characters_still_render() {
    let app = TestApp::new().await;
    let cookie = app.register("legacy@example.com").await;
    let owner = app.user_id("legacy@example.com").await;
    let mut odd = vec!["cr\r\nlf", "abc\u{202E}gpj.exe", "\u{200B}"];
    if !app.url.starts_with("postgres") {
        odd.push("nul\u{0}"); // PostgreSQL cannot store NUL in text at all
    }
    for (i, name) in odd.iter().enumerate() {
        insert_key_row(&app, owner, name, &format!("{i:064}")).await;
    }
    let page = app.get("/settings/api-keys", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html_body = page.text.split("<script").next().unwrap_or_default();
    assert!(
        !html_body.contains('\u{0}')
            && !html_body.contains('\r')
            && !html_body.contains('\u{202E}')
    );
    assert!(
        page.text.contains("cr\u{FFFD}\u{FFFD}lf"),
        "CR LF shown as replacement characters"
    );
    assert!(page.text.contains("abc\u{FFFD}gpj.exe"));
    assert!(page.text.contains("(unnamed key)"));
    // The JSON API still returns what is stored, escaped by JSON.
    let listed = names(&app.list_keys(&cookie).await);
    for name in &odd {
        assert!(listed.contains(&name.to_string()), "{name:?} in {listed:?}");
    }
}

async fn insert_key_row(app: &TestApp, owner: uuid::Uuid, name: &str, hash: &str) {
    use keyward::server::entities::api_keys;
    use sea_orm::{ActiveModelTrait, Set};
    let id = uuid::Uuid::now_v7();
    api_keys::ActiveModel {
        id: Set(id),
        user_id: Set(owner),
        name: Set(name.to_owned()),
        key_hash: Set(hash.to_owned()),
        key_prefix: Set("pk_live_odd1".to_owned()),
        created_at: Set(chrono::Utc::now()),
        last_used_at: Set(None),
        deleted_at: Set(None),
        replaces_id: Set(None),
        expires_at: Set(None),
        lineage_id: Set(Some(id)),
    }
    .insert(&app.db)
    .await
    .expect("insert a legacy row");
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
async fn secure_cookies_use_the_host_prefix() {
    let config = Config {
        secure_cookies: true,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let resp = app
        .post_json(
            REGISTER,
            &json!({ "email": "tls@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(resp.status, StatusCode::CREATED);
    let set_cookie = resp
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-keyward_session="))
        .expect("a __Host- session cookie");
    let attributes = cookie_attributes(set_cookie);
    for required in ["secure", "path=/", "httponly", "samesite=lax"] {
        assert!(
            attributes.iter().any(|a| a == required),
            "{required} in {set_cookie}"
        );
    }
    assert!(
        !attributes.iter().any(|a| a.starts_with("domain")),
        "{set_cookie}"
    );
    let token = set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1;
    let prefixed = format!("__Host-keyward_session={token}");
    let session = app.get("/api/auth/session", Some(&prefixed)).await;
    assert_eq!(session.status, StatusCode::OK);
    // The unprefixed name, which a sibling subdomain could set, is not accepted.
    let unprefixed = format!("keyward_session={token}");
    let session = app.get("/api/auth/session", Some(&unprefixed)).await;
    assert_eq!(session.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn odd_spellings_of_settings_paths_cannot_skip_the_guard() {
    let app = TestApp::new().await;
    for path in [
        "/./settings/api-keys",
        "//settings/api-keys",
        "/x/../settings/api-keys",
        "/%73ettings/api-keys",
        "/settings/./api-keys",
    ] {
        let resp = app.get(path, None).await;
        assert_eq!(
            resp.status,
            StatusCode::PERMANENT_REDIRECT,
            "GET {path}: {}",
            resp.text
        );
        assert_eq!(
            resp.header("location"),
            Some("/settings/api-keys"),
            "GET {path}"
        );
        let followed = app.get("/settings/api-keys", None).await;
        assert_eq!(followed.status, StatusCode::SEE_OTHER);
    }
    let query = app.get("/./login?callbackUrl=/settings", None).await;
    assert_eq!(
        query.header("location"),
        Some("/login?callbackUrl=/settings")
    );
}
