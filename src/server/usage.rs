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

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entities::{api_key_clients, api_key_usage, api_keys};

pub const QUIET: Duration = Duration::seconds(60);
/// Recent clients remembered per key between flushes; the detail page shows five.
const CLIENTS_PER_KEY: usize = 5;
/// A user agent is stored cut to this many characters.
pub const USER_AGENT_MAX_CHARS: usize = 200;
/// Rows per INSERT in a flush, well under every backend's bind-parameter limit.
const BATCH_ROWS: usize = 500;

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

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ClientId {
    ip: String,
    user_agent: String,
}

#[derive(Default)]
struct Pending {
    /// Latest use per key, not yet written.
    last_used: HashMap<Uuid, DateTime<Utc>>,
    /// Uses per key and UTC day, not yet added to the stored counts.
    counts: HashMap<(Uuid, NaiveDate), i64>,
    /// Most recent clients per key, newest last, at most `CLIENTS_PER_KEY`.
    clients: HashMap<Uuid, Vec<(ClientId, DateTime<Utc>)>>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.last_used.is_empty() && self.counts.is_empty() && self.clients.is_empty()
    }

    fn add_count(&mut self, key: (Uuid, NaiveDate), n: i64) {
        *self.counts.entry(key).or_insert(0) += n;
    }

    fn add_last_used(&mut self, key_id: Uuid, at: DateTime<Utc>) {
        let slot = self.last_used.entry(key_id).or_insert(at);
        *slot = (*slot).max(at);
    }

    fn add_client(&mut self, key_id: Uuid, client: ClientId, at: DateTime<Utc>) {
        let seen = self.clients.entry(key_id).or_default();
        match seen.iter_mut().find(|(c, _)| *c == client) {
            Some((_, last)) => *last = (*last).max(at),
            None => seen.push((client, at)),
        }
        seen.sort_by_key(|(_, last)| *last);
        if seen.len() > CLIENTS_PER_KEY {
            seen.remove(0);
        }
    }

    /// Puts back what a failed flush took, merging with what arrived meanwhile.
    fn merge(&mut self, other: Pending) {
        for (key_id, at) in other.last_used {
            self.add_last_used(key_id, at);
        }
        for (key, n) in other.counts {
            self.add_count(key, n);
        }
        for (key_id, clients) in other.clients {
            for (client, at) in clients {
                self.add_client(key_id, client, at);
            }
        }
    }
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
        let client = ClientId {
            ip: used.ip,
            user_agent: used.user_agent.chars().take(USER_AGENT_MAX_CHARS).collect(),
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

/// Writes one batch in a single transaction, so it lands whole or not at all.
async fn write(db: &DatabaseConnection, batch: &Pending) -> Result<(), DbErr> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    for (key_id, at) in &batch.last_used {
        // Forward only, so an old flush never overwrites a newer use from another instance.
        api_keys::Entity::update_many()
            .col_expr(api_keys::Column::LastUsedAt, Expr::value(*at))
            .filter(api_keys::Column::Id.eq(*key_id))
            .filter(
                Condition::any()
                    .add(api_keys::Column::LastUsedAt.is_null())
                    .add(api_keys::Column::LastUsedAt.lt(*at)),
            )
            .exec(&txn)
            .await?;
    }
    let counts: Vec<_> = batch.counts.iter().collect();
    for chunk in counts.chunks(BATCH_ROWS) {
        let rows = chunk
            .iter()
            .map(|((key_id, day), n)| api_key_usage::ActiveModel {
                key_id: Set(*key_id),
                day: Set(*day),
                count: Set(**n),
            });
        api_key_usage::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([api_key_usage::Column::KeyId, api_key_usage::Column::Day])
                    .value(
                        api_key_usage::Column::Count,
                        Expr::cust("api_key_usage.count + excluded.count"),
                    )
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    let clients: Vec<_> = batch
        .clients
        .iter()
        .flat_map(|(key_id, seen)| seen.iter().map(move |(client, at)| (*key_id, client, *at)))
        .collect();
    for chunk in clients.chunks(BATCH_ROWS) {
        let rows = chunk
            .iter()
            .map(|(key_id, client, at)| api_key_clients::ActiveModel {
                key_id: Set(*key_id),
                ip: Set(client.ip.clone()),
                user_agent: Set(client.user_agent.clone()),
                last_seen_at: Set(*at),
            });
        api_key_clients::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    api_key_clients::Column::KeyId,
                    api_key_clients::Column::Ip,
                    api_key_clients::Column::UserAgent,
                ])
                .value(
                    api_key_clients::Column::LastSeenAt,
                    // GREATEST on PostgreSQL is MAX on SQLite; CASE is both.
                    Expr::cust(
                        "CASE WHEN excluded.last_seen_at > api_key_clients.last_seen_at \
                         THEN excluded.last_seen_at ELSE api_key_clients.last_seen_at END",
                    ),
                )
                .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(ip: &str) -> ClientId {
        ClientId {
            ip: ip.into(),
            user_agent: "curl/8".into(),
        }
    }

    #[test]
    fn only_the_most_recent_clients_are_kept() {
        let mut pending = Pending::default();
        let key = Uuid::nil();
        let t0 = Utc::now();
        for i in 0..8 {
            pending.add_client(
                key,
                client(&format!("10.0.0.{i}")),
                t0 + Duration::seconds(i),
            );
        }
        pending.add_client(key, client("10.0.0.4"), t0 + Duration::seconds(100));
        let ips: Vec<_> = pending.clients[&key]
            .iter()
            .map(|(c, _)| c.ip.as_str())
            .collect();
        assert_eq!(
            ips,
            ["10.0.0.3", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.4"]
        );
    }

    #[test]
    fn a_failed_flush_merges_back_without_losing_counts() {
        let key = (Uuid::nil(), Utc::now().date_naive());
        let mut pending = Pending::default();
        pending.add_count(key, 3);
        let mut taken = Pending::default();
        taken.add_count(key, 4);
        pending.merge(taken);
        assert_eq!(pending.counts[&key], 7);
    }
}
