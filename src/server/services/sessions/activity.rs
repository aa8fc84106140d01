//! When each session was last used, written in batches: a request only notes its session in
//! memory when the stored time is over a minute old, and the maintenance task writes the
//! noted sessions in one statement every few seconds. A busy session costs one write a
//! minute, not one per request.
use std::collections::HashSet;
use std::sync::Mutex;

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::api::AppError;
use crate::server::entities::sessions;
use crate::server::time::now;

/// How stale a stored "last seen" may get before a request refreshes it.
pub const RESOLUTION_SECS: i64 = 60;

#[derive(Default)]
pub struct SessionActivity {
    /// Token hashes seen since the last flush.
    seen: Mutex<HashSet<String>>,
}

impl SessionActivity {
    /// Notes a request made with `session`, if its stored time needs refreshing.
    pub fn saw(&self, session: &sessions::Model) {
        let stale = session
            .last_seen_at
            .is_none_or(|at| now() - at >= Duration::seconds(RESOLUTION_SECS));
        if stale {
            if let Ok(mut seen) = self.seen.lock() {
                seen.insert(session.token_hash.clone());
            }
        }
    }

    /// Writes the noted sessions' time as now; returns how many rows it touched. What could
    /// not be written is noted again for the next flush.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<u64, AppError> {
        let batch: Vec<String> = match self.seen.lock() {
            Ok(mut seen) => seen.drain().collect(),
            Err(_) => return Ok(0),
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let mut written = 0;
        // Bounded statements: a bind list of thousands is slow on SQLite and PostgreSQL alike.
        for chunk in batch.chunks(500) {
            let result = sessions::Entity::update_many()
                .col_expr(sessions::Column::LastSeenAt, Expr::value(now()))
                .filter(sessions::Column::TokenHash.is_in(chunk.iter().cloned()))
                .exec(db)
                .await;
            match result {
                Ok(result) => written += result.rows_affected,
                Err(err) => {
                    if let Ok(mut seen) = self.seen.lock() {
                        seen.extend(chunk.iter().cloned());
                    }
                    return Err(err.into());
                }
            }
        }
        Ok(written)
    }
}
