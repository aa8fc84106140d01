//! Listing an owner's live keys: newest first, at most `LIST_LIMIT` at a time, optionally
//! only those whose name contains a search text.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::summary;
use crate::api::{AppError, KeyList};
use crate::server::entities::api_keys;

/// Keys per answer, and the default: a list of up to this many keys comes whole.
pub const LIST_LIMIT: u64 = 100;
const SEARCH_MAX_CHARS: usize = 100;

/// Which part of the list to answer.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// 1 to `LIST_LIMIT`; the default is `LIST_LIMIT`.
    pub limit: Option<u64>,
    /// Where the previous answer stopped (its `nextCursor`).
    pub cursor: Option<String>,
    /// Only keys whose name contains this, ignoring case.
    pub search: Option<String>,
}

/// A page of `owner`'s live keys and, when more follow, the cursor for the next page.
pub async fn list(
    db: &DatabaseConnection,
    owner: Uuid,
    query: &ListQuery,
) -> Result<KeyList, AppError> {
    let limit = query.limit.unwrap_or(LIST_LIMIT);
    if !(1..=LIST_LIMIT).contains(&limit) {
        return Err(AppError::bad_request(format!(
            "limit must be a whole number from 1 to {LIST_LIMIT}"
        )));
    }
    let mut select = api_keys::Entity::find()
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_keys::Column::DeletedAt.is_null());
    if let Some(cursor) = query.cursor.as_deref().filter(|c| !c.is_empty()) {
        let (at, id) = parse_cursor(cursor)?;
        select = select.filter(
            Condition::any()
                .add(api_keys::Column::CreatedAt.lt(at))
                .add(
                    Condition::all()
                        .add(api_keys::Column::CreatedAt.eq(at))
                        .add(api_keys::Column::Id.lt(id)),
                ),
        );
    }
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if search.chars().count() > SEARCH_MAX_CHARS {
            return Err(AppError::bad_request(
                "The search text can be at most 100 characters",
            ));
        }
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(api_keys::Column::Name)))
                .like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let mut rows = select
        .order_by_desc(api_keys::Column::CreatedAt)
        .order_by_desc(api_keys::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|last| cursor_of(last.created_at, last.id)))
        .flatten();
    let last_used = lineage_last_used(db, owner, &rows).await?;
    let keys = rows
        .into_iter()
        .map(|row| {
            let lineage = row.lineage_id.unwrap_or(row.id);
            let mut key = summary(row);
            key.last_used_at = last_used
                .iter()
                .find(|(id, _)| *id == lineage)
                .and_then(|(_, at)| *at)
                .map(crate::server::time::rfc3339);
            key
        })
        .collect();
    Ok(KeyList { keys, next_cursor })
}

/// When each listed key was last used with any of its versions: a regenerated key keeps its
/// history, as its page's usage does.
async fn lineage_last_used(
    db: &DatabaseConnection,
    owner: Uuid,
    rows: &[api_keys::Model],
) -> Result<Vec<(Uuid, Option<DateTime<Utc>>)>, AppError> {
    let lineages: Vec<Uuid> = rows.iter().map(|r| r.lineage_id.unwrap_or(r.id)).collect();
    if lineages.is_empty() {
        return Ok(Vec::new());
    }
    Ok(api_keys::Entity::find()
        .select_only()
        .column(api_keys::Column::LineageId)
        .column_as(api_keys::Column::LastUsedAt.max(), "last_used")
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_keys::Column::LineageId.is_in(lineages))
        .group_by(api_keys::Column::LineageId)
        .into_tuple::<(Option<Uuid>, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(lineage, at)| Some((lineage?, at)))
        .collect())
}

/// `%`, `_` and the escape character itself match literally in a search.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Opaque to clients: the last listed key's creation time (µs) and id.
fn cursor_of(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}-{}", at.timestamp_micros(), id.simple())
}

fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, Uuid), AppError> {
    let invalid =
        || AppError::bad_request("cursor is not one this server gave out; start again without it");
    let (micros, id) = cursor.split_once('-').ok_or_else(invalid)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(invalid)?;
    let id = Uuid::try_parse(id).map_err(|_| invalid())?;
    Ok((at, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        let at = DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap();
        let id = Uuid::now_v7();
        assert_eq!(parse_cursor(&cursor_of(at, id)).unwrap(), (at, id));
        for junk in [
            "",
            "x",
            "1-2",
            "abc-0196e0f31b2c7a4d8e5f6a7b8c9d0e1f",
            "1764000000123456",
        ] {
            assert!(parse_cursor(junk).is_err(), "{junk:?}");
        }
    }

    #[test]
    fn search_wildcards_match_literally() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
    }
}
