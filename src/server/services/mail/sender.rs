//! Delivering the outbox. Each instance looks at the queue every `poll`; a mail is claimed by
//! one conditional update (the claim is taken only if no live claim exists), so two instances
//! never send the same mail, and a claim left by a crashed instance lapses after `LEASE`. A
//! refused or failed send is retried with exponential backoff; the mail stays queued, never
//! dropped, until it is delivered or has failed `MAX_ATTEMPTS` times.
//!
//! Exactly once in the usual case, at least once in the worst: an instance killed after the
//! SMTP server accepted a mail and before `sent_at` was written sends it again after the
//! lease. Losing a mail is the worse failure for a reset link or a reminder.
use chrono::Duration;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::Mailer;
use crate::api::AppError;
use crate::server::entities::outbox;
use crate::server::services::reset_tokens;
use crate::server::time::database_now;

/// How long a claim keeps other instances off a mail: far longer than a send may take (the
/// transport gives up after 20 s).
const LEASE_SECS: i64 = 300;
/// Mails handled per look at the queue.
const BATCH: u64 = 20;
/// After this many failed sends a mail is left for the operator (`last_error` says why): with
/// the hourly ceiling below, about four days of SMTP outage.
pub const MAX_ATTEMPTS: i32 = 100;
/// Retries back off up to this.
const MAX_BACKOFF_SECS: i64 = 3600;

/// Sends what is due; returns how many mails were delivered.
pub async fn send_due(db: &DatabaseConnection, mailer: &Mailer) -> Result<usize, AppError> {
    let Some(transport) = &mailer.transport else {
        return Ok(0);
    };
    let now = database_now(db).await?;
    let due = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(unsent_and_unclaimed(now))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(outbox::Column::Attempts.lt(MAX_ATTEMPTS))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(BATCH)
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let mut delivered = 0;
    for id in due {
        // The clock is read again for each mail: sends before it may have taken a while, and a
        // lease measured from the batch's start could have run out already.
        let now = database_now(db).await?;
        let Some(mail) = claim(db, id, now).await? else {
            continue; // another instance took it
        };
        let (text, html) = match mail.reset_id {
            None => (mail.text_body.clone(), mail.html_body.clone()),
            Some(reset_id) => match reset_tokens::mint(db, reset_id, now).await? {
                Some(token) => (
                    mail.text_body.replace(reset_tokens::SLOT, &token),
                    mail.html_body.replace(reset_tokens::SLOT, &token),
                ),
                None => {
                    abandon(
                        db,
                        &mail,
                        "the reset link was used or expired before it was sent",
                    )
                    .await?;
                    continue;
                }
            },
        };
        let result = match build(mailer, &mail, text, html) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(reason) => Err(reason),
        };
        match result {
            Ok(()) => {
                mark_sent(db, &mail).await?;
                delivered += 1;
            }
            Err(reason) => {
                // Never the body: it holds a reset link once the token is in.
                if mail.attempts >= MAX_ATTEMPTS {
                    tracing::error!(mail = %mail.id, attempts = mail.attempts, error = %reason, "giving up on a mail");
                } else {
                    tracing::warn!(mail = %mail.id, attempt = mail.attempts, error = %reason, "could not send a mail; will retry");
                }
                mark_failed(db, &mail, &reason, mailer.poll).await?;
            }
        }
    }
    Ok(delivered)
}

fn unsent_and_unclaimed(now: chrono::DateTime<chrono::Utc>) -> Condition {
    Condition::all().add(outbox::Column::SentAt.is_null()).add(
        Condition::any()
            .add(outbox::Column::ClaimedUntil.is_null())
            .add(outbox::Column::ClaimedUntil.lt(now)),
    )
}

/// Takes `id` for this instance, if nobody holds it; returns it with its attempt counted.
async fn claim(
    db: &DatabaseConnection,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<outbox::Model>, AppError> {
    use sea_orm::sea_query::ExprTrait;
    let claimed = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(now + Duration::seconds(LEASE_SECS)),
        )
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.eq(id))
        .filter(unsent_and_unclaimed(now))
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(None);
    }
    Ok(outbox::Entity::find_by_id(id).one(db).await?)
}

fn build(
    mailer: &Mailer,
    mail: &outbox::Model,
    text: String,
    html: String,
) -> Result<Message, String> {
    let to: Mailbox = mail
        .to_address
        .parse()
        .map_err(|_| "the recipient's address is not one SMTP accepts".to_owned())?;
    Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| e.to_string())
}

/// Only while this instance's claim holds: a claim that lapsed is another instance's now.
fn held(mail: &outbox::Model) -> Condition {
    Condition::all()
        .add(outbox::Column::Id.eq(mail.id))
        .add(outbox::Column::ClaimedUntil.eq(mail.claimed_until))
}

async fn mark_sent(db: &DatabaseConnection, mail: &outbox::Model) -> Result<(), AppError> {
    let now = database_now(db).await?;
    let marked = outbox::Entity::update_many()
        .col_expr(outbox::Column::SentAt, Expr::value(now))
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(held(mail))
        .exec(db)
        .await?;
    if marked.rows_affected != 1 {
        tracing::warn!(mail = %mail.id, "a mail was sent after its claim lapsed; another instance may send it again");
    }
    Ok(())
}

async fn mark_failed(
    db: &DatabaseConnection,
    mail: &outbox::Model,
    reason: &str,
    poll: std::time::Duration,
) -> Result<(), AppError> {
    let now = database_now(db).await?;
    // The first retry after one poll interval, then doubling: a restarted SMTP server is
    // found within seconds, a long outage costs a look an hour.
    let base_ms = i64::try_from(poll.as_millis()).unwrap_or(i64::MAX).max(50);
    let exponent = u32::try_from(mail.attempts.clamp(1, 30) - 1).unwrap_or(0);
    let backoff_ms = base_ms
        .saturating_mul(1_i64 << exponent.min(40))
        .min(MAX_BACKOFF_SECS * 1000);
    let reason: String = reason.chars().take(500).collect();
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::NextAttemptAt,
            Expr::value(now + Duration::milliseconds(backoff_ms)),
        )
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(outbox::Column::LastError, Expr::value(Some(reason)))
        .filter(held(mail))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives up on a mail that must not go any more; `last_error` says why.
async fn abandon(
    db: &DatabaseConnection,
    mail: &outbox::Model,
    reason: &str,
) -> Result<(), AppError> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Attempts, Expr::value(MAX_ATTEMPTS))
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(Some(reason.to_owned())),
        )
        .filter(held(mail))
        .exec(db)
        .await?;
    Ok(())
}
