//! Password reset through the JSON API: a link by mail that works once, for 30 minutes, ends
//! every session, and the same answer (and time) for an account that does not exist.
use super::*;

#[tokio::test]
async fn a_mailed_link_sets_a_new_password_once_and_ends_every_session() {
    let sink = SmtpSink::start();
    let app = TestApp::with_config(mail_config(&sink)).await;
    let cookie = app.register("reset@example.com").await;
    let other = app.login("reset@example.com").await;

    let asked = app
        .post_json(RESET, &json!({ "email": " Reset@Example.com " }), None)
        .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    let mails = deliver(&app.state, &sink, 1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["reset@example.com".to_owned()]);
    assert_eq!(mails[0].subject, "Reset your Keyward password");
    assert!(mails[0].html.contains("reset-password?token="));
    let token = token_of(&mails[0]);
    // Stored only as a hash.
    use keyward::server::entities::password_resets;
    let stored: Vec<String> = <password_resets::Entity as sea_orm::EntityTrait>::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.token_hash)
        .collect();
    assert_eq!(stored, vec![keyward::server::crypto::sha256_hex(&token)]);
    // Nor is it in the outbox: it was made as the mail went out.
    use keyward::server::entities::outbox;
    let queued = <outbox::Entity as sea_orm::EntityTrait>::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert!(!queued[0].text_body.contains(&token) && !queued[0].html_body.contains(&token));

    let short = app
        .post_json(
            RESET_CONFIRM,
            &json!({ "token": token, "newPassword": "short" }),
            None,
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.text);
    assert!(
        str_of(&short.json["error"]).contains("12"),
        "{}",
        short.text
    );
    // A refused password does not use the link up.
    let done = app
        .post_json(
            RESET_CONFIRM,
            &json!({ "token": token, "newPassword": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text);

    for session in [&cookie, &other] {
        assert_eq!(
            app.get(SESSION, Some(session)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let old = app
        .post_json(
            LOGIN,
            &json!({ "email": "reset@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_error(&old, StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS);
    let new = app
        .post_json(
            LOGIN,
            &json!({ "email": "reset@example.com", "password": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.text);

    let again = app
        .post_json(
            RESET_CONFIRM,
            &json!({ "token": token, "newPassword": "yet another passphrase" }),
            None,
        )
        .await;
    assert_error(
        &again,
        StatusCode::BAD_REQUEST,
        "This reset link is invalid or has expired; request a new one",
    );
    let unknown = app
        .post_json(
            RESET_CONFIRM,
            &json!({ "token": "0".repeat(64), "newPassword": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(unknown.json, again.json);

    let cookie = new.session_cookie().expect("a session");
    let kinds: Vec<String> = app.get("/api/account/events", Some(&cookie)).await.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| str_of(&e["kind"]).to_owned())
        .collect();
    // The new sign-in, the old password refused, the reset and its request.
    assert_eq!(
        &kinds[..4],
        [
            "sign_in",
            "sign_in_failed",
            "reset_completed",
            "reset_requested"
        ],
        "{kinds:?}"
    );
}

#[tokio::test]
async fn an_expired_link_is_refused_like_an_unknown_one() {
    let sink = SmtpSink::start();
    let app = TestApp::with_config(mail_config(&sink)).await;
    app.register("late@example.com").await;
    app.post_json(RESET, &json!({ "email": "late@example.com" }), None)
        .await;
    let token = token_of(&deliver(&app.state, &sink, 1).await[0]);
    // 31 minutes later.
    use keyward::server::entities::password_resets;
    use sea_orm::{sea_query::Expr, EntityTrait};
    password_resets::Entity::update_many()
        .col_expr(
            password_resets::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let late = app
        .post_json(
            RESET_CONFIRM,
            &json!({ "token": token, "newPassword": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_error(
        &late,
        StatusCode::BAD_REQUEST,
        "This reset link is invalid or has expired; request a new one",
    );
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_in_about_the_same_time_and_no_mail() {
    let _alone = heavy_test().await;
    let sink = SmtpSink::start();
    let app = TestApp::with_config(Config {
        reset_max_per_email: 1000,
        reset_max_per_ip: 1000,
        ..mail_config(&sink)
    })
    .await;
    app.register("known@example.com").await;
    let ask = |email: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let answer = app.post_json(RESET, &json!({ "email": email }), None).await;
            (answer, started.elapsed())
        }
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    // Interleaved, so a busy moment of the machine falls on both alike.
    for _ in 0..25 {
        let (a, t_known) = ask("known@example.com").await;
        let (b, t_unknown) = ask("nobody@example.com").await;
        assert_eq!(a.status, StatusCode::ACCEPTED);
        assert_eq!(
            (b.status, &b.text, &b.headers.get("content-length")),
            (a.status, &a.text, &a.headers.get("content-length"))
        );
        known.push(t_known);
        unknown.push(t_unknown);
    }
    known.sort();
    unknown.sort();
    let (known, unknown) = (known[known.len() / 2], unknown[unknown.len() / 2]);
    // The answer waits for the same work either way (the two throttle counts); the account's
    // lookup and its mail come after it. Far apart medians would mean the lookup is back in
    // the answer's path.
    let slack = std::time::Duration::from_millis(15);
    assert!(
        known <= unknown * 2 + slack && unknown <= known * 2 + slack,
        "median answer for a known email {known:?}, for an unknown one {unknown:?}"
    );
    let mails = deliver(&app.state, &sink, 25).await;
    assert!(
        mails
            .iter()
            .all(|m| m.to == vec!["known@example.com".to_owned()]),
        "only the account gets mail"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    mail_pass(&app.state).await;
    assert_eq!(sink.mails().len(), 25);
}

#[tokio::test]
async fn reset_requests_are_throttled_per_email_and_per_address() {
    let sink = SmtpSink::start();
    let app = TestApp::with_config(Config {
        reset_max_per_email: 2,
        reset_max_per_ip: 3,
        ..mail_config(&sink)
    })
    .await;
    for _ in 0..2 {
        let ok = app
            .post_json(RESET, &json!({ "email": "a@example.com" }), None)
            .await;
        assert_eq!(ok.status, StatusCode::ACCEPTED, "{}", ok.text);
    }
    let per_email = app
        .post_json(RESET, &json!({ "email": "a@example.com" }), None)
        .await;
    assert_eq!(
        per_email.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        per_email.text
    );
    assert!(per_email.headers.contains_key("retry-after"));
    assert!(str_of(&per_email.json["error"]).starts_with("Too many password reset requests"));
    // The refused request still counted against the address: 3 of 3 used.
    let per_ip = app
        .post_json(RESET, &json!({ "email": "b@example.com" }), None)
        .await;
    assert_eq!(
        per_ip.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        per_ip.text
    );

    let invalid = app
        .post_json(RESET, &json!({ "email": "not an email" }), None)
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST, "{}", invalid.text);
}

#[tokio::test]
async fn without_smtp_a_reset_says_email_is_not_configured() {
    let app = TestApp::new().await;
    app.register("nomail@example.com").await;
    let answer = app
        .post_json(RESET, &json!({ "email": "nomail@example.com" }), None)
        .await;
    assert_error(
        &answer,
        StatusCode::SERVICE_UNAVAILABLE,
        "Email is not configured on this server; ask your administrator",
    );
}
