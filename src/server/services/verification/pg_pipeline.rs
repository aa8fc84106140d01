//! The lookup's own PostgreSQL connections: a few long-lived tokio-postgres connections, each
//! holding both statements prepared once, used in turn, with concurrent lookups pipelined on
//! them (one Bind/Execute/Sync per verification, no per-request setup).
//!
//! Why outside the pool (`bench/results/2026-11-28.md`): through sqlx, one verification cost
//! three round trips (a ping when a connection is handed out, the query, a ping when it comes
//! back) plus building the SQL with sea-query and decoding by column name.
//!
//! The statement filters on `key_hash` alone, so PostgreSQL always uses the unique hash index
//! whatever its statistics say (on a never-analysed table a `deleted_at IS NULL` filter made it
//! pick the partial index of live keys and scan it). Replacement and expiry are checked in code
//! on the one row that comes back.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio_postgres::{Client, Statement};

use super::epochs::{self, Epochs};
use super::found_key::FoundKey;
use super::pg_connect::PgSettings;
use crate::api::AppError;
use crate::server::error::is_outage_sqlstate;
use crate::server::services::api_keys::restrictions::{from_columns, unrestricted};

/// How long a connect or a lookup may take before the answer is 503, as with the pool.
const TIMEOUT: Duration = Duration::from_secs(3);

pub const LOOKUP_SQL: &str =
    "SELECT k.id, k.name, k.user_id, u.email, k.last_used_at, k.deleted_at, k.expires_at, \
            k.lineage_id, k.scopes, k.rate_limit_requests, k.rate_limit_seconds, k.allowed_ips \
     FROM api_keys k JOIN users u ON u.id = k.user_id \
     WHERE k.key_hash = $1";

/// A few long-lived connections, each with both statements prepared, used in turn.
pub struct Pipeline {
    settings: PgSettings,
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

impl Pipeline {
    /// `connections` slots; they connect on first use (or `connect_all`).
    pub fn new(settings: PgSettings, connections: usize) -> Pipeline {
        Pipeline {
            settings,
            slots: (0..connections.max(1)).map(|_| Slot::default()).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// Opens every connection now: start-up fails on a setting that cannot work (a wrong root
    /// certificate, a role that may not connect this way) instead of the first request.
    pub async fn connect_all(&self) -> Result<(), String> {
        for slot in &self.slots {
            if slot.current().is_some() {
                continue;
            }
            let connection = tokio::time::timeout(TIMEOUT, self.connect())
                .await
                .map_err(|_| "connecting timed out".to_owned())?
                .map_err(|err| describe(&err))?;
            slot.replace(Some(Arc::new(connection)));
        }
        Ok(())
    }

    pub async fn lookup(&self, key_hash: &str) -> Result<Option<FoundKey>, AppError> {
        let (slot, connection) = self.pick().await?;
        let row = answer_in_time(
            slot,
            connection
                .client
                .query_opt(&connection.lookup, &[&key_hash]),
        )
        .await?;
        Ok(row.map(|row| {
            let key_id: uuid::Uuid = row.get(0);
            FoundKey {
                key_id,
                key_name: row.get(1),
                user_id: row.get(2),
                user_email: row.get(3),
                last_used_at: row.get(4),
                deleted_at: row.get(5),
                expires_at: row.get(6),
                lineage_id: row.get::<_, Option<uuid::Uuid>>(7).unwrap_or(key_id),
                restrictions: unrestricted(),
                allowed_networks: None,
            }
            .with_restrictions(from_columns(
                row.get(8),
                row.get(9),
                row.get(10),
                row.get(11),
            ))
        }))
    }

    pub async fn read_epochs(&self) -> Result<Epochs, AppError> {
        let (slot, connection) = self.pick().await?;
        let rows = answer_in_time(slot, connection.client.query(&connection.epochs, &[])).await?;
        epochs::epochs_from_rows(rows.iter().map(|row| (row.get(0), row.get(1))))
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

    async fn connect(&self) -> Result<Connection, ConnectError> {
        let tls = self.settings.tls().map_err(ConnectError::Settings)?;
        let (client, driver) = self.settings.config.connect(tls).await?;
        tokio::spawn(async move {
            if let Err(err) = driver.await {
                tracing::warn!(error = %err, "key lookup connection closed");
            }
        });
        let lookup = client.prepare(LOOKUP_SQL).await?;
        let epochs = client.prepare(epochs::READ_SQL).await?;
        Ok(Connection {
            client,
            lookup,
            epochs,
        })
    }
}

#[derive(Debug, thiserror::Error)]
enum ConnectError {
    #[error(transparent)]
    Settings(super::pg_connect::SettingsError),
    #[error(transparent)]
    Postgres(#[from] tokio_postgres::Error),
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
        .map_err(|err| lookup_error(&ConnectError::Postgres(err)))
}

/// What a failure means to the caller. Anything that says "the database cannot answer now"
/// (lost connection, shutdown, too many clients, out of memory or disk, a refused login, a
/// dropped database) is 503, and the next lookup reconnects; only an error in our own query
/// would be a 500.
fn lookup_error(err: &ConnectError) -> AppError {
    let outage = match err {
        ConnectError::Settings(_) => true,
        ConnectError::Postgres(err) => {
            err.is_closed()
                || err
                    .code()
                    .is_none_or(|code| is_outage_sqlstate(code.code()))
        }
    };
    if outage {
        tracing::warn!(error = %err, "database unavailable for key lookups");
        AppError::Unavailable
    } else {
        tracing::error!(error = %err, "key lookup failed");
        AppError::Internal
    }
}

/// A failure to connect, for a person reading the start-up log: tokio-postgres's own
/// message, with its cause (a certificate problem sits in the source chain).
fn describe(err: &ConnectError) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
