//! The outbox: mail written while the SMTP server is down, or just before the server is
//! killed, is delivered once both are back; two instances never send the same mail.
use std::time::Duration;

use keyward::server::entities::outbox;
use sea_orm::EntityTrait;

use super::*;
use crate::common::server_process::ServerProcess;

#[tokio::test]
async fn mail_survives_an_smtp_outage_and_a_killed_server() {
    let mut sink = SmtpSink::down();
    let app = TestApp::new().await;
    app.register("crash@example.com").await;
    let smtp = sink.url();
    let env = [
        ("KEYWARD_SMTP_URL", smtp.as_str()),
        ("KEYWARD_MAIL_POLL_MS", "100"),
        ("KEYWARD_PUBLIC_URL", PUBLIC_URL),
    ];
    let mut first = ServerProcess::start(&app.url, &env).await;
    let asked = http(
        first.addr,
        "POST",
        RESET,
        &[],
        Some(&json!({ "email": "crash@example.com" })),
    )
    .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    // The mail is queued, and a send has failed: SMTP is down.
    let mut tried = false;
    for _ in 0..200 {
        let rows = outbox::Entity::find().all(&app.db).await.unwrap();
        if rows
            .iter()
            .any(|row| row.attempts >= 1 && row.last_error.is_some())
        {
            tried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        tried,
        "a send was tried while SMTP was down:\n{}",
        first.output()
    );
    // Killed, as a crash would: no shutdown.
    first.kill();
    assert!(sink.mails().is_empty());

    sink.resume();
    let _second = ServerProcess::start(&app.url, &env).await;
    let mails = sink.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(mails.len(), 1, "the queued mail is delivered");
    let token = token_of(&mails[0]);
    let reset = app
        .post_json(
            RESET_CONFIRM,
            &json!({ "token": token, "newPassword": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.mails().len(), 1, "and only once");
    let rows = outbox::Entity::find().all(&app.db).await.unwrap();
    assert!(rows[0].sent_at.is_some());
}

#[tokio::test]
async fn two_instances_send_each_mail_once() {
    let sink = SmtpSink::start();
    let app = TestApp::with_config(Config {
        reset_max_per_ip: 100,
        ..mail_config(&sink)
    })
    .await;
    let (_, second) = app.second_instance(mail_config(&sink)).await;
    let emails: Vec<String> = (0..8).map(|i| format!("twice{i}@example.com")).collect();
    for email in &emails {
        app.register(email).await;
        let asked = app.post_json(RESET, &json!({ "email": email }), None).await;
        assert_eq!(asked.status, StatusCode::ACCEPTED);
    }
    // Wait until all eight are queued (each is written just after its answer).
    for _ in 0..200 {
        if outbox::Entity::find().all(&app.db).await.unwrap().len() == emails.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    for _ in 0..4 {
        let (a, b) = tokio::join!(
            send_due(&app.state.db, &app.state.mailer),
            send_due(&second.db, &second.mailer)
        );
        a.expect("first instance sends");
        b.expect("second instance sends");
    }
    let mut to: Vec<String> = sink.mails().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    let mut expected = emails.clone();
    expected.sort();
    assert_eq!(to, expected, "each mail exactly once");
}
