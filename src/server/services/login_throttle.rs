//! Sign-in throttling: at most `per_ip` unsuccessful attempts from one address (an IPv6
//! client's /64), and `per_email` for one email, are evaluated within the window; further
//! attempts are refused with 429 and keep counting, so the lock lasts as long as the guessing
//! does. A success clears the email's attempts. Counting happens in the database, by the
//! database's clock, so every instance enforces the same limit over the same window.
//!
//! Why it holds under concurrency: an attempt is *reserved* (a row inserted and committed)
//! before it is counted and before argon2 runs, and it is evaluated only if the count, which
//! includes its own row, is within the limit. Of N concurrent attempts, the k-th to commit
//! its row sees at least k rows, so at most `limit` of them can see a count within the limit
//! however the requests interleave, on one instance or many; the rest are refused without
//! touching argon2. Only an attempt that could not be carried out at all (hashing queue
//! full, database error) withdraws its row.
//!
//! The address is checked first, and an attempt refused for its address never counts
//! against the email it named (its row is marked `counts_for_email` only once the address is
//! within its limit). Otherwise anyone could lock any account out cheaply: fail from one
//! address until it is refused, then keep sending refused attempts at the victim's email.
//!
//! The trade-off that remains: while an email is locked (10 failures in 15 minutes from
//! addresses still within their limit, e.g. a botnet), its owner is refused too, even with
//! the right password from a new address, until the oldest failure ages out. GitHub and
//! GitLab let the owner through with an emailed unlock link; Keyward errs on the side of the
//! account and waits the window out.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::api::AppError;
use crate::server::config::Config;
use crate::server::entities::login_failures;
use crate::server::time::database_now;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub per_email: u32,
    pub per_ip: u32,
    pub window: Duration,
}

impl Limits {
    pub fn from_config(config: &Config) -> Limits {
        Limits {
            per_email: config.login_max_failures_per_email,
            per_ip: config.login_max_failures_per_ip,
            window: Duration::seconds(config.login_window_secs),
        }
    }
}

/// A reserved sign-in attempt. Left alone it counts as a failed attempt; `release`
/// withdraws it.
#[must_use = "an unreleased reservation counts as a failed sign-in"]
pub struct Reservation {
    id: Uuid,
}

impl Reservation {
    /// Withdraws the attempt: it was never evaluated (the hashing queue was full, the
    /// database failed), so it must not count against the user.
    pub async fn release(self, db: &DatabaseConnection) {
        if let Err(err) = login_failures::Entity::delete_by_id(self.id).exec(db).await {
            tracing::warn!(error = %err, "could not withdraw a sign-in reservation");
        }
    }
}

/// Reserves one attempt for `email` from the address `ip_bucket`, or refuses with
/// `TooManyAttempts` when either counter, this attempt included, passes its limit. A refused
/// attempt stays counted (for the address always, for the email only if the address was
/// within its limit).
pub async fn reserve(
    db: &DatabaseConnection,
    limits: Limits,
    email: &str,
    ip_bucket: &str,
) -> Result<Reservation, AppError> {
    let now = database_now(db).await?;
    let id = Uuid::now_v7();
    login_failures::ActiveModel {
        id: Set(id),
        email: Set(email.to_owned()),
        ip: Set(ip_bucket.to_owned()),
        created_at: Set(now),
        counts_for_email: Set(false),
    }
    .insert(db)
    .await?;
    let reservation = Reservation { id };
    let by_ip = Condition::all().add(login_failures::Column::Ip.eq(ip_bucket));
    if let Some(retry_after_secs) = over_limit(db, limits, now, by_ip, limits.per_ip)
        .await
        .or_release(&reservation, db)
        .await?
    {
        return Err(AppError::TooManyAttempts { retry_after_secs });
    }
    // Counted for the email only now, and committed before the email's count below: the
    // reserve-then-count argument holds for this counter too.
    let counted_for_email = login_failures::Entity::update_many()
        .col_expr(
            login_failures::Column::CountsForEmail,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(login_failures::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    counted_for_email.or_release(&reservation, db).await?;
    let by_email = Condition::all()
        .add(login_failures::Column::Email.eq(email))
        .add(login_failures::Column::CountsForEmail.eq(true));
    if let Some(retry_after_secs) = over_limit(db, limits, now, by_email, limits.per_email)
        .await
        .or_release(&reservation, db)
        .await?
    {
        return Err(AppError::TooManyAttempts { retry_after_secs });
    }
    Ok(reservation)
}

/// `None` while the attempts matching `filter` in the window are within `limit`; otherwise
/// the seconds until a slot frees (when the oldest of the `limit` most recent ones leaves the
/// window).
async fn over_limit(
    db: &DatabaseConnection,
    limits: Limits,
    now: DateTime<Utc>,
    filter: impl Into<Condition> + Clone,
    limit: u32,
) -> Result<Option<u64>, AppError> {
    let since = now - limits.window;
    let in_window = || {
        login_failures::Entity::find()
            .filter(filter.clone().into())
            .filter(login_failures::Column::CreatedAt.gt(since))
    };
    if in_window().count(db).await? <= u64::from(limit) {
        return Ok(None);
    }
    let oldest_counted = in_window()
        .order_by_desc(login_failures::Column::CreatedAt)
        .offset(u64::from(limit.saturating_sub(1)))
        .one(db)
        .await?;
    let retry_at = oldest_counted.map_or(now + limits.window, |f| f.created_at + limits.window);
    Ok(Some((retry_at - now).num_seconds().max(1) as u64))
}

/// A database failure while counting means the attempt was never evaluated: withdraw it.
trait OrRelease<T> {
    async fn or_release(
        self,
        reservation: &Reservation,
        db: &DatabaseConnection,
    ) -> Result<T, AppError>;
}

impl<T> OrRelease<T> for Result<T, AppError> {
    async fn or_release(
        self,
        reservation: &Reservation,
        db: &DatabaseConnection,
    ) -> Result<T, AppError> {
        if self.is_err() {
            Reservation { id: reservation.id }.release(db).await;
        }
        self
    }
}

/// Clears the email's failures after a successful sign-in (its own reservation included).
pub async fn reset_email(db: &DatabaseConnection, email: &str) -> Result<(), AppError> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Email.eq(email))
        .exec(db)
        .await?;
    Ok(())
}

/// Drops failures older than the window; run periodically.
pub async fn purge_expired(db: &DatabaseConnection, limits: Limits) -> Result<u64, AppError> {
    let now = database_now(db).await?;
    let result = login_failures::Entity::delete_many()
        .filter(login_failures::Column::CreatedAt.lte(now - limits.window))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
