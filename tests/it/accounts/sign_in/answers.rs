//! What signing in answers: the user and a new session, or one message whichever part was
//! wrong.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

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
