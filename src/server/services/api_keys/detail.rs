//! One key's record: its versions, its use per day, its recent clients.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use uuid::Uuid;

use super::summary;
use super::update::from_json;
use crate::api::{
    ApiKeyDetail, ApiKeySummary, AppError, DailyUsage, KeyVersion, RecentClient, RestrictionChange,
};
use crate::server::entities::{api_key_clients, api_key_usage, api_keys, restriction_changes};
use crate::server::keys;
use crate::server::services::security_log;
use crate::server::time::{now, rfc3339};

/// Days of usage on the detail page, ending today (UTC).
pub const USAGE_DAYS: i64 = 30;
/// Distinct recent clients on the detail page.
pub const RECENT_CLIENTS: u64 = 5;
/// Security-log entries on the detail page.
pub const KEY_EVENTS: u64 = 20;

/// One live key of `owner` with its record, in a fixed number of queries whatever its
/// history's length: every version of it (the key itself is the live one among them), uses
/// per day summed over all versions, its most recent distinct clients, the changes of its
/// restrictions, and its security-log entries. A replaced, foreign or unknown id is
/// `KeyNotFound`.
pub async fn detail(
    db: &DatabaseConnection,
    owner: Uuid,
    key_id: Uuid,
) -> Result<ApiKeyDetail, AppError> {
    let versions = versions_of(owner, key_id).all(db).await?;
    let live = versions
        .iter()
        .find(|v| v.id == key_id && v.deleted_at.is_none())
        .cloned()
        .ok_or(AppError::KeyNotFound)?;
    let lineage = live.lineage_id.unwrap_or(live.id);
    // Last used with any version, as the usage below counts every version.
    let last_used = versions.iter().filter_map(|v| v.last_used_at).max();

    let today = now().date_naive();
    let first_day = today - Duration::days(USAGE_DAYS - 1);
    // SUM of bigint is numeric in PostgreSQL; bring it back to bigint.
    let sum = |column: api_key_usage::Column| {
        Expr::from(Func::cast_as(
            Func::sum(Expr::col((api_key_usage::Entity, column))),
            Alias::new("BIGINT"),
        ))
    };
    let counted: Vec<(NaiveDate, i64, i64)> = api_key_usage::Entity::find()
        .select_only()
        .column(api_key_usage::Column::Day)
        .column_as(sum(api_key_usage::Column::Count), "total")
        .column_as(sum(api_key_usage::Column::RateLimited), "limited")
        .join(JoinType::InnerJoin, api_key_usage::Relation::ApiKey.def())
        .filter(api_keys::Column::LineageId.eq(lineage))
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_key_usage::Column::Day.gte(first_day))
        .group_by(api_key_usage::Column::Day)
        .into_tuple()
        .all(db)
        .await?;
    let usage = (0..USAGE_DAYS)
        .map(|offset| {
            let date = first_day + Duration::days(offset);
            let (count, rate_limited) = counted
                .iter()
                .filter(|(day, _, _)| *day == date)
                .fold((0, 0), |(c, l), (_, n, m)| (c + n, l + m));
            DailyUsage {
                date: date.format("%Y-%m-%d").to_string(),
                count,
                rate_limited,
            }
        })
        .collect();

    let clients: Vec<(String, String, DateTime<Utc>)> = api_key_clients::Entity::find()
        .select_only()
        .column(api_key_clients::Column::Ip)
        .column(api_key_clients::Column::UserAgent)
        .column_as(
            Expr::from(Func::max(Expr::col((
                api_key_clients::Entity,
                api_key_clients::Column::LastSeenAt,
            )))),
            "last_seen",
        )
        .join(JoinType::InnerJoin, api_key_clients::Relation::ApiKey.def())
        .filter(api_keys::Column::LineageId.eq(lineage))
        .filter(api_keys::Column::UserId.eq(owner))
        .group_by(api_key_clients::Column::Ip)
        .group_by(api_key_clients::Column::UserAgent)
        .order_by_desc(Expr::col(Alias::new("last_seen")))
        .limit(RECENT_CLIENTS)
        .into_tuple()
        .all(db)
        .await?;

    let changes = restriction_changes::Entity::find()
        .filter(restriction_changes::Column::LineageId.eq(lineage))
        .filter(restriction_changes::Column::UserId.eq(owner))
        .order_by_desc(restriction_changes::Column::ChangedAt)
        .order_by_desc(restriction_changes::Column::Id)
        .all(db)
        .await?;

    let events = security_log::for_key(db, owner, lineage, KEY_EVENTS).await?;

    Ok(ApiKeyDetail {
        events,
        week_reminder_sent_at: live.week_reminder_at.map(rfc3339),
        day_reminder_sent_at: live.day_reminder_at.map(rfc3339),
        restriction_changes: changes
            .into_iter()
            .map(|change| RestrictionChange {
                changed_at: rfc3339(change.changed_at),
                before: from_json(&change.before),
                after: from_json(&change.after),
            })
            .collect(),
        versions: versions
            .into_iter()
            .map(|v| KeyVersion {
                id: v.id.to_string(),
                masked_key: keys::mask(&v.key_prefix),
                key_prefix: v.key_prefix,
                created_at: rfc3339(v.created_at),
                replaced_at: v.deleted_at.map(rfc3339),
            })
            .collect(),
        key: ApiKeySummary {
            last_used_at: last_used.map(rfc3339),
            ..summary(live)
        },
        usage,
        recent_clients: clients
            .into_iter()
            .map(|(ip, user_agent, last_seen)| RecentClient {
                ip,
                user_agent,
                last_seen_at: rfc3339(last_seen),
            })
            .collect(),
    })
}

/// Every version of `owner`'s key `key_id` (its whole lineage), newest first, whether or not
/// `key_id` is live: callers check that in code. A `deleted_at IS NULL` in the subquery would
/// let the planner pick the partial (user_id, created_at) index over the primary key, as it
/// did for `retire_key`.
pub fn versions_of(owner: Uuid, key_id: Uuid) -> sea_orm::Select<api_keys::Entity> {
    let lineage_of_key = Query::select()
        .column(api_keys::Column::LineageId)
        .from(api_keys::Entity)
        .and_where(api_keys::Column::Id.eq(key_id))
        .and_where(api_keys::Column::UserId.eq(owner))
        .to_owned();
    api_keys::Entity::find()
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_keys::Column::LineageId.in_subquery(lineage_of_key))
        .order_by_desc(api_keys::Column::CreatedAt)
        .order_by_desc(api_keys::Column::Id)
}
