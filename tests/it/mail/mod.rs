//! Mail: the password reset by email, expiry reminders, and the outbox that carries both
//! through SMTP outages and crashes. Every mail goes to a real SMTP server (`common::smtp`).
mod outbox;
mod password_reset;
mod reminders;
mod reset_pages;

use std::time::Duration;

use keyward::server::config::Config;
use keyward::server::services::mail::sender::send_due;
use keyward::server::services::reminders::queue_due;
use keyward::server::state::AppState;

use crate::common::smtp::{Delivered, SmtpSink};
use crate::common::*;

const RESET: &str = "/api/auth/password-reset";
const RESET_CONFIRM: &str = "/api/auth/password-reset/confirm";
const PUBLIC_URL: &str = "https://keys.example.com";
const NEW_PASSWORD: &str = "a longer and newer passphrase";

/// The configuration of an instance that mails through `sink`.
fn mail_config(sink: &SmtpSink) -> Config {
    Config {
        smtp_url: Some(sink.url()),
        public_url: Some(PUBLIC_URL.into()),
        mail_poll_ms: 100,
        ..Config::default()
    }
}

/// One pass of an instance's mail task: queue the reminders that are due, send the outbox.
async fn mail_pass(state: &AppState) -> usize {
    queue_due(&state.db, &state.mailer)
        .await
        .expect("reminders queued");
    send_due(&state.db, &state.mailer)
        .await
        .expect("outbox sent")
}

/// Runs `state`'s mail passes until `sink` holds `count` mails (a reset mail is queued just
/// after its answer, so it may take a pass or two to appear).
async fn deliver(state: &AppState, sink: &SmtpSink, count: usize) -> Vec<Delivered> {
    for _ in 0..100 {
        mail_pass(state).await;
        let mails = sink.mails();
        if mails.len() >= count {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {count} mails, got {:?}", sink.mails());
}

/// The token of a reset mail's link.
fn token_of(mail: &Delivered) -> String {
    let link = mail
        .link_with("/reset-password?token=")
        .unwrap_or_else(|| panic!("no reset link in {:?}", mail.text));
    assert!(
        link.starts_with(&format!("{PUBLIC_URL}/reset-password?token=")),
        "the link names the public URL: {link}"
    );
    link.rsplit_once("token=").expect("token").1.to_owned()
}
