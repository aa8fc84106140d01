//! Last-used tracking that stays accurate without a write per request.
//!
//! The first use of a key after `QUIET` of silence is written at once, so the settings page
//! shows it immediately. Uses within `QUIET` of the last write are only remembered in memory
//! and written by a periodic flush (and on shutdown), so a key hammered 10,000 times a
//! second costs at most one write per key per flush interval. Nothing read-side is cached:
//! the in-memory map only holds timestamps waiting to be written.
use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::api_keys;

pub const QUIET: Duration = Duration::seconds(60);

#[derive(Default)]
struct Inner {
    /// Uses not yet written: key id → latest use.
    pending: HashMap<Uuid, DateTime<Utc>>,
    /// When this process last wrote each key's timestamp, to keep concurrent first uses
    /// from all writing.
    written: HashMap<Uuid, DateTime<Utc>>,
}

#[derive(Default)]
pub struct LastUsedTracker {
    inner: Mutex<Inner>,
}

impl LastUsedTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a use of `key_id` at `at`; `stored` is the `last_used_at` the lookup read.
    pub async fn touch(
        &self,
        db: &DatabaseConnection,
        key_id: Uuid,
        stored: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let write_now = {
            let mut inner = self.lock();
            let last_known = [stored, inner.written.get(&key_id).copied()]
                .into_iter()
                .flatten()
                .max();
            let quiet = last_known.is_none_or(|t| at - t >= QUIET);
            if quiet {
                inner.written.insert(key_id, at);
                inner.pending.remove(&key_id);
            } else {
                let slot = inner.pending.entry(key_id).or_insert(at);
                *slot = (*slot).max(at);
            }
            quiet
        };
        if write_now {
            write(db, key_id, at).await?;
        }
        Ok(())
    }

    /// Writes every pending timestamp. On failure the entries go back, so none is lost.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, DbErr> {
        let batch: Vec<(Uuid, DateTime<Utc>)> = {
            let mut inner = self.lock();
            let cutoff = Utc::now() - QUIET;
            inner.written.retain(|_, t| *t > cutoff);
            inner.pending.drain().collect()
        };
        let mut written = 0;
        for (i, (key_id, at)) in batch.iter().enumerate() {
            if let Err(err) = write(db, *key_id, *at).await {
                let mut inner = self.lock();
                for (id, t) in &batch[i..] {
                    let slot = inner.pending.entry(*id).or_insert(*t);
                    *slot = (*slot).max(*t);
                }
                return Err(err);
            }
            written += 1;
        }
        Ok(written)
    }

    pub fn pending_len(&self) -> usize {
        self.lock().pending.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map holds plain data; a panic elsewhere cannot leave it inconsistent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Moves `last_used_at` forward only, so an old flush never overwrites a newer use recorded
/// by another instance.
async fn write(db: &DatabaseConnection, key_id: Uuid, at: DateTime<Utc>) -> Result<(), DbErr> {
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::LastUsedAt, Expr::value(at))
        .filter(api_keys::Column::Id.eq(key_id))
        .filter(
            Condition::any()
                .add(api_keys::Column::LastUsedAt.is_null())
                .add(api_keys::Column::LastUsedAt.lt(at)),
        )
        .exec(db)
        .await?;
    Ok(())
}
