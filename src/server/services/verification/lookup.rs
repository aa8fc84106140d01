//! Finding a presented key by the SHA-256 of its secret, with its owner: on PostgreSQL through
//! the strict cache (`cache`, guarded by `epochs`) and the lookup's own connections
//! (`pg_pipeline`); on SQLite (the zero-setup default, one instance) through sea-orm, uncached.
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::cache::{Cache, DEFAULT_CAPACITY};
use super::epochs::{self, ReadBarrier};
use super::found_key::FoundKey;
use super::pg_connect::{PgSettings, SettingsError};
use super::pg_pipeline::Pipeline;
use crate::api::AppError;
use crate::server::config::Config;
use crate::server::db::DatabaseKind;
use crate::server::entities::{api_keys, users};
use crate::server::services::api_keys::restrictions::{of_row, unrestricted};

pub enum Lookup {
    Pipelined(Box<Pipelined>),
    Orm(DatabaseConnection),
}

pub struct Pipelined {
    pipeline: std::sync::Arc<Pipeline>,
    /// Epoch reads, one in flight at a time, shared by every request waiting on it.
    barrier: ReadBarrier,
    cache: Option<Cache>,
}

impl Lookup {
    /// The pipelined path on PostgreSQL, with the pool's own connection settings (or an error
    /// naming the one it cannot honour); sea-orm for anything else. Connections open on first
    /// use or at `connect`, so building this never blocks.
    pub fn for_config(config: &Config, db: DatabaseConnection) -> Result<Lookup, SettingsError> {
        if DatabaseKind::of(&config.database_url) != DatabaseKind::Postgres {
            return Ok(Lookup::Orm(db));
        }
        let settings = PgSettings::from_url(&config.database_url)?;
        let pipeline = std::sync::Arc::new(Pipeline::new(settings, config.key_lookup_connections));
        let barrier = ReadBarrier::new({
            let pipeline = pipeline.clone();
            move || {
                let pipeline = pipeline.clone();
                async move { pipeline.read_epochs().await }
            }
        });
        Ok(Lookup::Pipelined(Box::new(Pipelined {
            pipeline,
            barrier,
            cache: config
                .key_lookup_cache
                .then(|| Cache::new(DEFAULT_CAPACITY)),
        })))
    }

    /// Opens the lookup's connections now (see `Pipeline::connect_all`).
    pub async fn connect(&self) -> Result<(), String> {
        match self {
            Lookup::Pipelined(pipelined) => pipelined.pipeline.connect_all().await,
            Lookup::Orm(_) => Ok(()),
        }
    }

    pub async fn find(&self, key_hash: &str) -> Result<Option<FoundKey>, AppError> {
        match self {
            Lookup::Pipelined(pipelined) => pipelined.find(key_hash).await,
            Lookup::Orm(db) => find_with_orm(db, key_hash).await,
        }
    }

    /// Verifications answered from remembered lookups (tests and benchmarks).
    pub fn cache_hits(&self) -> u64 {
        match self {
            Lookup::Pipelined(pipelined) => pipelined.cache.as_ref().map_or(0, Cache::hits),
            Lookup::Orm(_) => 0,
        }
    }
}

impl Pipelined {
    async fn find(&self, key_hash: &str) -> Result<Option<FoundKey>, AppError> {
        let Some(cache) = &self.cache else {
            return self.pipeline.lookup(key_hash).await;
        };
        // The epoch comes from a read that started after this request arrived, and a
        // remembered answer carries the epoch read before its lookup: see `cache`.
        let epoch = self.barrier.fresh().await?[epochs::shard_of(key_hash)];
        if let Some(found) = cache.get(key_hash, epoch) {
            return Ok(Some(found));
        }
        let found = self.pipeline.lookup(key_hash).await?;
        if let Some(found) = &found {
            cache.remember(key_hash, epoch, found.clone());
        }
        Ok(found)
    }
}

pub(super) fn check_settings(config: &Config) -> Result<(), SettingsError> {
    if DatabaseKind::of(&config.database_url) == DatabaseKind::Postgres {
        PgSettings::from_url(&config.database_url)?;
    }
    Ok(())
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
        Some((key, Some(owner))) => {
            let restrictions = of_row(&key);
            Some(
                FoundKey {
                    key_id: key.id,
                    lineage_id: key.lineage_id.unwrap_or(key.id),
                    key_name: key.name,
                    user_id: owner.id,
                    user_email: owner.email,
                    last_used_at: key.last_used_at,
                    deleted_at: key.deleted_at,
                    expires_at: key.expires_at,
                    restrictions: unrestricted(),
                    allowed_networks: None,
                }
                .with_restrictions(restrictions),
            )
        }
        _ => None,
    })
}
