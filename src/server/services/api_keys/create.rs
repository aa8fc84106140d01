//! Creating a key.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection};
use uuid::Uuid;

use super::{created, new_key, new_row, reserve_change, KeyChangeLimit};
use crate::api::validation::validate_key_name;
use crate::api::{AppError, CreatedApiKey};
use crate::server::error::is_unique_violation;

/// Creates a key named `raw_name` for `owner`, expiring at `expires_at` (see `parse_expiry`),
/// and returns it with its secret, once.
/// A create counts toward the owner's key changes (`KeyChangeLimit`) only if it makes a key.
pub async fn create(
    db: &DatabaseConnection,
    limit: KeyChangeLimit,
    owner: Uuid,
    raw_name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<CreatedApiKey, AppError> {
    let name = validate_key_name(raw_name).map_err(AppError::bad_request)?;
    let key = new_key()?;
    let change = reserve_change(db, limit, owner).await?;
    let row = new_row(owner, name, &key, None, expires_at);
    // The partial unique index decides races: of N concurrent creates with one name,
    // exactly one insert succeeds.
    match row.insert(db).await {
        Ok(row) => Ok(created(row, key)),
        Err(err) => {
            change.release(db).await;
            if is_unique_violation(&err) {
                Err(AppError::DuplicateKeyName)
            } else {
                Err(err.into())
            }
        }
    }
}
