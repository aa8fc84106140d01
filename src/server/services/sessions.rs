//! Sessions: a random 256-bit token in an HttpOnly cookie (`server::cookies`); only its SHA-256
//! is stored, so a database leak does not hand out live sessions, and deleting the row ends
//! the session everywhere at once.
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::api::AppError;
use crate::server::crypto::{random_token, secrets_equal, sha256_hex};
use crate::server::entities::{sessions, users};
use crate::server::time::now;

/// Starts a session for `user_id` and returns the token for the cookie.
pub async fn create(
    db: &DatabaseConnection,
    lifetime_days: i64,
    user_id: Uuid,
) -> Result<String, AppError> {
    let token = random_token::<32>().map_err(|_| AppError::Internal)?;
    let created_at = now();
    sessions::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        user_id: Set(user_id),
        created_at: Set(created_at),
        expires_at: Set(created_at + Duration::days(lifetime_days)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user a session token belongs to, if the session exists and has not expired. An
/// expired session is deleted on sight.
pub async fn resolve(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<users::Model>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let token_hash = sha256_hex(token);
    let Some((session, user)) = sessions::Entity::find_by_id(token_hash.clone())
        .find_also_related(users::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if !secrets_equal(&session.token_hash, &token_hash) {
        return Ok(None);
    }
    if session.expires_at <= now() {
        sessions::Entity::delete_by_id(token_hash).exec(db).await?;
        return Ok(None);
    }
    Ok(user)
}

/// Ends a session: the row goes, so a copied cookie stops working too.
pub async fn destroy(db: &DatabaseConnection, token: &str) -> Result<(), AppError> {
    sessions::Entity::delete_by_id(sha256_hex(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes every expired session; run periodically.
pub async fn purge_expired(db: &DatabaseConnection) -> Result<u64, AppError> {
    let result = sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
