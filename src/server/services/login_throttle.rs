//! Sign-in throttling: after too many failures for one email (or from one IP) within the
//! window, further attempts are refused with 429 until the oldest failure ages out. A
//! success clears the email's failures. Counting happens in the database so that every
//! instance enforces the same limit.
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

/// Refuses with `TooManyAttempts` when either counter is at its limit.
pub async fn check(
    db: &DatabaseConnection,
    limits: Limits,
    email: &str,
    ip: &str,
) -> Result<(), AppError> {
    let since = now() - limits.window;
    let by_email = login_failures::Column::Email.eq(email);
    let by_ip = login_failures::Column::Ip.eq(ip);
    for (filter, limit) in [(by_email, limits.per_email), (by_ip, limits.per_ip)] {
        let failures = login_failures::Entity::find()
            .filter(filter.clone())
            .filter(login_failures::Column::CreatedAt.gt(since))
            .count(db)
            .await?;
        if failures >= u64::from(limit) {
            // The attempt that frees a slot is when the oldest failure counted leaves the window.
            let oldest = login_failures::Entity::find()
                .filter(filter)
                .filter(login_failures::Column::CreatedAt.gt(since))
                .order_by_desc(login_failures::Column::CreatedAt)
                .offset(u64::from(limit.saturating_sub(1)))
                .one(db)
                .await?;
            let retry_at = oldest.map_or(now() + limits.window, |f| f.created_at + limits.window);
            let retry_after_secs = (retry_at - now()).num_seconds().max(1) as u64;
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
    }
    Ok(())
}

pub async fn record_failure(
    db: &DatabaseConnection,
    email: &str,
    ip: &str,
) -> Result<(), AppError> {
    login_failures::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.to_owned()),
        ip: Set(ip.to_owned()),
        created_at: Set(now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

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
