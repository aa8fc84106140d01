//! The password reset endpoints against the document: asked for on an instance without mail
//! (503) and on one with a real SMTP server (202, then 429), confirmed with the mailed token.
use std::time::Duration;

use super::drift::Drift;
use super::{check_body_guards, json_post};
use crate::common::smtp::SmtpSink;
use crate::common::*;
use axum::http::StatusCode;
use keyward::server::config::Config;
use keyward::server::services::mail::sender::send_due;
use serde_json::json;

const RESET: &str = "/api/auth/password-reset";
const CONFIRM: &str = "/api/auth/password-reset/confirm";

/// Resets the password of `other@example.com` (whose sessions the later phases do not use);
/// `cookie` is the owner's session, for the body guards.
pub(super) async fn phase(drift: &mut Drift, app: &TestApp, cookie: &str) {
    let send = |req| send_to(app.router.clone(), req);
    let email = json!({ "email": "other@example.com" });
    drift.check("post", RESET, &send(json_post(RESET, &email, None)).await);

    let sink = SmtpSink::start();
    let config = Config {
        smtp_url: Some(sink.url()),
        reset_max_per_email: 1,
        ..Config::default()
    };
    let (mailing, state) = app.second_instance(config).await;
    let send_mail = |req| send_to(mailing.clone(), req);
    let invalid = json!({ "email": "not an email" });
    drift.check(
        "post",
        RESET,
        &send_mail(json_post(RESET, &invalid, None)).await,
    );
    let accepted = send_mail(json_post(RESET, &email, None)).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.text);
    drift.check("post", RESET, &accepted);
    drift.check(
        "post",
        RESET,
        &send_mail(json_post(RESET, &email, None)).await,
    );
    check_body_guards(drift, app, RESET, cookie).await;

    let mut token = None;
    for _ in 0..100 {
        send_due(&state.db, &state.mailer)
            .await
            .expect("the outbox is sent");
        if let Some(mail) = sink.mails().first() {
            let link = mail.link_with("token=").expect("a reset link");
            token = Some(link.rsplit_once("token=").unwrap().1.to_owned());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let token = token.expect("the reset mail arrived");
    let confirm = |token: &str, password: &str| {
        json_post(
            CONFIRM,
            &json!({ "token": token, "newPassword": password }),
            None,
        )
    };
    drift.check("post", CONFIRM, &send(confirm("unknown", PASSWORD)).await);
    let done = send(confirm(&token, "a longer and newer passphrase")).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text);
    drift.check("post", CONFIRM, &done);
    check_body_guards(drift, app, CONFIRM, cookie).await;
}
