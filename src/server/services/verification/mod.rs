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
pub mod rate_limit;
pub mod usage;
mod usage_batch;
mod usage_writes;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use self::found_key::FoundKey;
use self::lookup::Lookup;
use self::pg_connect::SettingsError;
use self::rate_limit::{Quota, RateLimiter};
use self::usage::{KeyUse, UsageTracker};
use crate::api::AppError;
use crate::server::config::Config;
use crate::server::keys;
use crate::server::permissions::{Catalog, ForwardedRequest};
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
    /// The scopes the key is limited to; `None`: full access.
    pub scopes: Option<Vec<String>>,
    /// Where the key stands against its rate limit, if it has one.
    pub quota: Option<Quota>,
}

/// What the key is presented for.
pub enum Access<'a> {
    /// Who the key is (`/api/v1/me`): identity, not the operator's API, so permissions do not
    /// apply (the allowlist and the rate limit do).
    Identity,
    /// Forward auth: the request the proxy asks about.
    Forwarded(&'a ForwardedRequest),
}

/// Who presented a key, recorded with its use.
pub struct Caller {
    /// As shown and stored ("unknown" when there is no peer).
    pub ip: String,
    /// As judged against an allowlist.
    pub addr: Option<IpAddr>,
    pub user_agent: String,
}

pub struct Verifier {
    lookup: Lookup,
    usage: UsageTracker,
    rate_limits: RateLimiter,
    catalog: Arc<Catalog>,
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
            rate_limits: RateLimiter::new(db.clone()),
            catalog: config.scopes.clone(),
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

    /// Checks a presented key for `access` and records its use. A replaced key is unknown
    /// (`Invalid API key`); an expired one says so, since its holder has the secret and needs
    /// to know to rotate it. Then, in order: where it is used from, what it is used for, how
    /// often; a refusal for any of these is not a use.
    pub async fn verify(
        &self,
        presented: &str,
        caller: Caller,
        access: Access<'_>,
    ) -> Result<VerifiedKey, AppError> {
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
        check_address(&found, caller.addr)?;
        self.check_permission(&found, access)?;
        let quota = match found.restrictions.rate_limit {
            Some(limit) => {
                let quota = self.rate_limits.admit(found.lineage_id, limit, at).await?;
                if !quota.admitted {
                    self.usage.record_refused(found.key_id, at);
                    return Err(AppError::RateLimited {
                        retry_after_secs: u64::from(quota.reset_secs),
                        limit: quota.limit,
                        window_secs: quota.window_secs,
                    });
                }
                Some(quota)
            }
            None => None,
        };
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
            scopes: found.restrictions.scopes,
            quota,
        })
    }

    /// A key with scopes may only do what they allow, judged on the request the proxy names;
    /// without one (or with half of one) it is refused: it fails closed.
    fn check_permission(&self, found: &FoundKey, access: Access<'_>) -> Result<(), AppError> {
        let Access::Forwarded(request) = access else {
            return Ok(());
        };
        match (request, &found.restrictions.scopes) {
            // Whatever the key: a client may be trying to choose what is judged.
            (ForwardedRequest::Conflicting, _) => Err(AppError::InsufficientScope(
                "The proxy named two different requests (X-Original-* and \
                 X-Forwarded-Method/-Uri); it must send one"
                    .into(),
            )),
            (_, None) => Ok(()),
            (ForwardedRequest::Named(original), Some(scopes)) => {
                self.catalog.judge(scopes, original)
            }
            (ForwardedRequest::Missing, Some(_)) => Err(AppError::InsufficientScope(
                "This key is limited to some requests, and the proxy did not say which request \
                 this is (X-Original-Method and X-Original-URI)"
                    .into(),
            )),
            (ForwardedRequest::Incomplete(what), Some(_)) => Err(AppError::InsufficientScope(
                format!("This key is limited to some requests, and the proxy sent {what}"),
            )),
        }
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

/// A key with an allowlist may only be used from an address on it.
fn check_address(found: &FoundKey, addr: Option<IpAddr>) -> Result<(), AppError> {
    let Some(networks) = &found.allowed_networks else {
        return Ok(());
    };
    match addr {
        Some(ip) if networks.iter().any(|net| net.contains(ip)) => Ok(()),
        Some(ip) => Err(AppError::AddressNotAllowed(format!(
            "This key may not be used from {}",
            crate::api::net::canonical_ip(ip)
        ))),
        None => Err(AppError::AddressNotAllowed(
            "This key may not be used from an unknown address".into(),
        )),
    }
}
