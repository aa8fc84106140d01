//! Accounts and sessions over HTTP: registration, sign-in, sign-out, the session endpoint,
//! request-body handling, cross-site refusal and the settings page guard.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, Utc};
use keyward::server::entities::sessions;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use common::{TestApp, INVALID_CREDENTIALS, PASSWORD, UNAUTHORIZED};

const REGISTER: &str = "/api/auth/register";
const LOGIN: &str = "/api/auth/login";
const LOGOUT: &str = "/api/auth/logout";
const SESSION: &str = "/api/auth/session";

/// A POST with an arbitrary body and content type.
fn raw_post(path: &str, content_type: &str, body: String) -> Request<Body> {
    common::request(
        "POST",
        path,
        &[("content-type", content_type)],
        Body::from(body),
    )
}

/// A JSON sign-in request with extra headers (`Origin`, `Host`, `Sec-Fetch-Site`).
fn login_request(body: &str, extra: &[(&str, &str)]) -> Request<Body> {
    let mut headers = vec![("content-type", "application/json")];
    headers.extend_from_slice(extra);
    common::request("POST", LOGIN, &headers, Body::from(body.to_owned()))
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
    common::assert_fields(&resp.json, &["user"]);
    let user = &resp.json["user"];
    common::assert_fields(user, &["email", "id"]);
    assert_eq!(user["email"], "ada@example.com");
    let id = common::uuid_of(&user["id"]);
    assert_eq!(app.user_id("ada@example.com").await, id);

    let set_cookie = resp
        .session_set_cookie()
        .unwrap_or_else(|| panic!("no keyward_session Set-Cookie: {:?}", resp.headers));
    let attributes = common::cookie_attributes(set_cookie);
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
        !common::cookie_value(&cookie).is_empty(),
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
    assert_eq!(common::uuid_of(&login.json["user"]["id"]), row.id);
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
    common::assert_error(
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
    common::assert_error(
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
    common::assert_error(
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
        common::assert_error(
            &resp,
            StatusCode::CONFLICT,
            "An account with this email already exists",
        );
        assert!(resp.session_set_cookie().is_none());
    }
    assert_eq!(app.count_users().await, 1);
}

#[tokio::test]
async fn passwords_and_session_tokens_are_stored_only_as_hashes() {
    let app = TestApp::new().await;
    let cookie = app.register("hash@example.com").await;
    let user = app.user_by_email("hash@example.com").await;
    assert!(
        user.password_hash.starts_with("$argon2id$"),
        "password hash is not argon2id"
    );
    assert!(!user.password_hash.contains(PASSWORD));

    let token = common::cookie_value(&cookie);
    let rows = app.sessions_of(user.id).await;
    assert_eq!(
        rows.len(),
        1,
        "registration should create exactly one session"
    );
    let row = &rows[0];
    assert!(
        common::is_lower_hex_64(&row.token_hash),
        "token_hash {:?} is not 64 lower-case hex characters",
        row.token_hash
    );
    assert_ne!(row.token_hash, token, "the raw cookie token is stored");
    assert!(!row.token_hash.contains(token));
    assert!(
        row.expires_at > Utc::now(),
        "a new session is already expired"
    );
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
    let attributes = common::cookie_attributes(set_cookie);
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
    common::assert_error(
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
    common::assert_error(
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
async fn logout_clears_the_cookie_and_deletes_the_session() {
    let app = TestApp::new().await;
    let cookie = app.register("erin@example.com").await;
    let user_id = app.user_id("erin@example.com").await;
    assert_eq!(app.sessions_of(user_id).await.len(), 1);

    let resp = app.post_empty(LOGOUT, Some(cookie.as_str())).await;
    assert_eq!(resp.status, StatusCode::NO_CONTENT, "{}", resp.text);
    assert!(resp.text.is_empty(), "204 with a body: {:?}", resp.text);
    let set_cookie = resp
        .session_set_cookie()
        .unwrap_or_else(|| panic!("logout does not clear the cookie: {:?}", resp.headers));
    let attributes = common::cookie_attributes(set_cookie);
    assert!(
        attributes.iter().any(|a| a == "max-age=0"),
        "clearing Set-Cookie {set_cookie:?} lacks Max-Age=0"
    );

    assert!(
        app.sessions_of(user_id).await.is_empty(),
        "the session row survived logout"
    );
    let after = app.get(SESSION, Some(cookie.as_str())).await;
    common::assert_error(&after, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
}

#[tokio::test]
async fn session_endpoint_requires_a_valid_session() {
    let app = TestApp::new().await;
    let cookie = app.register("frank@example.com").await;

    let none = app.get(SESSION, None).await;
    common::assert_error(&none, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let garbage = app.get(SESSION, Some("keyward_session=garbage")).await;
    common::assert_error(&garbage, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    // Right shape, but no such session.
    let forged = format!("keyward_session={}", "ab".repeat(32));
    let forged = app.get(SESSION, Some(forged.as_str())).await;
    common::assert_error(&forged, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let valid = app.get(SESSION, Some(cookie.as_str())).await;
    assert_eq!(valid.status, StatusCode::OK, "{}", valid.text);
    assert_eq!(valid.json["user"]["email"], "frank@example.com");
}

#[tokio::test]
async fn an_expired_session_is_refused_and_deleted() {
    let app = TestApp::new().await;
    let cookie = app.register("grace@example.com").await;
    let user_id = app.user_id("grace@example.com").await;

    let mut rows = app.sessions_of(user_id).await;
    assert_eq!(rows.len(), 1);
    let mut session: sessions::ActiveModel = rows.remove(0).into();
    session.expires_at = Set(Utc::now() - Duration::hours(1));
    session.update(&app.db).await.expect("expire the session");

    let resp = app.get(SESSION, Some(cookie.as_str())).await;
    common::assert_error(&resp, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    assert!(
        app.sessions_of(user_id).await.is_empty(),
        "the expired session row was not deleted"
    );
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
        common::assert_error_status(&broken, StatusCode::BAD_REQUEST);

        let valid_json = json!({ "email": "a@example.com", "password": PASSWORD }).to_string();
        let plain = app.send(raw_post(path, "text/plain", valid_json)).await;
        common::assert_error_status(&plain, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        let missing = app
            .send(raw_post(
                path,
                "application/json",
                json!({ "email": "a@example.com" }).to_string(),
            ))
            .await;
        common::assert_error_status(&missing, StatusCode::BAD_REQUEST);

        let wrong_type = app
            .send(raw_post(
                path,
                "application/json",
                json!({ "email": 42, "password": PASSWORD }).to_string(),
            ))
            .await;
        common::assert_error_status(&wrong_type, StatusCode::BAD_REQUEST);

        let not_an_object = app
            .send(raw_post(path, "application/json", "[]".to_owned()))
            .await;
        common::assert_error_status(&not_an_object, StatusCode::BAD_REQUEST);

        let huge = json!({ "email": "x".repeat(70_000), "password": PASSWORD }).to_string();
        assert!(huge.len() > 64 * 1024);
        let too_large = app.send(raw_post(path, "application/json", huge)).await;
        common::assert_error_status(&too_large, StatusCode::PAYLOAD_TOO_LARGE);
    }
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn cross_site_sign_in_is_refused() {
    let app = TestApp::new().await;
    app.register("heidi@example.com").await;
    let user_id = app.user_id("heidi@example.com").await;
    let body = json!({ "email": "heidi@example.com", "password": PASSWORD }).to_string();

    let foreign_origin = app
        .send(login_request(
            &body,
            &[
                ("origin", "https://evil.example"),
                ("host", "localhost:3000"),
            ],
        ))
        .await;
    common::assert_error_status(&foreign_origin, StatusCode::FORBIDDEN);
    assert!(foreign_origin.session_set_cookie().is_none());

    let fetch_metadata = app
        .send(login_request(&body, &[("sec-fetch-site", "cross-site")]))
        .await;
    common::assert_error_status(&fetch_metadata, StatusCode::FORBIDDEN);
    assert!(fetch_metadata.session_set_cookie().is_none());

    assert_eq!(
        app.sessions_of(user_id).await.len(),
        1,
        "a refused sign-in created a session"
    );

    let same_origin = app
        .send(login_request(
            &body,
            &[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000"),
            ],
        ))
        .await;
    assert_eq!(same_origin.status, StatusCode::OK, "{}", same_origin.text);
    assert!(same_origin.session_set_cookie().is_some());
    assert_eq!(app.sessions_of(user_id).await.len(), 2);
}

#[tokio::test]
async fn cross_site_sign_out_is_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("ivan@example.com").await;
    let user_id = app.user_id("ivan@example.com").await;

    let resp = app
        .send(common::request(
            "POST",
            LOGOUT,
            &[
                ("cookie", cookie.as_str()),
                ("origin", "https://evil.example"),
                ("host", "localhost:3000"),
            ],
            Body::empty(),
        ))
        .await;
    common::assert_error_status(&resp, StatusCode::FORBIDDEN);
    assert_eq!(app.sessions_of(user_id).await.len(), 1);
    let session = app.get(SESSION, Some(cookie.as_str())).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
}

#[tokio::test]
async fn settings_pages_redirect_signed_out_visitors() {
    let app = TestApp::new().await;
    for (path, target) in [
        ("/settings", "/login?callbackUrl=/settings"),
        (
            "/settings/api-keys",
            "/login?callbackUrl=/settings/api-keys",
        ),
    ] {
        for cookie in [None, Some("keyward_session=garbage")] {
            let resp = app.get(path, cookie).await;
            assert_eq!(
                resp.status,
                StatusCode::SEE_OTHER,
                "GET {path} with cookie {cookie:?}: {}",
                resp.text
            );
            assert_eq!(resp.header("location"), Some(target), "GET {path}");
        }
    }
}

#[tokio::test]
async fn settings_pages_render_for_a_signed_in_user() {
    let app = TestApp::new().await;
    let cookie = app.register("judy@example.com").await;
    for path in ["/settings", "/settings/api-keys"] {
        let resp = app.get(path, Some(cookie.as_str())).await;
        assert_eq!(resp.status, StatusCode::OK, "GET {path}: {}", resp.text);
        assert!(
            resp.content_type().starts_with("text/html"),
            "GET {path} answered {:?}",
            resp.content_type()
        );
        assert!(
            resp.text.contains("<html"),
            "GET {path} is not an HTML page"
        );
    }
}

#[tokio::test]
async fn public_pages_and_unknown_paths() {
    let app = TestApp::new().await;
    let login = app.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    assert!(
        login.content_type().starts_with("text/html"),
        "GET /login answered {:?}",
        login.content_type()
    );
    assert!(login.text.contains("<html"));

    let missing = app.get("/no-such-page", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
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
