//! Key usage — last used, uses per day, recent clients — kept accurate without a write per
//! request.
//!
//! The first use of a key after `QUIET` of silence is written at once (its last-used time,
//! one count for today and its client), so the settings pages show it immediately. Uses
//! within `QUIET` of the last write are only added up in memory and written by the periodic
//! flush (and on shutdown): a key used 10,000 times a second costs one batch of writes per
//! flush interval. Counts are added to the stored ones (`count = count + n`), so several
//! instances sum exactly. Nothing read-side is cached: the maps only hold what waits to be
//! written, and a failed flush puts it back.
use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

use super::usage_batch::{ClientId, Pending};
use super::usage_writes::write;
use crate::api::validation::visible_text;

pub const QUIET: Duration = Duration::seconds(60);
/// A user agent is stored cut to this many characters.
pub const USER_AGENT_MAX_CHARS: usize = 200;

/// One successful authentication.
#[derive(Clone, Debug)]
pub struct KeyUse {
    pub key_id: Uuid,
    /// The `last_used_at` the lookup read (possibly remembered from an earlier lookup).
    pub stored_last_used: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
    pub ip: String,
    pub user_agent: String,
}

#[derive(Default)]
struct Inner {
    pending: Pending,
    /// When this process last wrote each key's last-used time (at once or in a flush), to
    /// keep concurrent first uses from all writing and steady use out of the quiet path.
    written: HashMap<Uuid, DateTime<Utc>>,
}

#[derive(Default)]
pub struct UsageTracker {
    inner: Mutex<Inner>,
}

impl UsageTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a successful authentication.
    pub async fn record(&self, db: &DatabaseConnection, used: KeyUse) -> Result<(), DbErr> {
        // Stored as it can be shown: a user agent is whatever the caller wrote, and a
        // U+202E in it would reorder the key's page ("evil \u{202E}fdp.exe").
        let client = ClientId {
            ip: used.ip,
            user_agent: visible_text(&used.user_agent)
                .chars()
                .take(USER_AGENT_MAX_CHARS)
                .collect(),
        };
        let write_now = {
            let mut inner = self.lock();
            let last_known = [
                used.stored_last_used,
                inner.written.get(&used.key_id).copied(),
            ]
            .into_iter()
            .flatten()
            .max();
            let quiet = last_known.is_none_or(|t| used.at - t >= QUIET);
            if quiet {
                inner.written.insert(used.key_id, used.at);
                inner.pending.last_used.remove(&used.key_id);
            } else {
                let pending = &mut inner.pending;
                pending.add_last_used(used.key_id, used.at);
                pending.add_count((used.key_id, used.at.date_naive()), 1);
                pending.add_client(used.key_id, client.clone(), used.at);
            }
            quiet
        };
        if write_now {
            let mut batch = Pending::default();
            batch.add_last_used(used.key_id, used.at);
            batch.add_count((used.key_id, used.at.date_naive()), 1);
            batch.add_client(used.key_id, client, used.at);
            write(db, &batch).await?;
        }
        Ok(())
    }

    /// Counts a use the key's rate limit refused; written with the next flush.
    pub fn record_refused(&self, key_id: Uuid, at: DateTime<Utc>) {
        *self
            .lock()
            .pending
            .refused
            .entry((key_id, at.date_naive()))
            .or_insert(0) += 1;
    }

    /// Writes everything pending and returns how many keys' last-used times it wrote. On
    /// failure everything goes back, so no use is lost; a retry adds each count once,
    /// because a batch is written in one transaction.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, DbErr> {
        let batch = {
            let mut inner = self.lock();
            let cutoff = Utc::now() - QUIET;
            inner.written.retain(|_, t| *t > cutoff);
            std::mem::take(&mut inner.pending)
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let keys = batch.last_used.len();
        if let Err(err) = write(db, &batch).await {
            self.lock().pending.merge(batch);
            return Err(err);
        }
        // Remembered like an immediate write: a key in steady use stays out of the quiet
        // path even when its caller's `stored_last_used` is older (a remembered lookup).
        let mut inner = self.lock();
        for (key_id, at) in batch.last_used {
            let written = inner.written.entry(key_id).or_insert(at);
            *written = (*written).max(at);
        }
        Ok(keys)
    }

    /// Keys whose last-used time waits for the next flush.
    pub fn pending_len(&self) -> usize {
        self.lock().pending.last_used.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The maps hold plain data; a panic elsewhere cannot leave them inconsistent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
