//! API key rules: creation, listing, the detail record, regeneration and verification. Every
//! function that touches a key takes the owner's id and scopes its query by it; another
//! user's key is indistinguishable from a missing one.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::api::validation::validate_key_name;
use crate::api::{
    ApiKeyDetail, ApiKeySummary, AppError, CreatedApiKey, DailyUsage, KeyVersion, RecentClient,
};
use crate::server::entities::{api_key_clients, api_key_usage, api_keys};
use crate::server::error::is_unique_violation;
use crate::server::keys::{self, GeneratedKey};
use crate::server::services::key_lookup::KeyLookup;
use crate::server::time::{now, rfc3339};

/// The owner's live keys, newest first.
pub async fn list(db: &DatabaseConnection, owner: Uuid) -> Result<Vec<ApiKeySummary>, AppError> {
    let rows = api_keys::Entity::find()
        .filter(api_keys::Column::UserId.eq(owner))
        .filter(api_keys::Column::DeletedAt.is_null())
        .order_by_desc(api_keys::Column::CreatedAt)
        .order_by_desc(api_keys::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// How far ahead a key may be set to expire.
pub const MAX_EXPIRY_DAYS: i64 = 366;
pub const EXPIRY_FORMAT: &str =
    "expiresAt must be an RFC 3339 timestamp such as \"2027-01-31T00:00:00Z\", or null for a key that never expires";

/// Reads a requested expiry: `None` means the key never expires; otherwise an RFC 3339 time
/// that is in the future and at most 366 days ahead.
pub fn parse_expiry(
    raw: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| AppError::bad_request(EXPIRY_FORMAT))?
        .with_timezone(&Utc);
    if at <= now {
        return Err(AppError::bad_request(
            "expiresAt must be in the future; leave it out for a key that never expires",
        ));
    }
    if at > now + Duration::days(MAX_EXPIRY_DAYS) {
        return Err(AppError::bad_request(format!(
            "expiresAt can be at most {MAX_EXPIRY_DAYS} days from now"
        )));
    }
    // Stored as the database keeps it, so what create returns equals what a read returns.
    Ok(Some(crate::server::time::truncate(at)))
}

/// Creates a key named `raw_name` for `owner`, expiring at `expires_at` (see `parse_expiry`),
/// and returns it with its secret, once.
pub async fn create(
    db: &DatabaseConnection,
    owner: Uuid,
    raw_name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<CreatedApiKey, AppError> {
    let name = validate_key_name(raw_name).map_err(AppError::bad_request)?;
    let key = new_key()?;
    let row = new_row(owner, name, &key, None, expires_at);
    // The partial unique index decides races: of N concurrent creates with one name,
    // exactly one insert succeeds.
    match row.insert(db).await {
        Ok(row) => Ok(created(row, key)),
        Err(err) if is_unique_violation(&err) => Err(AppError::DuplicateKeyName),
        Err(err) => Err(err.into()),
    }
}

/// Days of usage on the detail page, ending today (UTC).
pub const USAGE_DAYS: i64 = 30;
/// Distinct recent clients on the detail page.
pub const RECENT_CLIENTS: u64 = 5;

/// One live key of `owner` with its record, in three queries whatever its history's length:
/// every version of it (the key itself is the live one among them), uses per day summed over
/// all versions, and its most recent distinct clients. A replaced, foreign or unknown id is
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

    let today = now().date_naive();
    let first_day = today - Duration::days(USAGE_DAYS - 1);
    let counted: Vec<(NaiveDate, i64)> = api_key_usage::Entity::find()
        .select_only()
        .column(api_key_usage::Column::Day)
        // SUM of bigint is numeric in PostgreSQL; bring it back to bigint.
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col((
                    api_key_usage::Entity,
                    api_key_usage::Column::Count,
                ))),
                Alias::new("BIGINT"),
            )),
            "total",
        )
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
            let count = counted
                .iter()
                .filter(|(day, _)| *day == date)
                .map(|(_, n)| n)
                .sum();
            DailyUsage {
                date: date.format("%Y-%m-%d").to_string(),
                count,
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

    Ok(ApiKeyDetail {
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
        key: summary(live),
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

/// Replaces key `key_id` with a new secret under the same name. The old row is soft-deleted
/// in the same transaction, so the old secret stops working the moment this commits, and
/// of two concurrent regenerates only one stamps the row (the other, after waiting for its
/// lock, reads back the first one's timestamp and answers 404).
pub async fn regenerate(
    db: &DatabaseConnection,
    owner: Uuid,
    key_id: Uuid,
) -> Result<CreatedApiKey, AppError> {
    let key = new_key()?;
    let txn = db.begin().await?;
    let replaced_at = now();
    // Write first (rather than read, then write): the row lock makes a concurrent regenerate
    // of the same key wait, and then read the `deleted_at` this one set.
    let updated = retire_key(owner, key_id, replaced_at).exec(&txn).await?;
    if updated.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::KeyNotFound);
    }
    let old = api_keys::Entity::find_by_id(key_id)
        .one(&txn)
        .await?
        .ok_or(AppError::KeyNotFound)?;
    if old.deleted_at != Some(replaced_at) {
        // Replaced before this request: a replaced key cannot be regenerated.
        txn.rollback().await?;
        return Err(AppError::KeyNotFound);
    }
    // The new secret lives as long as the old one was meant to: a 90-day key is replaced by
    // one that expires 90 days from now, and a key that never expired still does not.
    let expires_at = old
        .expires_at
        .map(|expiry| replaced_at + (expiry - old.created_at));
    let row = match new_row(owner, old.name.clone(), &key, Some(&old), expires_at)
        .insert(&txn)
        .await
    {
        Ok(row) => row,
        // Another regenerate of this key, stamped in the same microsecond, got there first:
        // its replacement already holds the name among the live keys.
        Err(err) if is_unique_violation(&err) => {
            txn.rollback().await?;
            return Err(AppError::KeyNotFound);
        }
        Err(err) => return Err(err.into()),
    };
    // On PostgreSQL the commit also moves the old key's verification epoch (a trigger; see
    // key_epochs), so no instance answers the old key from memory once this returns.
    txn.commit().await?;
    Ok(created(row, key))
}

/// Marks `owner`'s key `key_id` replaced at `at` unless it already was (then `deleted_at`
/// keeps its value), and holds the row lock to the end of the transaction. Affects no row when
/// the key is someone else's or unknown.
///
/// No `deleted_at IS NULL` filter: with one, PostgreSQL planned this through the partial
/// `(user_id, created_at) WHERE deleted_at IS NULL` index on a table it had never analysed,
/// scanning every live key of the user (18–26 ms per regenerate). By `id` and `user_id` alone
/// only the primary key fits, whatever the statistics; whether the key was live is read back
/// under the lock.
pub fn retire_key(
    owner: Uuid,
    key_id: Uuid,
    at: DateTime<Utc>,
) -> sea_orm::UpdateMany<api_keys::Entity> {
    let deleted_at = Expr::col(api_keys::Column::DeletedAt);
    api_keys::Entity::update_many()
        .col_expr(
            api_keys::Column::DeletedAt,
            Func::coalesce([deleted_at, Expr::value(at)]).into(),
        )
        .filter(api_keys::Column::Id.eq(key_id))
        .filter(api_keys::Column::UserId.eq(owner))
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

/// A key that may be used right now, and its owner: what an API call learns from it.
#[derive(Clone, Debug)]
pub struct VerifiedKey {
    pub key_id: Uuid,
    pub key_name: String,
    pub user_id: Uuid,
    pub user_email: String,
    /// As stored: lets the usage tracker skip writes inside its quiet period.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Looks up a presented key and decides whether it may be used at `at`. Malformed keys and
/// bad checksums are rejected before any query; `on_lookup` is called only for a key that
/// gets that far (the database, or on PostgreSQL its epochs, is asked). A replaced key is
/// unknown (`Invalid API key`); an expired one says so, since its holder has the secret and
/// needs to know to rotate it.
pub async fn verify(
    lookup: &KeyLookup,
    db: &DatabaseConnection,
    presented: &str,
    at: DateTime<Utc>,
    on_lookup: impl FnOnce(),
) -> Result<VerifiedKey, AppError> {
    if !keys::is_well_formed(presented) {
        return Err(AppError::InvalidApiKey);
    }
    let hash = keys::hash_key(presented);
    on_lookup();
    // The database compared hashes through its index; no secret is compared here.
    let found = lookup
        .find(db, &hash)
        .await?
        .filter(|key| key.deleted_at.is_none())
        .ok_or(AppError::InvalidApiKey)?;
    if found.expires_at.is_some_and(|expiry| expiry <= at) {
        return Err(AppError::ApiKeyExpired);
    }
    Ok(VerifiedKey {
        key_id: found.key_id,
        key_name: found.key_name,
        user_id: found.user_id,
        user_email: found.user_email,
        last_used_at: found.last_used_at,
    })
}

fn new_key() -> Result<GeneratedKey, AppError> {
    keys::generate().map_err(|err| {
        tracing::error!(error = %err, "cannot generate an API key");
        AppError::Internal
    })
}

fn new_row(
    owner: Uuid,
    name: String,
    key: &GeneratedKey,
    previous: Option<&api_keys::Model>,
    expires_at: Option<DateTime<Utc>>,
) -> api_keys::ActiveModel {
    let id = Uuid::now_v7();
    let lineage = previous.map_or(id, |p| p.lineage_id.unwrap_or(p.id));
    api_keys::ActiveModel {
        id: Set(id),
        user_id: Set(owner),
        name: Set(name),
        key_hash: Set(key.hash.clone()),
        key_prefix: Set(key.prefix.clone()),
        created_at: Set(now()),
        last_used_at: Set(None),
        deleted_at: Set(None),
        replaces_id: Set(previous.map(|p| p.id)),
        expires_at: Set(expires_at),
        lineage_id: Set(Some(lineage)),
    }
}

fn summary(row: api_keys::Model) -> ApiKeySummary {
    ApiKeySummary {
        id: row.id.to_string(),
        masked_key: keys::mask(&row.key_prefix),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(rfc3339),
        expires_at: row.expires_at.map(rfc3339),
    }
}

fn created(row: api_keys::Model, key: GeneratedKey) -> CreatedApiKey {
    CreatedApiKey {
        id: row.id.to_string(),
        masked_key: keys::mask(&row.key_prefix),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: rfc3339(row.created_at),
        expires_at: row.expires_at.map(rfc3339),
        full_key: key.into_full_key(),
    }
}
