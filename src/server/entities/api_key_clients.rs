//! Entity for `api_key_clients`: one row per key version, IP and user agent that authenticated,
//! with only when it was last seen; the key's page lists its most recent clients from here.
use sea_orm::entity::prelude::*;

/// A client (IP address, user agent) that used one key version, and when it was last seen.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ip: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_agent: String,
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::api_keys::Entity",
        from = "Column::KeyId",
        to = "super::api_keys::Column::Id"
    )]
    ApiKey,
}

impl Related<super::api_keys::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiKey.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
