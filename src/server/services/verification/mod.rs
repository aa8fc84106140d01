//! Key verification, the path of every API call, read top to bottom:
//!
//! 1. [`Verifier::verify`] refuses a key of the wrong shape or checksum without a query;
//! 2. `lookup` finds the key by the SHA-256 of the secret: on PostgreSQL through the strict
//!    `cache` (guarded by `epochs`) and the lookup's own connections (`pg_pipeline`, set up by
//!    `pg_connect` exactly as the pool is); on SQLite through sea-orm;
//! 3. the verifier decides, at the moment it answers, whether the key may be used (replaced?
//!    expired?);
//! 4. and records the use (`usage`): every caller gets verification and counting together,
//!    so none can forget one.
pub mod cache;
pub mod epochs;
pub mod found_key;
pub mod lookup;
pub mod pg_connect;
pub mod pg_pipeline;
mod pg_verifiers;
pub mod usage;
mod usage_batch;
mod usage_writes;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use self::lookup::Lookup;
use self::pg_connect::SettingsError;
use self::usage::{KeyUse, UsageTracker};
use crate::api::AppError;
use crate::server::config::Config;
use crate::server::keys;
use crate::server::time::now;

/// A key that may be used right now, and its owner: what an API call learns from it.
#[derive(Clone, Debug)]
pub struct VerifiedKey {
    pub key_id: Uuid,
    pub key_name: String,
    pub user_id: Uuid,
    pub user_email: String,
    /// When the verifier answered.
    pub at: DateTime<Utc>,
}

/// Who presented a key, recorded with its use.
pub struct Caller {
    pub ip: String,
    pub user_agent: String,
}

pub struct Verifier {
    lookup: Lookup,
    usage: UsageTracker,
    db: DatabaseConnection,
    /// Verifications that got past the shape check (a malformed key never reaches the
    /// database: tests count on it).
    lookups: AtomicU64,
}

impl Verifier {
    /// A verifier for the database `config.database_url` names, which `db` is connected to.
    pub fn new(config: &Config, db: DatabaseConnection) -> Result<Verifier, SettingsError> {
        Ok(Verifier {
            lookup: Lookup::for_config(config, db.clone())?,
            usage: UsageTracker::new(),
            db,
            lookups: AtomicU64::new(0),
        })
    }

    /// Whether `config.database_url` can be honoured, without connecting.
    pub fn check_settings(config: &Config) -> Result<(), SettingsError> {
        lookup::check_settings(config)
    }

    /// Opens the lookup's own connections (start-up: a setting that cannot work fails here,
    /// with the reason).
    pub async fn connect(&self) -> Result<(), String> {
        self.lookup.connect().await
    }

    /// Checks a presented key and records its use. A replaced key is unknown (`Invalid API
    /// key`); an expired one says so, since its holder has the secret and needs to know to
    /// rotate it.
    pub async fn verify(&self, presented: &str, caller: Caller) -> Result<VerifiedKey, AppError> {
        if !keys::is_well_formed(presented) {
            return Err(AppError::InvalidApiKey);
        }
        let hash = keys::hash_key(presented);
        self.lookups.fetch_add(1, Ordering::Relaxed);
        // The database compared hashes through its index; no secret is compared here.
        let found = self
            .lookup
            .find(&hash)
            .await?
            .filter(|key| key.deleted_at.is_none())
            .ok_or(AppError::InvalidApiKey)?;
        // Judged when the answer is given, not when the request arrived: the lookup may have
        // waited (for an epoch read, a connection), and a key that expired meanwhile is out.
        let at = now();
        if found.expires_at.is_some_and(|expiry| expiry <= at) {
            return Err(AppError::ApiKeyExpired);
        }
        self.usage
            .record(
                &self.db,
                KeyUse {
                    key_id: found.key_id,
                    stored_last_used: found.last_used_at,
                    at,
                    ip: caller.ip,
                    user_agent: caller.user_agent,
                },
            )
            .await?;
        Ok(VerifiedKey {
            key_id: found.key_id,
            key_name: found.key_name,
            user_id: found.user_id,
            user_email: found.user_email,
            at,
        })
    }

    /// Verifications that reached the lookup (the database, or its cache).
    pub fn lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }

    /// Verifications answered from the cache, beside `lookups`.
    pub fn cache_hits(&self) -> u64 {
        self.lookup.cache_hits()
    }

    /// The uses waiting to be written, flushed by the upkeep task and at shutdown.
    pub fn usage(&self) -> &UsageTracker {
        &self.usage
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}
