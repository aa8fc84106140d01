//! The signed-in account looking after itself: ending its own sessions, each end written to
//! its security log in the same transaction. (Changing the password is `accounts`', beside
//! sign-in, whose throttle it shares.)
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::{security_log, sessions};
use crate::api::account::EventKind;
use crate::api::AppError;
use crate::server::actor::Actor;

/// Ends `user_id`'s session named `id` (`sessions::public_id`). Its cookie stops working on
/// every instance as this returns: sessions are read from the database on every request.
pub async fn end_session(
    db: &DatabaseConnection,
    user_id: Uuid,
    id: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    sessions::end(&txn, user_id, id).await?;
    security_log::record(&txn, user_id, EventKind::SessionEnded, actor, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every session of `user_id` but `keep` (the asking one's token hash); returns how
/// many ended. Logs one entry per session ended.
pub async fn end_other_sessions(
    db: &DatabaseConnection,
    user_id: Uuid,
    keep: &str,
    actor: &Actor,
) -> Result<u64, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let ended = sessions::end_all_but(&txn, user_id, Some(keep)).await?;
    for _ in 0..ended {
        security_log::record(&txn, user_id, EventKind::SessionEnded, actor, None).await?;
    }
    txn.commit().await?;
    Ok(ended)
}
