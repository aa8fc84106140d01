//! How a batch of key usage reaches the database: one transaction, counts added to the
//! stored ones, last-used times moved only forward.
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};

use super::usage_batch::Pending;
use crate::server::entities::{api_key_clients, api_key_usage, api_keys};

/// Rows per INSERT in a flush, well under every backend's bind-parameter limit.
const BATCH_ROWS: usize = 500;

/// Writes one batch in a single transaction, so it lands whole or not at all.
pub(super) async fn write(db: &DatabaseConnection, batch: &Pending) -> Result<(), DbErr> {
    let txn = crate::server::db::begin_write(db).await?;
    for (key_id, at) in &batch.last_used {
        // Forward only, so an old flush never overwrites a newer use from another instance.
        api_keys::Entity::update_many()
            .col_expr(api_keys::Column::LastUsedAt, Expr::value(*at))
            .filter(api_keys::Column::Id.eq(*key_id))
            .filter(
                Condition::any()
                    .add(api_keys::Column::LastUsedAt.is_null())
                    .add(api_keys::Column::LastUsedAt.lt(*at)),
            )
            .exec(&txn)
            .await?;
    }
    let mut days: Vec<_> = batch
        .counts
        .keys()
        .chain(batch.refused.keys())
        .copied()
        .collect();
    days.sort_unstable();
    days.dedup();
    for chunk in days.chunks(BATCH_ROWS) {
        let rows = chunk.iter().map(|key_day| api_key_usage::ActiveModel {
            key_id: Set(key_day.0),
            day: Set(key_day.1),
            count: Set(batch.counts.get(key_day).copied().unwrap_or(0)),
            rate_limited: Set(batch.refused.get(key_day).copied().unwrap_or(0)),
        });
        api_key_usage::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([api_key_usage::Column::KeyId, api_key_usage::Column::Day])
                    .value(
                        api_key_usage::Column::Count,
                        Expr::cust("api_key_usage.count + excluded.count"),
                    )
                    .value(
                        api_key_usage::Column::RateLimited,
                        Expr::cust("api_key_usage.rate_limited + excluded.rate_limited"),
                    )
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    let clients: Vec<_> = batch
        .clients
        .iter()
        .flat_map(|(key_id, seen)| seen.iter().map(move |(client, at)| (*key_id, client, *at)))
        .collect();
    for chunk in clients.chunks(BATCH_ROWS) {
        let rows = chunk
            .iter()
            .map(|(key_id, client, at)| api_key_clients::ActiveModel {
                key_id: Set(*key_id),
                ip: Set(client.ip.clone()),
                user_agent: Set(client.user_agent.clone()),
                last_seen_at: Set(*at),
            });
        api_key_clients::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    api_key_clients::Column::KeyId,
                    api_key_clients::Column::Ip,
                    api_key_clients::Column::UserAgent,
                ])
                .value(
                    api_key_clients::Column::LastSeenAt,
                    // GREATEST on PostgreSQL is MAX on SQLite; CASE is both.
                    Expr::cust(
                        "CASE WHEN excluded.last_seen_at > api_key_clients.last_seen_at \
                         THEN excluded.last_seen_at ELSE api_key_clients.last_seen_at END",
                    ),
                )
                .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}
