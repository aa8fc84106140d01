//! Expiry reminders: a mail 7 days before a key expires and one on the day, each at most once
//! per key version. A version created with less than 7 days left is due at once; one whose
//! day has come gets only the day's reminder. A regenerate makes a new version with neither
//! sent, which re-arms both.
//!
//! Exactly once across instances: a reminder is taken by a conditional update of the key's
//! row ("set it where it is still unset"), and the mail and the log entry are written in the
//! same transaction. Of two instances that find the same reminder due, one update changes the
//! row and the other changes nothing and sends nothing.
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::mail::messages::{self, ExpiringKey, Reminder};
use super::mail::{self, Mailer};
use super::security_log::{self, KeyRef};
use crate::api::account::EventKind;
use crate::api::AppError;
use crate::server::actor::Actor;
use crate::server::db::begin_write;
use crate::server::entities::{api_keys, users};
use crate::server::keys;
use crate::server::time::database_now;

/// Keys looked at per pass (the most urgent first).
const BATCH: u64 = 200;

/// Queues every reminder that is due; returns how many.
pub async fn queue_due(db: &DatabaseConnection, mailer: &Mailer) -> Result<usize, AppError> {
    // Without mail nothing is taken: the reminders stay due until mail is configured.
    if !mailer.enabled() {
        return Ok(0);
    }
    let now = database_now(db).await?;
    let live = || {
        api_keys::Entity::find()
            .filter(api_keys::Column::DeletedAt.is_null())
            .filter(api_keys::Column::ExpiresAt.gt(now))
            .order_by_asc(api_keys::Column::ExpiresAt)
            .limit(BATCH)
    };
    // The day's reminders, then the weeks': two queries, so that keys whose day has not come
    // yet can never fill a batch that a week's reminder is waiting behind. A day's reminder is
    // due at most 25 hours before its key expires (`day_reminder_from`), and the keys come
    // soonest first, so those that are due are at the front of the day's list.
    let mut due = live()
        .filter(api_keys::Column::DayReminderAt.is_null())
        .filter(api_keys::Column::ExpiresAt.lte(now + Duration::hours(25)))
        .all(db)
        .await?;
    due.extend(
        live()
            .filter(api_keys::Column::WeekReminderAt.is_null())
            .filter(api_keys::Column::ExpiresAt.lte(now + Duration::days(7)))
            .all(db)
            .await?,
    );
    let mut queued = 0;
    for key in due {
        let Some(which) = reminder_due(&key, now) else {
            continue;
        };
        if take(db, mailer, &key, which, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// When the "expires today" reminder is due: the start of the UTC day the key expires on, or
/// of the day before when it expires in the first hour of its day (a key that expires at
/// 00:00 would otherwise be gone the moment its day began).
fn day_reminder_from(expires_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let day_starts = expires_at.date_naive().and_hms_opt(0, 0, 0)?.and_utc();
    if expires_at - day_starts < Duration::hours(1) {
        Some(day_starts - Duration::days(1))
    } else {
        Some(day_starts)
    }
}

/// Which reminder `key` is due for at `now`, if any.
fn reminder_due(key: &api_keys::Model, now: DateTime<Utc>) -> Option<Reminder> {
    let expires_at = key.expires_at?;
    if key.day_reminder_at.is_none() && now >= day_reminder_from(expires_at)? {
        Some(Reminder::Day)
    } else if key.week_reminder_at.is_none() {
        Some(Reminder::Week)
    } else {
        None
    }
}

/// Marks `which` sent for `key` if no one has, and queues its mail in the same transaction.
async fn take(
    db: &DatabaseConnection,
    mailer: &Mailer,
    key: &api_keys::Model,
    which: Reminder,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = begin_write(db).await?;
    let mut update = api_keys::Entity::update_many()
        .filter(api_keys::Column::Id.eq(key.id))
        .filter(api_keys::Column::DeletedAt.is_null());
    update = match which {
        Reminder::Week => update
            .col_expr(api_keys::Column::WeekReminderAt, Expr::value(now))
            .filter(api_keys::Column::WeekReminderAt.is_null()),
        // The day's reminder also stands for a week's one not yet sent.
        Reminder::Day => update
            .col_expr(api_keys::Column::DayReminderAt, Expr::value(now))
            .col_expr(
                api_keys::Column::WeekReminderAt,
                Func::coalesce([
                    Expr::col(api_keys::Column::WeekReminderAt),
                    Expr::value(now),
                ])
                .into(),
            )
            .filter(api_keys::Column::DayReminderAt.is_null()),
    };
    if update.exec(&txn).await?.rows_affected != 1 {
        return Ok(false); // another instance took it, or the key was replaced meanwhile
    }
    let Some(owner) = users::Entity::find_by_id(key.user_id).one(&txn).await? else {
        return Ok(false);
    };
    let (Some(expires_at), id, masked) = (
        key.expires_at,
        key.id.to_string(),
        keys::mask(&key.key_prefix),
    ) else {
        return Ok(false);
    };
    let expiring = ExpiringKey {
        id: &id,
        name: &key.name,
        masked: &masked,
        expires_at,
    };
    let message = messages::expiry_reminder(&mailer.public_url, &expiring, which);
    mail::queue(&txn, Some(owner.id), &owner.email, message, None).await?;
    security_log::record(
        &txn,
        owner.id,
        EventKind::ReminderSent,
        &Actor::server(),
        Some(&KeyRef::of(key)),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(expires_at: DateTime<Utc>, week: bool, day: bool) -> api_keys::Model {
        api_keys::Model {
            id: uuid::Uuid::now_v7(),
            user_id: uuid::Uuid::now_v7(),
            name: "ci".into(),
            key_hash: String::new(),
            key_prefix: "pk_live_abcd".into(),
            created_at: expires_at - Duration::days(30),
            last_used_at: None,
            deleted_at: None,
            replaces_id: None,
            expires_at: Some(expires_at),
            lineage_id: None,
            scopes: None,
            rate_limit_requests: None,
            rate_limit_seconds: None,
            allowed_ips: None,
            week_reminder_at: week.then_some(expires_at),
            day_reminder_at: day.then_some(expires_at),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_week_reminder_first_then_the_day_one_from_the_start_of_the_day() {
        let expires = at("2026-12-10T15:00:00Z");
        assert_eq!(
            reminder_due(&key(expires, false, false), at("2026-12-03T15:00:00Z")),
            Some(Reminder::Week)
        );
        assert_eq!(
            reminder_due(&key(expires, true, false), at("2026-12-09T23:59:59Z")),
            None
        );
        assert_eq!(
            reminder_due(&key(expires, true, false), at("2026-12-10T00:00:00Z")),
            Some(Reminder::Day)
        );
        assert_eq!(
            reminder_due(&key(expires, true, true), at("2026-12-10T10:00:00Z")),
            None
        );
    }

    #[test]
    fn a_key_that_expires_at_midnight_gets_its_day_reminder_the_day_before() {
        let expires = at("2027-01-31T00:00:00Z");
        assert_eq!(
            reminder_due(&key(expires, true, false), at("2027-01-30T00:00:00Z")),
            Some(Reminder::Day)
        );
        assert_eq!(
            reminder_due(&key(expires, true, false), at("2027-01-29T23:59:59Z")),
            None
        );
    }

    #[test]
    fn a_key_on_its_last_day_gets_the_day_reminder_only() {
        let expires = at("2026-12-10T15:00:00Z");
        assert_eq!(
            reminder_due(&key(expires, false, false), at("2026-12-10T01:00:00Z")),
            Some(Reminder::Day)
        );
    }
}
