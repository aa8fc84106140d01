//! Password reset by email. A request answers the same whether or not the account exists, and
//! the answer does not wait for anything that depends on it: the throttles are counted (the
//! same work for every address), then the lookup and the queued mail happen after the
//! response has gone. The token is a random 256-bit value made when the mail is sent and
//! stored only as its SHA-256 (`reset_tokens`); it works once, for 30 minutes, and using it
//! ends every session of the account.
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};
use uuid::Uuid;

use super::mail::{self, messages, Mailer};
use super::passwords::{hash_password, Hashing};
use super::throttle::{self, Limit, Reservation};
use super::{login_throttle, reset_tokens, security_log, sessions};
use crate::api::account::EventKind;
use crate::api::validation::{normalize_email, validate_new_password};
use crate::api::AppError;
use crate::server::actor::Actor;
use crate::server::config::Config;
use crate::server::crypto::sha256_hex;
use crate::server::db::begin_write;
use crate::server::entities::{password_resets, users};
use crate::server::time::now;

/// How long a reset link works.
const TOKEN_LIFETIME_MINUTES: i64 = 30;

/// Requests allowed per address and per client, per hour.
#[derive(Clone, Copy, Debug)]
pub struct ResetLimits {
    pub per_email: Limit,
    pub per_ip: Limit,
}

impl ResetLimits {
    pub fn from_config(config: &Config) -> ResetLimits {
        let hour = Duration::hours(1);
        ResetLimits {
            per_email: Limit {
                limit: config.reset_max_per_email,
                window: hour,
            },
            per_ip: Limit {
                limit: config.reset_max_per_ip,
                window: hour,
            },
        }
    }
}

/// Asks for a reset link for `email`. `Ok` means "if there is such an account, a link is on
/// its way", and nothing more.
pub async fn request(
    db: &DatabaseConnection,
    mailer: &Mailer,
    limits: ResetLimits,
    email: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    mailer.require()?;
    let email = normalize_email(email).map_err(AppError::bad_request)?;
    let by_client = format!("reset-ip:{}", actor.throttle_bucket());
    reserve(db, &by_client, limits.per_ip).await?;
    reserve(db, &format!("reset-email:{email}"), limits.per_email).await?;
    let (db, mailer, actor) = (db.clone(), mailer.clone(), actor.clone());
    tokio::spawn(async move {
        // The answer has gone: a database that fails now (an outage, SQLite busy) is tried
        // again a few times rather than losing the request.
        for wait_secs in [1, 2, 4, 0] {
            match send_link(&db, &mailer, &email, &actor).await {
                Ok(()) => return,
                Err(err) if wait_secs == 0 => {
                    tracing::error!(error = %err, "could not queue a password reset mail; the request is lost");
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not queue a password reset mail; will retry");
                    tokio::time::sleep(std::time::Duration::from_secs(wait_secs)).await;
                }
            }
        }
    });
    Ok(())
}

async fn reserve(db: &DatabaseConnection, bucket: &str, limit: Limit) -> Result<(), AppError> {
    match throttle::reserve(db, bucket, limit).await? {
        // The granted event stays: it is what counts toward the limit.
        Reservation::Granted(_) => Ok(()),
        Reservation::Refused { retry_after_secs } => {
            Err(AppError::TooManyResetRequests { retry_after_secs })
        }
    }
}

/// The part that depends on the account: after the response.
async fn send_link(
    db: &DatabaseConnection,
    mailer: &Mailer,
    email: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let Some(user) = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let at = now();
    let reset_id = Uuid::now_v7();
    let txn = begin_write(db).await?;
    password_resets::ActiveModel {
        id: Set(reset_id),
        user_id: Set(user.id),
        token_hash: Set(reset_tokens::unusable_hash()?),
        created_at: Set(at),
        expires_at: Set(at + Duration::minutes(TOKEN_LIFETIME_MINUTES)),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let message = messages::password_reset(&mailer.public_url, reset_tokens::SLOT);
    mail::queue(&txn, Some(user.id), &user.email, message, Some(reset_id)).await?;
    security_log::record(&txn, user.id, EventKind::ResetRequested, actor, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password with the token from a reset link, and ends every session of the
/// account. An unknown, used or expired token gets one and the same answer.
pub async fn confirm(
    db: &DatabaseConnection,
    hashing: &Hashing,
    token: &str,
    new_password: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let token_hash = sha256_hex(token.trim());
    let usable = || {
        password_resets::Entity::find()
            .filter(password_resets::Column::TokenHash.eq(token_hash.clone()))
            .filter(password_resets::Column::UsedAt.is_null())
            .filter(password_resets::Column::ExpiresAt.gt(now()))
    };
    // Checked before argon2 runs, so a guessed token costs no hashing.
    let reset = usable().one(db).await?.ok_or(AppError::InvalidResetToken)?;
    validate_new_password(new_password).map_err(AppError::bad_request)?;
    let password_hash = hash_password(hashing, new_password.to_owned()).await?;
    let txn = begin_write(db).await?;
    // Taken by one conditional update, so two tabs submitting the same link cannot both win.
    let taken = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now()))
        .filter(password_resets::Column::Id.eq(reset.id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(AppError::InvalidResetToken);
    }
    let user = users::Entity::find_by_id(reset.user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::InvalidResetToken)?;
    let email = user.email.clone();
    let mut active = user.into_active_model();
    active.password_hash = Set(password_hash);
    active.update(&txn).await?;
    // Every other link of the account dies with this one.
    password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now()))
        .filter(password_resets::Column::UserId.eq(reset.user_id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    sessions::end_all_but(&txn, reset.user_id, None).await?;
    security_log::record(&txn, reset.user_id, EventKind::ResetCompleted, actor, None).await?;
    txn.commit().await?;
    // Whoever was locked out by failed sign-ins may sign in with the new password at once.
    // The password has changed whatever happens here: a failure is not the request's.
    if let Err(err) = login_throttle::reset_email(db, &email).await {
        tracing::warn!(error = %err, "could not clear the sign-in failures after a reset");
    }
    Ok(())
}
