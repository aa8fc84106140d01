//! Entity for `login_failures`: one sign-in attempt per row, inserted before the password is
//! checked so concurrent guesses all count. A success clears the email's rows; a purge drops the
//! rest once they leave the window.
use sea_orm::entity::prelude::*;

/// One failed sign-in attempt, kept for the throttling window.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub email: String,
    /// The client address, or its /64 for IPv6 (`forwarded::ClientAddr::throttle_bucket`).
    pub ip: String,
    /// By the database's clock.
    pub created_at: DateTimeUtc,
    /// False for an attempt refused for its address before its email was counted: it counts
    /// against the address only, so failing from a refused address cannot lock an account.
    pub counts_for_email: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
