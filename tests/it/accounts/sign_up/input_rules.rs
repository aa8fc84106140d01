//! What registration refuses: an invalid email, one with invisible or bidi characters, a
//! password out of bounds, a taken email in any spelling.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

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
