//! API key rules: creation, listing, regeneration and verification. Every function that
//! touches a key takes the owner's id and scopes its query by it; another user's key is
//! indistinguishable from a missing one.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::api::validation::validate_key_name;
use crate::api::{ApiKeySummary, AppError, CreatedApiKey};
use crate::server::entities::{api_keys, users};
use crate::server::error::is_unique_violation;
use crate::server::keys::{self, GeneratedKey};
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
    let row = new_row(owner, name, &key, None);
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
    let row = new_row(owner, old.name, &key, Some(old.id))
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(created(row, key))
}

/// A verified key and its owner.
#[derive(Debug)]
pub struct VerifiedKey {
    pub key: api_keys::Model,
    pub owner: users::Model,
}

/// Looks up a presented key. Malformed keys and bad checksums are rejected before any
/// query; `on_lookup` is called only when the database is actually asked.
pub async fn verify(
    db: &DatabaseConnection,
    presented: &str,
    on_lookup: impl FnOnce(),
) -> Result<VerifiedKey, AppError> {
    if !keys::is_well_formed(presented) {
        return Err(AppError::InvalidApiKey);
    }
    let hash = keys::hash_key(presented);
    on_lookup();
    let found = api_keys::Entity::find()
        .filter(api_keys::Column::KeyHash.eq(hash.as_str()))
        .filter(api_keys::Column::DeletedAt.is_null())
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    match found {
        Some((key, Some(owner))) if keys::secrets_equal(&key.key_hash, &hash) => {
            Ok(VerifiedKey { key, owner })
        }
        _ => Err(AppError::InvalidApiKey),
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
    replaces: Option<Uuid>,
) -> api_keys::ActiveModel {
    api_keys::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(owner),
        name: Set(name),
        key_hash: Set(key.hash.clone()),
        key_prefix: Set(key.prefix.clone()),
        created_at: Set(now()),
        last_used_at: Set(None),
        deleted_at: Set(None),
        replaces_id: Set(replaces),
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
