//! Changing the password: the current one is checked (a wrong one counts as a failed
//! sign-in), the new one follows registration's rules, and every other session ends.
use super::*;
use keyward::server::config::Config;

const NEW_PASSWORD: &str = "a longer and newer passphrase";

fn change(current: &str, new: &str) -> Value {
    json!({ "currentPassword": current, "newPassword": new })
}

#[tokio::test]
async fn a_password_change_keeps_this_session_and_ends_the_others() {
    let app = TestApp::new().await;
    let mine = app.register("change@example.com").await;
    let elsewhere = app.login("change@example.com").await;

    let wrong = app
        .post_json(
            PASSWORD_CHANGE,
            &change("not the password", NEW_PASSWORD),
            Some(&mine),
        )
        .await;
    assert_error(
        &wrong,
        StatusCode::BAD_REQUEST,
        "The current password is not correct",
    );
    let short = app
        .post_json(PASSWORD_CHANGE, &change(PASSWORD, "short"), Some(&mine))
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.text);
    assert!(
        str_of(&short.json["error"]).contains("12"),
        "{}",
        short.text
    );
    // Refusals change nothing.
    assert_eq!(
        app.get(SESSION, Some(&elsewhere)).await.status,
        StatusCode::OK
    );

    let changed = app
        .post_json(
            PASSWORD_CHANGE,
            &change(PASSWORD, NEW_PASSWORD),
            Some(&mine),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
    assert_eq!(app.get(SESSION, Some(&mine)).await.status, StatusCode::OK);
    assert_eq!(
        app.get(SESSION, Some(&elsewhere)).await.status,
        StatusCode::UNAUTHORIZED
    );

    let old = app
        .post_json(
            LOGIN,
            &json!({ "email": "change@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_error(&old, StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS);
    let new = app
        .post_json(
            LOGIN,
            &json!({ "email": "change@example.com", "password": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.text);
    let user = app.user_by_email("change@example.com").await;
    assert!(user.password_hash.starts_with("$argon2id$"));
    assert!(!user.password_hash.contains(NEW_PASSWORD));

    let kinds = event_kinds(&app, &mine).await;
    assert!(kinds.contains(&"password_changed".to_owned()), "{kinds:?}");

    let signed_out = app
        .post_json(PASSWORD_CHANGE, &change(PASSWORD, NEW_PASSWORD), None)
        .await;
    assert_error(&signed_out, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_current_passwords_count_toward_the_sign_in_throttle() {
    let config = Config {
        login_max_failures_per_email: 3,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let cookie = app.register("guess@example.com").await;
    for _ in 0..3 {
        let wrong = app
            .post_json(
                PASSWORD_CHANGE,
                &change("a wrong guess here", NEW_PASSWORD),
                Some(&cookie),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.text);
    }
    // The right password now waits too, here and at the sign-in form.
    let throttled = app
        .post_json(
            PASSWORD_CHANGE,
            &change(PASSWORD, NEW_PASSWORD),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        throttled.text
    );
    assert!(throttled.header("retry-after").is_some());
    let sign_in = app
        .post_json(
            LOGIN,
            &json!({ "email": "guess@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(sign_in.status, StatusCode::TOO_MANY_REQUESTS);
}
