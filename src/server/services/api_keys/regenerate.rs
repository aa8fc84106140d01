//! Regenerating a key: a new secret under the same name, the old one retired in the same
//! transaction.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{created, new_key, new_row, reserve_change, restrictions, KeyPolicy};
use crate::api::account::EventKind;
use crate::api::{AppError, CreatedApiKey};
use crate::server::actor::Actor;
use crate::server::entities::api_keys;
use crate::server::error::is_unique_violation;
use crate::server::keys::GeneratedKey;
use crate::server::services::security_log::{self, KeyRef};
use crate::server::time::now;

/// Replaces key `key_id` with a new secret under the same name. The old row is soft-deleted
/// in the same transaction, so the old secret stops working the moment this commits, and
/// of two concurrent regenerates only one stamps the row (the other, after waiting for its
/// lock, reads back the first one's timestamp and answers 404).
/// It counts toward the owner's key changes (`KeyChangeLimit`) only if it replaces the key,
/// and the new secret keeps the key's restrictions.
pub async fn regenerate(
    db: &DatabaseConnection,
    policy: &KeyPolicy,
    owner: Uuid,
    key_id: Uuid,
    actor: &Actor,
) -> Result<CreatedApiKey, AppError> {
    let key = new_key()?;
    let change = reserve_change(db, policy.changes, owner).await?;
    match replace(db, owner, key_id, key, actor).await {
        Ok(created) => Ok(created),
        Err(err) => {
            change.release(db).await;
            Err(err)
        }
    }
}

async fn replace(
    db: &DatabaseConnection,
    owner: Uuid,
    key_id: Uuid,
    key: GeneratedKey,
    actor: &Actor,
) -> Result<CreatedApiKey, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let replaced_at = now();
    // Write first (rather than read, then write): the row lock makes a concurrent regenerate
    // of the same key wait, and then read the `deleted_at` this one set.
    let updated = retire_key(owner, key_id, replaced_at).exec(&txn).await?;
    if updated.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::KeyNotFound);
    }
    let old = api_keys::Entity::find_by_id(key_id)
        .one(&txn)
        .await?
        .ok_or(AppError::KeyNotFound)?;
    if old.deleted_at != Some(replaced_at) {
        // Replaced before this request: a replaced key cannot be regenerated.
        txn.rollback().await?;
        return Err(AppError::KeyNotFound);
    }
    // The new secret lives as long as the old one was meant to: a 90-day key is replaced by
    // one that expires 90 days from now, and a key that never expired still does not.
    let expires_at = old
        .expires_at
        .map(|expiry| replaced_at + (expiry - old.created_at));
    // And it keeps what it was allowed to do.
    let kept = restrictions::of_row(&old);
    let row = match new_row(owner, old.name.clone(), &key, Some(&old), expires_at, &kept)
        .insert(&txn)
        .await
    {
        Ok(row) => row,
        // Another regenerate of this key, stamped in the same microsecond, got there first:
        // its replacement already holds the name among the live keys.
        Err(err) if is_unique_violation(&err) => {
            txn.rollback().await?;
            return Err(AppError::KeyNotFound);
        }
        Err(err) => return Err(err.into()),
    };
    let logged = KeyRef::of(&row);
    security_log::record(&txn, owner, EventKind::KeyRegenerated, actor, Some(&logged)).await?;
    // On PostgreSQL the commit also moves the old key's verification epoch (a trigger; see
    // verification::cache), so no instance answers the old key from memory once this returns.
    txn.commit().await?;
    Ok(created(row, key))
}

/// Marks `owner`'s key `key_id` replaced at `at` unless it already was (then `deleted_at`
/// keeps its value), and holds the row lock to the end of the transaction. Affects no row when
/// the key is someone else's or unknown.
///
/// No `deleted_at IS NULL` filter: with one, PostgreSQL planned this through the partial
/// `(user_id, created_at) WHERE deleted_at IS NULL` index on a table it had never analysed,
/// scanning every live key of the user (18–26 ms per regenerate). By `id` and `user_id` alone
/// only the primary key fits, whatever the statistics; whether the key was live is read back
/// under the lock.
pub fn retire_key(
    owner: Uuid,
    key_id: Uuid,
    at: DateTime<Utc>,
) -> sea_orm::UpdateMany<api_keys::Entity> {
    let deleted_at = Expr::col(api_keys::Column::DeletedAt);
    api_keys::Entity::update_many()
        .col_expr(
            api_keys::Column::DeletedAt,
            Func::coalesce([deleted_at, Expr::value(at)]).into(),
        )
        .filter(api_keys::Column::Id.eq(key_id))
        .filter(api_keys::Column::UserId.eq(owner))
}
