//! Sign-in throttling: at most `per_email` unsuccessful attempts for one email (and `per_ip`
//! from one IP) are evaluated within the window; further attempts are refused with 429, and
//! keep counting, so the lock lasts as long as the guessing does. A success clears the
//! email's attempts. Counting happens in the database so that every instance enforces the
//! same limit.
//!
//! Why it holds under concurrency: an attempt is *reserved* (a row inserted and committed)
//! before it is counted and before argon2 runs, and it is evaluated only if the count, which
//! includes its own row, is within the limit. Of N concurrent attempts, the k-th to commit
//! its row sees at least k rows, so at most `limit` of them can see a count within the limit
//! however the requests interleave, on one instance or many; the rest are refused without
//! touching argon2. Only an attempt that could not be carried out at all (hashing queue
//! full, database error) withdraws its row.
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::api::AppError;
use crate::server::config::Config;
use crate::server::entities::login_failures;
use crate::server::time::now;

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

/// Reserves one attempt for `email` from `ip`, or refuses with `TooManyAttempts` when either
/// counter, this attempt included, passes its limit. A refused attempt stays counted.
pub async fn reserve(
    db: &DatabaseConnection,
    limits: Limits,
    email: &str,
    ip: &str,
) -> Result<Reservation, AppError> {
    let id = Uuid::now_v7();
    login_failures::ActiveModel {
        id: Set(id),
        email: Set(email.to_owned()),
        ip: Set(ip.to_owned()),
        created_at: Set(now()),
    }
    .insert(db)
    .await?;
    let reservation = Reservation { id };
    let since = now() - limits.window;
    let by_email = login_failures::Column::Email.eq(email);
    let by_ip = login_failures::Column::Ip.eq(ip);
    for (filter, limit) in [(by_email, limits.per_email), (by_ip, limits.per_ip)] {
        let counted = match login_failures::Entity::find()
            .filter(filter.clone())
            .filter(login_failures::Column::CreatedAt.gt(since))
            .count(db)
            .await
        {
            Ok(counted) => counted,
            Err(err) => {
                reservation.release(db).await;
                return Err(err.into());
            }
        };
        if counted > u64::from(limit) {
            let retry_after_secs = retry_after(db, limits, filter, limit).await?;
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
    }
    Ok(reservation)
}

/// Seconds until a slot frees: when the oldest of the `limit` most recent attempts leaves
/// the window.
async fn retry_after(
    db: &DatabaseConnection,
    limits: Limits,
    filter: sea_orm::sea_query::SimpleExpr,
    limit: u32,
) -> Result<u64, AppError> {
    let since = now() - limits.window;
    let oldest_counted = login_failures::Entity::find()
        .filter(filter)
        .filter(login_failures::Column::CreatedAt.gt(since))
        .order_by_desc(login_failures::Column::CreatedAt)
        .offset(u64::from(limit.saturating_sub(1)))
        .one(db)
        .await?;
    let retry_at = oldest_counted.map_or(now() + limits.window, |f| f.created_at + limits.window);
    Ok((retry_at - now()).num_seconds().max(1) as u64)
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
    let result = login_failures::Entity::delete_many()
        .filter(login_failures::Column::CreatedAt.lte(now() - limits.window))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
