//! Creating a key.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection};
use uuid::Uuid;

use super::{created, new_key, new_row, reserve_change, KeyPolicy};
use crate::api::account::EventKind;
use crate::api::validation::validate_key_name;
use crate::api::{AppError, CreatedApiKey, KeyRestrictions, RateLimit};
use crate::server::actor::Actor;
use crate::server::error::is_unique_violation;
use crate::server::services::security_log::{self, KeyRef};

/// What a new key is asked to be.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub name: String,
    /// `None`: never expires (see `parse_expiry`).
    pub expires_at: Option<DateTime<Utc>>,
    /// `None`: full access.
    pub scopes: Option<Vec<String>>,
    /// Absent (`None`): the operator's default, if any; `Some(None)`: no limit.
    pub rate_limit: Option<Option<RateLimit>>,
    /// `None`: any address.
    pub allowed_ips: Option<Vec<String>>,
}

/// Creates a key for `owner` and returns it with its secret, once. A create counts toward
/// the owner's key changes (`KeyChangeLimit`) only if it makes a key.
pub async fn create(
    db: &DatabaseConnection,
    policy: &KeyPolicy,
    owner: Uuid,
    new: NewKey,
    actor: &Actor,
) -> Result<CreatedApiKey, AppError> {
    let name = validate_key_name(&new.name).map_err(AppError::bad_request)?;
    let restrictions = policy.restrictions.check(KeyRestrictions {
        scopes: new.scopes,
        rate_limit: new
            .rate_limit
            .unwrap_or(policy.restrictions.default_rate_limit),
        allowed_ips: new.allowed_ips,
    })?;
    let key = new_key()?;
    let change = reserve_change(db, policy.changes, owner).await?;
    let row = new_row(owner, name, &key, None, new.expires_at, &restrictions);
    // The partial unique index decides races: of N concurrent creates with one name,
    // exactly one insert succeeds. The log's entry commits with the key.
    let inserted = async {
        let txn = crate::server::db::begin_write(db).await?;
        let row = match row.insert(&txn).await {
            Ok(row) => row,
            Err(err) if is_unique_violation(&err) => return Err(AppError::DuplicateKeyName),
            Err(err) => return Err(err.into()),
        };
        let logged = KeyRef::of(&row);
        security_log::record(&txn, owner, EventKind::KeyCreated, actor, Some(&logged)).await?;
        txn.commit().await?;
        Ok(row)
    }
    .await;
    match inserted {
        Ok(row) => Ok(created(row, key)),
        Err(err) => {
            change.release(db).await;
            Err(err)
        }
    }
}
