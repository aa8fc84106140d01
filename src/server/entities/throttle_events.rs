//! Entity for `throttle_events`: the shared store behind every limit but sign-in's, so each limit
//! holds across instances and is timed by the database's clock rather than each server's.
use sea_orm::entity::prelude::*;

/// One counted event of a limit (`services::throttle`), kept until its window has passed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "throttle_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What is limited and for whom: `sign-up:<address>`, `key-changes:<user id>`.
    pub bucket: String,
    /// By the database's clock.
    pub created_at: DateTimeUtc,
    /// When the event leaves every window it counts in (then it is purged).
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
