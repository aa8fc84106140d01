//! The external API: how a key is presented and what an unusable one gets.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;

const ME: &str = "/api/v1/me";

#[track_caller]
fn assert_unauthorized(resp: &TestResponse, message: &str) {
    crate::common::assert_error(resp, StatusCode::UNAUTHORIZED, message);
    let challenge = resp.header("www-authenticate").unwrap_or_default();
    assert!(
        challenge.starts_with("Bearer"),
        "WWW-Authenticate is {challenge:?}; headers: {:?}",
        resp.headers
    );
}

/// Registers `email`, creates a key named `name` and returns (cookie, created JSON, key).
async fn user_with_key(
    app: &TestApp,
    email: &str,
    name: &str,
) -> (String, serde_json::Value, String) {
    let cookie = app.register(email).await;
    let created = app.create_key(&cookie, name).await;
    let key = crate::common::str_of(&created["fullKey"]).to_owned();
    crate::common::assert_key_format(&key);
    (cookie, created, key)
}

#[tokio::test]
async fn me_identifies_the_user_and_the_key_by_bearer_token() {
    let app = TestApp::new().await;
    let (_, created, key) = user_with_key(&app, "ada@example.com", "Zapier").await;
    let user_id = app.user_id("ada@example.com").await;

    let resp = app.me(&key).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    assert_eq!(
        resp.json,
        json!({
            "user": { "id": user_id.to_string(), "email": "ada@example.com" },
            "key": { "id": created["id"], "name": "Zapier" },
        })
    );
}

#[tokio::test]
async fn me_accepts_the_x_api_key_header() {
    let app = TestApp::new().await;
    let (_, created, key) = user_with_key(&app, "bob@example.com", "Script").await;

    let resp = app
        .send(crate::common::request(
            "GET",
            ME,
            &[("x-api-key", key.as_str())],
            Body::empty(),
        ))
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    assert_eq!(resp.json["user"]["email"], "bob@example.com");
    assert_eq!(resp.json["key"]["id"], created["id"]);
    assert_eq!(resp.json["key"]["name"], "Script");
}

#[tokio::test]
async fn a_request_without_a_key_is_challenged() {
    let app = TestApp::new().await;
    let lookups = app.state.verifier.lookups();
    let resp = app.get(ME, None).await;
    assert_unauthorized(&resp, MISSING_API_KEY);
    assert_eq!(app.state.verifier.lookups(), lookups);
}

#[tokio::test]
async fn the_session_cookie_does_not_authenticate_the_external_api() {
    let app = TestApp::new().await;
    let (cookie, _, _) = user_with_key(&app, "carol@example.com", "Zapier").await;
    // The cookie is valid for the cookie-authenticated API...
    let session = app.get("/api/auth/session", Some(cookie.as_str())).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
    // ...but not here.
    let resp = app.get(ME, Some(cookie.as_str())).await;
    assert_unauthorized(&resp, MISSING_API_KEY);
}

#[tokio::test]
async fn unknown_replaced_and_mistyped_keys_are_invalid() {
    let app = TestApp::new().await;
    let (cookie, created, old_key) = user_with_key(&app, "dave@example.com", "Zapier").await;
    let regenerated = app
        .regenerate(Some(cookie.as_str()), crate::common::str_of(&created["id"]))
        .await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
    let live_key = crate::common::str_of(&regenerated.json["fullKey"]).to_owned();

    // A well-formed key that this deployment never issued: one from another database.
    let other = TestApp::new().await;
    let (_, _, foreign_key) = user_with_key(&other, "erin@example.com", "Elsewhere").await;
    assert_eq!(other.me(&foreign_key).await.status, StatusCode::OK);

    for (what, key) in [
        ("a key from another deployment", foreign_key),
        ("a replaced key", old_key),
        (
            "a key with one flipped character",
            crate::common::flip_char(&live_key, 20),
        ),
        ("garbage", "garbage".to_owned()),
    ] {
        let resp = app.me(&key).await;
        assert_eq!(
            resp.status,
            StatusCode::UNAUTHORIZED,
            "{what}: {}",
            resp.text
        );
        assert_unauthorized(&resp, INVALID_API_KEY);

        let via_header = app
            .send(crate::common::request(
                "GET",
                ME,
                &[("x-api-key", key.as_str())],
                Body::empty(),
            ))
            .await;
        assert_unauthorized(&via_header, INVALID_API_KEY);
    }

    // The live key still works, so the failures above were about the keys themselves.
    let resp = app.me(&live_key).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    assert_eq!(resp.json["key"]["id"], regenerated.json["id"]);
}

#[tokio::test]
async fn malformed_keys_are_rejected_without_a_database_lookup() {
    let app = TestApp::new().await;
    let (cookie, created, replaced_key) = user_with_key(&app, "frank@example.com", "Zapier").await;
    let regenerated = app
        .regenerate(Some(cookie.as_str()), crate::common::str_of(&created["id"]))
        .await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
    let key = crate::common::str_of(&regenerated.json["fullKey"]).to_owned();
    crate::common::assert_key_format(&key);

    let malformed = [
        // Wrong prefix.
        key.replacen("pk_live_", "pk_test_", 1),
        // Wrong length, both ways.
        key[..key.len() - 1].to_owned(),
        format!("{key}0"),
        // Bad checksum: the last character changed.
        crate::common::flip_char(&key, key.len() - 1),
        // A mistyped character in the random part.
        crate::common::flip_char(&key, 20),
        // A character outside base62, at the right length.
        format!("{}-{}", &key[..20], &key[21..]),
        "garbage".to_owned(),
    ];

    let before = app.state.verifier.lookups();
    for bad in &malformed {
        assert_ne!(bad, &key);
        let resp = app.me(bad).await;
        assert_eq!(
            resp.status,
            StatusCode::UNAUTHORIZED,
            "key {bad:?}: {}",
            resp.text
        );
        assert_unauthorized(&resp, INVALID_API_KEY);
    }
    assert_eq!(
        app.state.verifier.lookups(),
        before,
        "a malformed key caused a database lookup"
    );

    // A well-formed key that is no longer live does reach the database.
    let resp = app.me(&replaced_key).await;
    assert_unauthorized(&resp, INVALID_API_KEY);
    let after_replaced = app.state.verifier.lookups();
    assert!(
        after_replaced > before,
        "a well-formed key was rejected without a lookup"
    );

    let ok = app.me(&key).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(app.state.verifier.lookups() > after_replaced);
}
