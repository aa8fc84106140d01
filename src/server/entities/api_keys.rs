//! Entity for `api_keys`: one row per key version. Rows are never deleted: a regenerate marks the
//! old version `deleted_at` and inserts a new one that shares its `lineage_id`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// SHA-256 (hex) of the full key; the key itself is never stored.
    #[sea_orm(unique)]
    pub key_hash: String,
    pub key_prefix: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    /// Set when the key is replaced; such rows are kept forever and never listed.
    pub deleted_at: Option<DateTimeUtc>,
    /// The row this key replaced, when it came from a regenerate.
    pub replaces_id: Option<Uuid>,
    /// When the key stops working; `None` means never.
    pub expires_at: Option<DateTimeUtc>,
    /// The id of the first version of this key, shared by every regenerated successor.
    /// Always set (the column is nullable only for SQLite's ALTER TABLE).
    pub lineage_id: Option<Uuid>,
    /// JSON array of scope names; `None`: full access.
    pub scopes: Option<String>,
    /// Both or neither: at most this many uses per this many seconds.
    pub rate_limit_requests: Option<i32>,
    pub rate_limit_seconds: Option<i32>,
    /// JSON array of networks (`203.0.113.0/24`); `None`: any address.
    pub allowed_ips: Option<String>,
    /// When this version's "expires in 7 days" and "expires today" mails were queued.
    pub week_reminder_at: Option<DateTimeUtc>,
    pub day_reminder_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
