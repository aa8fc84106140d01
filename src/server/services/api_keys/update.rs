//! Changing a key's restrictions (`PATCH`): the change reaches every instance the moment it
//! returns (it moves the key's verification epoch, as a regenerate does) and goes into the
//! key's history, from what to what.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::restrictions::{of_row, set_on, RestrictionPatch};
use super::{reserve_change, summary, KeyPolicy};
use crate::api::account::EventKind;
use crate::api::{ApiKeySummary, AppError, KeyRestrictions};
use crate::server::actor::Actor;
use crate::server::entities::{api_keys, restriction_changes};
use crate::server::services::security_log::{self, KeyRef};
use crate::server::time::now;

/// Applies `patch` to `owner`'s live key `key_id`. Counts toward the owner's key changes
/// only when something changed.
pub async fn update_restrictions(
    db: &DatabaseConnection,
    policy: &KeyPolicy,
    owner: Uuid,
    key_id: Uuid,
    patch: RestrictionPatch,
    actor: &Actor,
) -> Result<ApiKeySummary, AppError> {
    if patch.is_empty() {
        return Err(AppError::bad_request(
            "Send at least one of scopes, rateLimit and allowedIps (null lifts a restriction)",
        ));
    }
    let change = reserve_change(db, policy.changes, owner).await?;
    match apply(db, policy, owner, key_id, patch, actor).await {
        Ok(Some(updated)) => Ok(updated),
        Ok(None) => {
            change.release(db).await;
            let row = live_row(db, owner, key_id).await?;
            Ok(summary(row))
        }
        Err(err) => {
            change.release(db).await;
            Err(err)
        }
    }
}

/// `None` when the patch changes nothing.
async fn apply(
    db: &DatabaseConnection,
    policy: &KeyPolicy,
    owner: Uuid,
    key_id: Uuid,
    patch: RestrictionPatch,
    actor: &Actor,
) -> Result<Option<ApiKeySummary>, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    // The row lock orders concurrent changes: each one's "before" is the last one's "after".
    let row = api_keys::Entity::find_by_id(key_id)
        .filter(api_keys::Column::UserId.eq(owner))
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|row| row.deleted_at.is_none())
        .ok_or(AppError::KeyNotFound)?;
    let before = of_row(&row);
    let after = policy.restrictions.check(patch.apply(&before))?;
    if after == before {
        txn.rollback().await?;
        return Ok(None);
    }
    let lineage = row.lineage_id.unwrap_or(row.id);
    let logged = KeyRef::of(&row);
    let mut active = row.into_active_model();
    set_on(&mut active, &after);
    let updated = active.update(&txn).await?;
    restriction_changes::ActiveModel {
        id: Set(Uuid::now_v7()),
        lineage_id: Set(lineage),
        user_id: Set(owner),
        changed_at: Set(now()),
        before: Set(to_json(&before)),
        after: Set(to_json(&after)),
    }
    .insert(&txn)
    .await?;
    security_log::record(
        &txn,
        owner,
        EventKind::KeyRestrictionsChanged,
        actor,
        Some(&logged),
    )
    .await?;
    // The trigger moves the key's epoch in this transaction: once this returns, no instance
    // judges the key by its old restrictions.
    txn.commit().await?;
    Ok(Some(summary(updated)))
}

/// `owner`'s live key `key_id` as listed.
pub async fn live_summary(
    db: &DatabaseConnection,
    owner: Uuid,
    key_id: Uuid,
) -> Result<ApiKeySummary, AppError> {
    live_row(db, owner, key_id).await.map(summary)
}

/// The id of the live version of `owner`'s key `key_id` (itself if live, the version that
/// replaced it if not), or `None` when no key of theirs has that id.
pub async fn current_version(
    db: &DatabaseConnection,
    owner: Uuid,
    key_id: Uuid,
) -> Result<Option<Uuid>, AppError> {
    let Some(row) = api_keys::Entity::find_by_id(key_id)
        .filter(api_keys::Column::UserId.eq(owner))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.deleted_at.is_none() {
        return Ok(Some(row.id));
    }
    let lineage = row.lineage_id.unwrap_or(row.id);
    Ok(api_keys::Entity::find()
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_keys::Column::LineageId.eq(lineage))
        .filter(api_keys::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .map(|live| live.id))
}

async fn live_row(
    db: &DatabaseConnection,
    owner: Uuid,
    key_id: Uuid,
) -> Result<api_keys::Model, AppError> {
    api_keys::Entity::find_by_id(key_id)
        .filter(api_keys::Column::UserId.eq(owner))
        .one(db)
        .await?
        .filter(|row| row.deleted_at.is_none())
        .ok_or(AppError::KeyNotFound)
}

fn to_json(restrictions: &KeyRestrictions) -> String {
    serde_json::to_string(restrictions).unwrap_or_else(|_| "{}".into())
}

/// A stored history entry back as restrictions (an entry that does not parse reads as none).
pub fn from_json(text: &str) -> KeyRestrictions {
    serde_json::from_str(text).unwrap_or_else(|_| super::restrictions::unrestricted())
}
