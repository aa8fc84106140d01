//! "At most `limit` events per `window`" for a named bucket, counted in the database (so every
//! instance enforces the same limit) by the database's clock (so instances whose clocks
//! disagree still count the same window). Registration per address and key changes per user
//! use it; sign-in has rules of its own (`login_throttle`).
//!
//! Why it holds under concurrency: an event is *reserved* (its row inserted and committed)
//! before it is counted, and granted only if the count, which includes its own row, is within
//! the limit. Of N concurrent reservations the k-th to commit sees at least k rows, so at most
//! `limit` can be granted however the requests interleave, on one instance or many.
//!
//! A refused reservation withdraws its row, so hammering a full bucket does not keep it full.
//! Alone, that would let a burst refuse itself entirely (sixty concurrent reservations insert
//! sixty rows, each counts sixty, and all withdraw): so reservations for one bucket are taken
//! one at a time within an instance (the first `limit` of a burst pass, the rest are refused).
//! Across instances the insert-then-count order still keeps the limit, and only then can a
//! burst be refused more than strictly needed.
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::api::AppError;
use crate::server::entities::throttle_events;
use crate::server::time::database_now;

/// A limit: at most `limit` events in any `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub limit: u32,
    pub window: Duration,
}

/// A granted event. Left alone it counts; `release` withdraws it (the action it allowed did
/// not happen after all).
#[must_use = "a granted event counts until released"]
pub struct Granted {
    id: Uuid,
}

impl Granted {
    pub async fn release(self, db: &DatabaseConnection) {
        if let Err(err) = throttle_events::Entity::delete_by_id(self.id)
            .exec(db)
            .await
        {
            tracing::warn!(error = %err, "could not withdraw a throttle reservation");
        }
    }
}

/// The answer to a reservation.
pub enum Reservation {
    Granted(Granted),
    /// Full: a slot frees in this many seconds.
    Refused {
        retry_after_secs: u64,
    },
}

/// Striped locks: two buckets share a stripe rarely, and then only wait a few milliseconds.
const STRIPES: usize = 64;
static RESERVING: LazyLock<Vec<tokio::sync::Mutex<()>>> =
    LazyLock::new(|| (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect());

fn stripe(bucket: &str) -> &'static tokio::sync::Mutex<()> {
    let mut hasher = DefaultHasher::new();
    bucket.hash(&mut hasher);
    &RESERVING[(hasher.finish() % STRIPES as u64) as usize]
}

/// Reserves one event in `bucket` under `limit`.
pub async fn reserve(
    db: &DatabaseConnection,
    bucket: &str,
    limit: Limit,
) -> Result<Reservation, AppError> {
    let _one_at_a_time = stripe(bucket).lock().await;
    let now = database_now(db).await?;
    let id = Uuid::now_v7();
    throttle_events::ActiveModel {
        id: Set(id),
        bucket: Set(bucket.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + limit.window),
    }
    .insert(db)
    .await?;
    let granted = Granted { id };
    let since = now - limit.window;
    let in_window = || {
        throttle_events::Entity::find()
            .filter(throttle_events::Column::Bucket.eq(bucket))
            .filter(throttle_events::Column::CreatedAt.gt(since))
    };
    let counted = match in_window().count(db).await {
        Ok(counted) => counted,
        Err(err) => {
            granted.release(db).await;
            return Err(err.into());
        }
    };
    if counted <= u64::from(limit.limit) {
        return Ok(Reservation::Granted(granted));
    }
    granted.release(db).await;
    // A slot frees when the oldest of the `limit` most recent events leaves the window.
    let oldest_counted = in_window()
        .order_by_desc(throttle_events::Column::CreatedAt)
        .offset(u64::from(limit.limit.saturating_sub(1)))
        .one(db)
        .await?;
    let retry_at = oldest_counted.map_or(now + limit.window, |e| e.created_at + limit.window);
    Ok(Reservation::Refused {
        retry_after_secs: (retry_at - now).num_seconds().max(1) as u64,
    })
}

/// Drops events that have left their window; run periodically.
pub async fn purge_expired(db: &DatabaseConnection) -> Result<u64, AppError> {
    let now = database_now(db).await?;
    let result = throttle_events::Entity::delete_many()
        .filter(throttle_events::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
