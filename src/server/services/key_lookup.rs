//! The one query on the path of every API call: find a key by the SHA-256 of the presented
//! secret, with its owner.
//!
//! Why this steps outside sea-orm on PostgreSQL (measured in `bench/results/`): through the
//! pool, one verification cost three round trips (sqlx pings a connection when it is handed
//! out and again when it comes back) plus building the SQL with sea-query and decoding by
//! column name. Here a few long-lived tokio-postgres connections each hold the statement,
//! prepared once, and concurrent lookups are pipelined on them: one Bind/Execute/Sync per
//! verification and no per-request setup.
//!
//! The statement filters on `key_hash` alone, so PostgreSQL always uses the unique hash
//! index whatever its statistics say (on a never-analysed table a `deleted_at IS NULL` filter
//! made it pick the partial index of live keys and scan it). Replacement and expiry are
//! checked in code on the one row that comes back.
//!
//! On PostgreSQL, answers are also remembered, and a remembered answer is used only once an
//! epoch read that started after the request arrived says no regenerate touched its key's
//! shard since: see `key_epochs` for why that is strict. Under load that turns one lookup per
//! verification into one small epoch read per batch of verifications.
//!
//! On SQLite (the zero-setup default, one instance) the same lookup goes through sea-orm,
//! uncached.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, Statement};
use uuid::Uuid;

use crate::api::AppError;
use crate::server::entities::{api_keys, users};
use crate::server::services::key_epochs::{self, Epochs, ReadBarrier};

/// How long a connect or a lookup may take before the answer is 503, as with the pool.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Remembered answers per instance (a few hundred bytes each). When full, the cache starts
/// empty again: simpler than an LRU, and a miss costs one lookup.
const CACHE_ENTRIES: usize = 10_000;

pub const LOOKUP_SQL: &str =
    "SELECT k.id, k.name, k.user_id, u.email, k.last_used_at, k.deleted_at, k.expires_at \
     FROM api_keys k JOIN users u ON u.id = k.user_id \
     WHERE k.key_hash = $1";

/// The row a presented key maps to, replaced or not; the caller decides what it may do.
#[derive(Clone, Debug)]
pub struct FoundKey {
    pub key_id: Uuid,
    pub key_name: String,
    pub user_id: Uuid,
    pub user_email: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

pub enum KeyLookup {
    Direct(Box<DirectLookup>),
    Orm,
}

impl KeyLookup {
    /// The direct path for a PostgreSQL URL tokio-postgres can use without TLS, sea-orm for
    /// anything else. Connections open on first use, so building this never blocks.
    pub fn for_database(url: &str, connections: usize, cache: bool) -> KeyLookup {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return KeyLookup::Orm;
        }
        match url.parse::<tokio_postgres::Config>() {
            Ok(config) if config.get_ssl_mode() != tokio_postgres::config::SslMode::Require => {
                KeyLookup::Direct(Box::new(DirectLookup::new(
                    config,
                    connections.max(1),
                    cache,
                )))
            }
            Ok(_) => {
                tracing::info!("DATABASE_URL requires TLS: key lookups go through the pool");
                KeyLookup::Orm
            }
            Err(err) => {
                tracing::info!(error = %err, "key lookups go through the pool");
                KeyLookup::Orm
            }
        }
    }

    pub async fn find(
        &self,
        db: &DatabaseConnection,
        key_hash: &str,
    ) -> Result<Option<FoundKey>, AppError> {
        match self {
            KeyLookup::Direct(direct) => direct.find(key_hash).await,
            KeyLookup::Orm => find_with_orm(db, key_hash).await,
        }
    }

    /// Verifications this process answered from remembered lookups (tests and benchmarks).
    pub fn cache_hits(&self) -> u64 {
        match self {
            KeyLookup::Direct(direct) => direct.cache.hits.load(Ordering::Relaxed),
            KeyLookup::Orm => 0,
        }
    }
}

async fn find_with_orm(
    db: &DatabaseConnection,
    key_hash: &str,
) -> Result<Option<FoundKey>, AppError> {
    let found = api_keys::Entity::find()
        .filter(api_keys::Column::KeyHash.eq(key_hash))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(match found {
        Some((key, Some(owner))) => Some(FoundKey {
            key_id: key.id,
            key_name: key.name,
            user_id: owner.id,
            user_email: owner.email,
            last_used_at: key.last_used_at,
            deleted_at: key.deleted_at,
            expires_at: key.expires_at,
        }),
        _ => None,
    })
}

pub struct DirectLookup {
    connections: Arc<Connections>,
    /// Epoch reads, one in flight at a time, shared by every request waiting on it.
    barrier: ReadBarrier,
    cache: Cache,
    use_cache: bool,
}

/// A few long-lived connections, each with both statements prepared, used in turn.
struct Connections {
    config: tokio_postgres::Config,
    slots: Vec<Slot>,
    next: AtomicUsize,
}

#[derive(Default)]
struct Slot {
    live: RwLock<Option<Arc<Connection>>>,
    /// Held while (re)connecting, so an outage's burst of requests opens one connection.
    connecting: tokio::sync::Mutex<()>,
}

struct Connection {
    client: Client,
    lookup: Statement,
    epochs: Statement,
}

/// Lookups that found a key, each with the epoch of its shard read *before* the lookup ran.
#[derive(Default)]
struct Cache {
    entries: Mutex<HashMap<String, (i64, FoundKey)>>,
    hits: AtomicU64,
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, FoundKey)>> {
        // Plain data: a panic elsewhere cannot leave it inconsistent.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, key_hash: &str, epoch: i64) -> Option<FoundKey> {
        let entries = self.lock();
        let found = entries
            .get(key_hash)
            .filter(|(remembered, _)| *remembered == epoch)
            .map(|(_, found)| found.clone());
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    fn remember(&self, key_hash: &str, epoch: i64, found: FoundKey) {
        let mut entries = self.lock();
        if entries.len() >= CACHE_ENTRIES && !entries.contains_key(key_hash) {
            entries.clear();
        }
        entries.insert(key_hash.to_owned(), (epoch, found));
    }
}

impl Slot {
    fn current(&self) -> Option<Arc<Connection>> {
        let live = self
            .live
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        live.as_ref().filter(|c| !c.client.is_closed()).cloned()
    }

    fn replace(&self, connection: Option<Arc<Connection>>) {
        *self
            .live
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = connection;
    }
}

impl DirectLookup {
    fn new(config: tokio_postgres::Config, connections: usize, use_cache: bool) -> DirectLookup {
        let connections = Arc::new(Connections {
            config,
            slots: (0..connections).map(|_| Slot::default()).collect(),
            next: AtomicUsize::new(0),
        });
        let barrier = ReadBarrier::new({
            let connections = connections.clone();
            move || {
                let connections = connections.clone();
                async move { connections.read_epochs().await }
            }
        });
        DirectLookup {
            connections,
            barrier,
            cache: Cache::default(),
            use_cache,
        }
    }

    async fn find(&self, key_hash: &str) -> Result<Option<FoundKey>, AppError> {
        if !self.use_cache {
            return self.connections.lookup(key_hash).await;
        }
        // Strict because the epochs come from a read that started after this request arrived,
        // and a remembered answer carries the epoch read before its lookup (see key_epochs).
        let epoch = self.barrier.fresh().await?[key_epochs::shard_of(key_hash)];
        if let Some(found) = self.cache.get(key_hash, epoch) {
            return Ok(Some(found));
        }
        let found = self.connections.lookup(key_hash).await?;
        if let Some(found) = &found {
            self.cache.remember(key_hash, epoch, found.clone());
        }
        Ok(found)
    }
}

impl Connections {
    async fn lookup(&self, key_hash: &str) -> Result<Option<FoundKey>, AppError> {
        let (slot, connection) = self.pick().await?;
        let row = answer_in_time(
            slot,
            connection
                .client
                .query_opt(&connection.lookup, &[&key_hash]),
        )
        .await?;
        Ok(row.map(|row| FoundKey {
            key_id: row.get(0),
            key_name: row.get(1),
            user_id: row.get(2),
            user_email: row.get(3),
            last_used_at: row.get(4),
            deleted_at: row.get(5),
            expires_at: row.get(6),
        }))
    }

    async fn read_epochs(&self) -> Result<Epochs, AppError> {
        let (slot, connection) = self.pick().await?;
        let rows = answer_in_time(slot, connection.client.query(&connection.epochs, &[])).await?;
        key_epochs::epochs_from_rows(rows.iter().map(|row| (row.get(0), row.get(1))))
    }

    async fn pick(&self) -> Result<(&Slot, Arc<Connection>), AppError> {
        let slot = &self.slots[self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len()];
        Ok((slot, self.connection(slot).await?))
    }

    async fn connection(&self, slot: &Slot) -> Result<Arc<Connection>, AppError> {
        if let Some(connection) = slot.current() {
            return Ok(connection);
        }
        let _connecting = slot.connecting.lock().await;
        if let Some(connection) = slot.current() {
            return Ok(connection); // another request reconnected while this one waited
        }
        let connection = tokio::time::timeout(TIMEOUT, self.connect())
            .await
            .map_err(|_| AppError::Unavailable)?
            .map_err(|err| lookup_error(&err))?;
        let connection = Arc::new(connection);
        slot.replace(Some(connection.clone()));
        Ok(connection)
    }

    async fn connect(&self) -> Result<Connection, tokio_postgres::Error> {
        let (client, driver) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            if let Err(err) = driver.await {
                tracing::warn!(error = %err, "key lookup connection closed");
            }
        });
        let lookup = client.prepare(LOOKUP_SQL).await?;
        let epochs = client.prepare(key_epochs::READ_SQL).await?;
        Ok(Connection {
            client,
            lookup,
            epochs,
        })
    }
}

/// `query`'s answer, or 503 if it takes longer than `TIMEOUT`: a connection that stopped
/// answering is dropped, and the next use of its slot opens another.
async fn answer_in_time<T>(
    slot: &Slot,
    query: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, AppError> {
    tokio::time::timeout(TIMEOUT, query)
        .await
        .map_err(|_| {
            slot.replace(None);
            AppError::Unavailable
        })?
        .map_err(|err| lookup_error(&err))
}

/// A lost connection or a database shutting down is an outage (503, and the next lookup
/// reconnects); anything else is a bug.
fn lookup_error(err: &tokio_postgres::Error) -> AppError {
    let outage = err.is_closed()
        || err.code().is_none()
        || err.code().is_some_and(|code| {
            let code = code.code();
            // connection exceptions, operator intervention (shutdown), too many connections
            code.starts_with("08")
                || code.starts_with("57")
                || code == SqlState::TOO_MANY_CONNECTIONS.code()
        });
    if outage {
        tracing::warn!(error = %err, "database unavailable for key lookups");
        AppError::Unavailable
    } else {
        tracing::error!(error = %err, "key lookup failed");
        AppError::Internal
    }
}
