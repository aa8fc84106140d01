//! Entity for `security_events`, the account's security log: what happened, when and from where.
//! Append-only; entries go only when the account does.
use sea_orm::entity::prelude::*;

/// One entry of an account's security log. Rows are only ever inserted (and go with the
/// account): no endpoint changes or deletes one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    /// UUIDv7, so ordering by id is ordering by time (the paging cursor).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// `api::account::EventKind`'s wire name.
    pub kind: String,
    pub occurred_at: DateTimeUtc,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The key's lineage, for key events.
    pub lineage_id: Option<Uuid>,
    /// The key's name at the time, for key events.
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
