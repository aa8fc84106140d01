//! The account's security log: what happened to the account and its keys, when, and from
//! where. Append-only: this module inserts and reads, and nothing anywhere updates or deletes
//! an entry (they go only with the account).
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::api::account::{EventKind, SecurityEventDto, SecurityEventPage};
use crate::api::AppError;
use crate::server::actor::Actor;
use crate::server::entities::{api_keys, security_events};
use crate::server::time::{now, rfc3339};

/// Entries per page of `GET /api/account/events`.
pub const PAGE_SIZE: u64 = 50;

/// The key an event is about: its lineage (shared by every version) and its name then.
#[derive(Clone, Debug)]
pub struct KeyRef {
    pub lineage_id: Uuid,
    pub name: String,
}

impl KeyRef {
    pub fn of(row: &api_keys::Model) -> KeyRef {
        KeyRef {
            lineage_id: row.lineage_id.unwrap_or(row.id),
            name: row.name.clone(),
        }
    }
}

/// Appends an entry. Takes any connection, so an entry can commit in the transaction of the
/// change it records (a change is never without its entry, nor an entry without its change).
pub async fn record(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    kind: EventKind,
    actor: &Actor,
    key: Option<&KeyRef>,
) -> Result<(), AppError> {
    security_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        kind: Set(kind.as_str().to_owned()),
        occurred_at: Set(now()),
        ip: Set(actor.ip()),
        user_agent: Set(actor.user_agent.clone()),
        lineage_id: Set(key.map(|key| key.lineage_id)),
        detail: Set(key.map(|key| key.name.clone())),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A page of `user_id`'s log, newest first, starting after the entry `before` (a cursor from
/// the previous page). The cursor is an entry id, compared within the user's own entries only.
pub async fn page(
    db: &DatabaseConnection,
    user_id: Uuid,
    before: Option<&str>,
) -> Result<SecurityEventPage, AppError> {
    let mut query = security_events::Entity::find()
        .filter(security_events::Column::UserId.eq(user_id))
        .order_by_desc(security_events::Column::Id)
        .limit(PAGE_SIZE + 1);
    if let Some(before) = before {
        let cursor = Uuid::parse_str(before).map_err(|_| {
            AppError::bad_request("Invalid cursor: pass the nextBefore value of the previous page")
        })?;
        query = query.filter(security_events::Column::Id.lt(cursor));
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next_before = more
        .then(|| rows.last().map(|row| row.id.to_string()))
        .flatten();
    Ok(SecurityEventPage {
        events: to_dtos(db, user_id, rows).await?,
        next_before,
    })
}

/// The latest `limit` entries about one key (every version of it), newest first.
pub async fn for_key(
    db: &DatabaseConnection,
    user_id: Uuid,
    lineage_id: Uuid,
    limit: u64,
) -> Result<Vec<SecurityEventDto>, AppError> {
    let rows = security_events::Entity::find()
        .filter(security_events::Column::UserId.eq(user_id))
        .filter(security_events::Column::LineageId.eq(lineage_id))
        .order_by_desc(security_events::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    to_dtos(db, user_id, rows).await
}

/// Key events link to the key's live version, found by lineage among the owner's keys.
async fn to_dtos(
    db: &DatabaseConnection,
    user_id: Uuid,
    rows: Vec<security_events::Model>,
) -> Result<Vec<SecurityEventDto>, AppError> {
    let mut lineages: Vec<Uuid> = rows.iter().filter_map(|row| row.lineage_id).collect();
    lineages.sort_unstable();
    lineages.dedup();
    let live: HashMap<Uuid, Uuid> = if lineages.is_empty() {
        HashMap::new()
    } else {
        api_keys::Entity::find()
            .filter(api_keys::Column::UserId.eq(user_id))
            .filter(api_keys::Column::DeletedAt.is_null())
            .filter(api_keys::Column::LineageId.is_in(lineages))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|key| key.lineage_id.map(|lineage| (lineage, key.id)))
            .collect()
    };
    Ok(rows
        .into_iter()
        // An entry of a kind this release does not know (written by a newer one) is skipped
        // rather than shown wrong.
        .filter_map(|row| {
            let kind = EventKind::parse(&row.kind)?;
            Some(SecurityEventDto {
                id: row.id.to_string(),
                kind,
                occurred_at: rfc3339(row.occurred_at),
                ip: row.ip,
                user_agent: row.user_agent,
                key_id: row
                    .lineage_id
                    .and_then(|lineage| live.get(&lineage))
                    .map(Uuid::to_string),
                key_name: row.detail,
            })
        })
        .collect())
}
