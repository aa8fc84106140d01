//! API key rules: creation, listing, regeneration and verification. Every function that
//! touches a key takes the owner's id and scopes its query by it; another user's key is
//! indistinguishable from a missing one.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::api::validation::validate_key_name;
use crate::api::{ApiKeySummary, AppError, CreatedApiKey};
use crate::server::entities::api_keys;
use crate::server::error::is_unique_violation;
use crate::server::keys::{self, GeneratedKey};
use crate::server::services::key_lookup::KeyLookup;
use crate::server::time::{now, rfc3339};

/// The owner's live keys, newest first.
pub async fn list(db: &DatabaseConnection, owner: Uuid) -> Result<Vec<ApiKeySummary>, AppError> {
    let rows = api_keys::Entity::find()
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_keys::Column::DeletedAt.is_null())
        .order_by_desc(api_keys::Column::CreatedAt)
        .order_by_desc(api_keys::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// Creates a key named `raw_name` for `owner` and returns it with its secret, once.
pub async fn create(
    db: &DatabaseConnection,
    owner: Uuid,
    raw_name: &str,
) -> Result<CreatedApiKey, AppError> {
    let name = validate_key_name(raw_name).map_err(AppError::bad_request)?;
    let key = new_key()?;
    let row = new_row(owner, name, &key, None, None);
    // The partial unique index decides races: of N concurrent creates with one name,
    // exactly one insert succeeds.
    match row.insert(db).await {
        Ok(row) => Ok(created(row, key)),
        Err(err) if is_unique_violation(&err) => Err(AppError::DuplicateKeyName),
        Err(err) => Err(err.into()),
    }
}

/// Replaces key `key_id` with a new secret under the same name. The old row is soft-deleted
/// in the same transaction, so the old secret stops working the moment this commits, and
/// of two concurrent regenerates only one finds the row still live.
pub async fn regenerate(
    db: &DatabaseConnection,
    owner: Uuid,
    key_id: Uuid,
) -> Result<CreatedApiKey, AppError> {
    let key = new_key()?;
    let txn = db.begin().await?;
    let replaced_at = now();
    // Update first (rather than read then update): the row lock makes a concurrent
    // regenerate wait and then see `deleted_at` set.
    let updated = api_keys::Entity::update_many()
        .col_expr(api_keys::Column::DeletedAt, Expr::value(replaced_at))
        .filter(api_keys::Column::Id.eq(key_id))
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_keys::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::KeyNotFound);
    }
    let old = api_keys::Entity::find_by_id(key_id)
        .one(&txn)
        .await?
        .ok_or(AppError::KeyNotFound)?;
    // The new secret lives as long as the old one was meant to: a 90-day key is replaced by
    // one that expires 90 days from now, and a key that never expired still does not.
    let expires_at = old
        .expires_at
        .map(|expiry| replaced_at + (expiry - old.created_at));
    let row = new_row(owner, old.name.clone(), &key, Some(&old), expires_at)
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(created(row, key))
}

/// A key that may be used right now, and its owner: what an API call learns from it.
#[derive(Clone, Debug)]
pub struct VerifiedKey {
    pub key_id: Uuid,
    pub key_name: String,
    pub user_id: Uuid,
    pub user_email: String,
    /// As stored: lets the usage tracker skip writes inside its quiet period.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Looks up a presented key and decides whether it may be used at `at`. Malformed keys and
/// bad checksums are rejected before any query; `on_lookup` is called only when the
/// database is actually asked. A replaced key is unknown (`Invalid API key`); an expired one
/// says so, since its holder has the secret and needs to know to rotate it.
pub async fn verify(
    lookup: &KeyLookup,
    db: &DatabaseConnection,
    presented: &str,
    at: DateTime<Utc>,
    on_lookup: impl FnOnce(),
) -> Result<VerifiedKey, AppError> {
    if !keys::is_well_formed(presented) {
        return Err(AppError::InvalidApiKey);
    }
    let hash = keys::hash_key(presented);
    on_lookup();
    // The database compared hashes through its index; no secret is compared here.
    let found = lookup
        .find(db, &hash)
        .await?
        .filter(|key| key.deleted_at.is_none())
        .ok_or(AppError::InvalidApiKey)?;
    if found.expires_at.is_some_and(|expiry| expiry <= at) {
        return Err(AppError::ApiKeyExpired);
    }
    Ok(VerifiedKey {
        key_id: found.key_id,
        key_name: found.key_name,
        user_id: found.user_id,
        user_email: found.user_email,
        last_used_at: found.last_used_at,
    })
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
) -> api_keys::ActiveModel {
    let id = Uuid::now_v7();
    let lineage = previous.map_or(id, |p| p.lineage_id.unwrap_or(p.id));
    api_keys::ActiveModel {
        id: Set(id),
        user_id: Set(owner),
        name: Set(name),
        key_hash: Set(key.hash.clone()),
        key_prefix: Set(key.prefix.clone()),
        created_at: Set(now()),
        last_used_at: Set(None),
        deleted_at: Set(None),
        replaces_id: Set(previous.map(|p| p.id)),
        expires_at: Set(expires_at),
        lineage_id: Set(Some(lineage)),
    }
}

fn summary(row: api_keys::Model) -> ApiKeySummary {
    ApiKeySummary {
        id: row.id.to_string(),
        masked_key: keys::mask(&row.key_prefix),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(rfc3339),
    }
}

fn created(row: api_keys::Model, key: GeneratedKey) -> CreatedApiKey {
    CreatedApiKey {
        id: row.id.to_string(),
        masked_key: keys::mask(&row.key_prefix),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: rfc3339(row.created_at),
        full_key: key.into_full_key(),
    }
}
