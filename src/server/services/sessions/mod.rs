//! Sessions: a random 256-bit token in an HttpOnly cookie (`server::cookies`); only its SHA-256
//! is stored, so a database leak does not hand out live sessions, and deleting the row ends
//! the session everywhere at once (sessions are never cached: every instance reads the row).
pub mod activity;

use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::api::account::{SessionDto, SessionList};
use crate::api::AppError;
use crate::server::actor::Actor;
use crate::server::crypto::{random_token, secrets_equal, sha256_hex};
use crate::server::entities::{sessions, users};
use crate::server::time::{now, rfc3339};

/// A session found by its cookie, and whose it is.
pub struct Resolved {
    pub session: sessions::Model,
    pub user: users::Model,
}

/// Starts a session for `user_id` and returns the token for the cookie.
pub async fn create(
    db: &DatabaseConnection,
    lifetime_days: i64,
    user_id: Uuid,
    actor: &Actor,
) -> Result<String, AppError> {
    let token = random_token::<32>().map_err(|_| AppError::Internal)?;
    let created_at = now();
    sessions::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        user_id: Set(user_id),
        created_at: Set(created_at),
        expires_at: Set(created_at + Duration::days(lifetime_days)),
        last_seen_at: Set(Some(created_at)),
        ip: Set(actor.ip()),
        user_agent: Set(actor.user_agent.clone()),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The session a token opens, with its user, if it exists and has not expired. An expired
/// session is deleted on sight.
pub async fn resolve(db: &DatabaseConnection, token: &str) -> Result<Option<Resolved>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let token_hash = sha256_hex(token);
    let Some((session, Some(user))) = sessions::Entity::find_by_id(token_hash.clone())
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
    Ok(Some(Resolved { session, user }))
}

/// The name a session goes by in the API and on the Security page: a hash of its token's
/// hash. It identifies the session to its owner and cannot be turned back into either.
pub fn public_id(token_hash: &str) -> String {
    sha256_hex(&format!("keyward-session:{token_hash}"))[..32].to_owned()
}

/// Ends a session: the row goes, so a copied cookie stops working too.
pub async fn destroy(db: &DatabaseConnection, token: &str) -> Result<(), AppError> {
    sessions::Entity::delete_by_id(sha256_hex(token))
        .exec(db)
        .await?;
    Ok(())
}

/// `user_id`'s live sessions, newest first; `current` is the token hash of the asking one.
pub async fn list(
    db: &DatabaseConnection,
    user_id: Uuid,
    current: &str,
) -> Result<SessionList, AppError> {
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::ExpiresAt.gt(now()))
        .order_by_desc(sessions::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(SessionList {
        sessions: rows
            .into_iter()
            .map(|row| SessionDto {
                id: public_id(&row.token_hash),
                current: row.token_hash == current,
                created_at: rfc3339(row.created_at),
                last_seen_at: rfc3339(row.last_seen_at.unwrap_or(row.created_at)),
                ip: row.ip,
                user_agent: row.user_agent,
            })
            .collect(),
    })
}

/// Ends `user_id`'s session named `id` (`public_id`); another user's or an unknown id is
/// `SessionNotFound`, the same answer for both.
pub async fn end(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    id: &str,
) -> Result<sessions::Model, AppError> {
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let session = rows
        .into_iter()
        .find(|row| secrets_equal(&public_id(&row.token_hash), id))
        .ok_or(AppError::SessionNotFound)?;
    let deleted = sessions::Entity::delete_by_id(session.token_hash.clone())
        .exec(db)
        .await?;
    // Two tabs ending it at once: only one of them ended it.
    if deleted.rows_affected == 0 {
        return Err(AppError::SessionNotFound);
    }
    Ok(session)
}

/// Ends every session of `user_id` except the one whose token hash is `keep` (none kept when
/// `None`); returns how many ended.
pub async fn end_all_but(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    keep: Option<&str>,
) -> Result<u64, AppError> {
    let mut delete = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        delete = delete.filter(sessions::Column::TokenHash.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

/// Removes every expired session; run periodically.
pub async fn purge_expired(db: &DatabaseConnection) -> Result<u64, AppError> {
    let result = sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
