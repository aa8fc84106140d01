//! Password reset tokens, which exist in the clear only in the mail that carries them. A
//! reset mail is queued with `SLOT` where its link's token goes; the sender mints the token
//! when it sends (`mint`), stores its SHA-256 on the reset, and fills the slot. So neither the
//! reset nor the outbox ever holds a usable token, even while the mail waits out an SMTP
//! outage. A resend (after a failure) mints a new token, and the previous one stops working.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::server::crypto::{random_token, sha256_hex};
use crate::server::entities::password_resets;

/// Where a reset mail's bodies take the token.
pub const SLOT: &str = "{reset-token}";

/// A hash no token has: what a reset holds until its mail is sent.
pub fn unusable_hash() -> Result<String, crate::api::AppError> {
    let never_told = random_token::<32>().map_err(|_| crate::api::AppError::Internal)?;
    Ok(sha256_hex(&never_told))
}

/// Mints the token for reset `reset_id` and stores its hash, if the reset can still be used
/// (not used, not expired at `now`); `None` when it cannot, and the mail should not go.
pub async fn mint(
    db: &impl ConnectionTrait,
    reset_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let Ok(token) = random_token::<32>() else {
        return Err(DbErr::Custom("the OS random generator failed".into()));
    };
    let stored = password_resets::Entity::update_many()
        .col_expr(
            password_resets::Column::TokenHash,
            Expr::value(sha256_hex(&token)),
        )
        .filter(password_resets::Column::Id.eq(reset_id))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok((stored.rows_affected == 1).then_some(token))
}
