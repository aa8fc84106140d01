//! Registration creates the account and signs it in, with the email trimmed and lower-cased.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

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
