//! API key rules: listing, creation, the detail record and regeneration. Every function that
//! touches a key takes the owner's id and scopes its query by it; another user's key is
//! indistinguishable from a missing one. (Verifying a presented key is `verification`'s.)
mod create;
mod detail;
mod expiry;
mod list;
mod regenerate;
pub mod restrictions;
mod update;

pub use create::{create, NewKey};
pub use detail::{detail, versions_of, RECENT_CLIENTS, USAGE_DAYS};
pub use expiry::{parse_expiry, EXPIRY_FORMAT, MAX_EXPIRY_DAYS};
pub use list::{list, ListQuery, LIST_LIMIT};
pub use regenerate::{regenerate, retire_key};
pub use restrictions::{RestrictionPatch, RestrictionRules};
pub use update::{current_version, live_summary, update_restrictions};

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, Set};
use uuid::Uuid;

use super::throttle::{self, Granted, Limit, Reservation};
use crate::api::{ApiKeySummary, AppError, CreatedApiKey, KeyRestrictions};
use crate::server::config::Config;
use crate::server::entities::api_keys;
use crate::server::keys::{self, GeneratedKey};
use crate::server::time::{now, rfc3339};

/// Creates and regenerates allowed per user per hour, together: generous for people, a stop
/// for a script (each regenerate also makes every instance look its key's shard up afresh).
#[derive(Clone, Copy, Debug)]
pub struct KeyChangeLimit(pub Limit);

impl KeyChangeLimit {
    pub fn from_config(config: &Config) -> KeyChangeLimit {
        KeyChangeLimit(Limit {
            limit: config.key_changes_per_hour,
            window: chrono::Duration::hours(1),
        })
    }
}

/// Everything that governs changing keys: how many changes an hour, and the rules for their
/// restrictions. Built once from the configuration.
#[derive(Clone, Debug)]
pub struct KeyPolicy {
    pub changes: KeyChangeLimit,
    pub restrictions: RestrictionRules,
}

impl KeyPolicy {
    pub fn from_config(config: &Config) -> KeyPolicy {
        KeyPolicy {
            changes: KeyChangeLimit::from_config(config),
            restrictions: RestrictionRules::from_config(config, config.scopes.clone()),
        }
    }
}

/// Counts one key change of `owner`, or refuses with 429 when the hour's are used up.
async fn reserve_change(
    db: &DatabaseConnection,
    limit: KeyChangeLimit,
    owner: Uuid,
) -> Result<Granted, AppError> {
    match throttle::reserve(db, &format!("key-changes:{owner}"), limit.0).await? {
        Reservation::Granted(granted) => Ok(granted),
        Reservation::Refused { retry_after_secs } => {
            Err(AppError::TooManyKeyChanges { retry_after_secs })
        }
    }
}

fn new_key() -> Result<GeneratedKey, AppError> {
    keys::generate().map_err(|err| {
        tracing::error!(error = %err, "cannot generate an API key");
        AppError::Internal
    })
}

fn new_row(
    owner: Uuid,
    name: String,
    key: &GeneratedKey,
    previous: Option<&api_keys::Model>,
    expires_at: Option<DateTime<Utc>>,
    restrictions: &KeyRestrictions,
) -> api_keys::ActiveModel {
    let id = Uuid::now_v7();
    let lineage = previous.map_or(id, |p| p.lineage_id.unwrap_or(p.id));
    let mut row = api_keys::ActiveModel {
        id: Set(id),
        user_id: Set(owner),
        name: Set(name),
        key_hash: Set(key.hash.clone()),
        key_prefix: Set(key.prefix.clone()),
        created_at: Set(now()),
        // Last used with any version: a regenerated key was used when its old secret was.
        last_used_at: Set(previous.and_then(|p| p.last_used_at)),
        deleted_at: Set(None),
        replaces_id: Set(previous.map(|p| p.id)),
        expires_at: Set(expires_at),
        lineage_id: Set(Some(lineage)),
        ..Default::default()
    };
    restrictions::set_on(&mut row, restrictions);
    row
}

fn summary(row: api_keys::Model) -> ApiKeySummary {
    let KeyRestrictions {
        scopes,
        rate_limit,
        allowed_ips,
    } = restrictions::of_row(&row);
    ApiKeySummary {
        scopes,
        rate_limit,
        allowed_ips,
        id: row.id.to_string(),
        masked_key: keys::mask(&row.key_prefix),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(rfc3339),
        expires_at: row.expires_at.map(rfc3339),
    }
}

fn created(row: api_keys::Model, key: GeneratedKey) -> CreatedApiKey {
    let KeyRestrictions {
        scopes,
        rate_limit,
        allowed_ips,
    } = restrictions::of_row(&row);
    CreatedApiKey {
        scopes,
        rate_limit,
        allowed_ips,
        id: row.id.to_string(),
        masked_key: keys::mask(&row.key_prefix),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: rfc3339(row.created_at),
        expires_at: row.expires_at.map(rfc3339),
        full_key: key.into_full_key(),
    }
}
