//! Mail as data. A message is queued in the transaction of the event that causes it
//! (`queue`), so an event is never without its mail nor a mail without its event; `sender`
//! delivers the queue, retrying with backoff, each mail once across instances. Without an
//! SMTP server nothing is queued: what needs mail refuses with `EmailNotConfigured`.
pub mod messages;
pub mod sender;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::api::AppError;
use crate::server::config::Config;
use crate::server::entities::outbox;
use crate::server::time::now;

/// One message, in plain text and in simple HTML.
#[derive(Clone, Debug)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// This server's way out for mail, as configured.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// Where links in mail point: `server.public_url`, else the address the server listens on.
    pub public_url: String,
    /// How often the queue is looked at; retries back off from here.
    pub poll: std::time::Duration,
}

impl Mailer {
    pub fn from_config(config: &Config) -> Mailer {
        // Both were checked when the configuration was read.
        let transport = config.smtp_url.as_deref().and_then(|url| {
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| {
                    builder
                        .timeout(Some(std::time::Duration::from_secs(20)))
                        .build()
                })
                .inspect_err(|err| tracing::error!("email.smtp_url: {err}"))
                .ok()
        });
        let from = config
            .email_from
            .parse()
            .unwrap_or_else(|_| "keyward@localhost".parse().expect("a valid mailbox"));
        let public_url = config
            .public_base()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("http://{}", config.site_addr));
        Mailer {
            transport,
            from,
            public_url,
            poll: std::time::Duration::from_millis(config.mail_poll_ms),
        }
    }

    pub fn enabled(&self) -> bool {
        self.transport.is_some()
    }

    /// Refuses, with the message people see, when no SMTP server is configured.
    pub fn require(&self) -> Result<(), AppError> {
        if self.enabled() {
            Ok(())
        } else {
            Err(AppError::EmailNotConfigured)
        }
    }
}

/// Queues `mail` to `to` on `db`, which should be the transaction of the event that causes it.
/// `reset_id`: the password reset whose link the mail carries (see `reset_tokens`).
pub async fn queue(
    db: &impl ConnectionTrait,
    user_id: Option<Uuid>,
    to: &str,
    mail: Mail,
    reset_id: Option<Uuid>,
) -> Result<(), AppError> {
    let at = now();
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        to_address: Set(to.to_owned()),
        subject: Set(mail.subject),
        text_body: Set(mail.text),
        html_body: Set(mail.html),
        created_at: Set(at),
        attempts: Set(0),
        next_attempt_at: Set(at),
        claimed_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        reset_id: Set(reset_id),
    }
    .insert(db)
    .await?;
    Ok(())
}
