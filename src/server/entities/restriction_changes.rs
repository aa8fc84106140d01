//! Entity for `api_key_restriction_changes`: a key's scopes, rate limit and allowlist before and
//! after each change, kept by lineage so the history survives regenerates.
use sea_orm::entity::prelude::*;

/// One change of a key's restrictions (every version of the key shares its lineage).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key_restriction_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lineage_id: Uuid,
    pub user_id: Uuid,
    pub changed_at: DateTimeUtc,
    /// `KeyRestrictions` as JSON, before and after.
    pub before: String,
    pub after: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
