//! `/api/v1/authorize` asked directly: 204 with who the key belongs to, or the same 401 as
//! `/api/v1/me`.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;

const AUTHORIZE: &str = "/api/v1/authorize";

fn authorize_request(headers: &[(&str, &str)]) -> axum::http::Request<Body> {
    request("GET", AUTHORIZE, headers, Body::empty())
}

#[tokio::test]
async fn authorize_answers_204_with_who_the_key_belongs_to() {
    let app = TestApp::new().await;
    let cookie = app.register("proxy@example.com").await;
    let created = app.create_key(&cookie, "Café CI").await;
    let key = str_of(&created["fullKey"]).to_owned();
    let user_id = app.user_id("proxy@example.com").await;

    for header in [
        ("authorization", format!("Bearer {key}")),
        ("x-api-key", key.clone()),
    ] {
        let resp = app
            .send(authorize_request(&[(header.0, header.1.as_str())]))
            .await;
        assert_eq!(resp.status, StatusCode::NO_CONTENT, "{}", resp.text);
        assert!(resp.text.is_empty());
        assert_eq!(
            resp.header("x-keyward-user-id"),
            Some(user_id.to_string().as_str())
        );
        assert_eq!(
            resp.header("x-keyward-user-email"),
            Some("proxy@example.com")
        );
        assert_eq!(resp.header("x-keyward-key-id"), created["id"].as_str());
        assert_eq!(resp.header("x-keyward-key-name"), Some("Caf%C3%A9%20CI"));
    }
    // A use counts like one of /me: the first one is written at once.
    assert!(app
        .key_row(str_of(&created["id"]))
        .await
        .last_used_at
        .is_some());
}

#[tokio::test]
async fn authorize_refuses_with_the_same_401_as_me() {
    let app = TestApp::new().await;
    let cookie = app.register("refused@example.com").await;
    let created = app.create_key(&cookie, "Old").await;
    let old = str_of(&created["fullKey"]).to_owned();
    assert_eq!(
        app.regenerate(Some(&cookie), str_of(&created["id"]))
            .await
            .status,
        StatusCode::OK
    );

    let bearer_old = format!("Bearer {old}");
    for (headers, message) in [
        (vec![], MISSING_API_KEY),
        (
            vec![("authorization", "Bearer pk_live_nope")],
            INVALID_API_KEY,
        ),
        (
            vec![("authorization", bearer_old.as_str())],
            INVALID_API_KEY,
        ),
        // A browser session is not a key.
        (vec![("cookie", cookie.as_str())], MISSING_API_KEY),
    ] {
        let resp = app.send(authorize_request(&headers)).await;
        assert_error(&resp, StatusCode::UNAUTHORIZED, message);
        assert!(resp
            .header("www-authenticate")
            .unwrap_or_default()
            .starts_with("Bearer"));
        assert_eq!(resp.header("x-keyward-error"), Some(message));
        assert_eq!(resp.header("x-keyward-user-id"), None);
    }
}
