//! Entity for `outbox`: mail queued in the same transaction as its cause, so a crash or an SMTP
//! outage can delay a message but never lose it.
use sea_orm::entity::prelude::*;

/// A mail to send. Written in the transaction of the event that causes it, sent by
/// `services::mail::sender`, kept after sending (with `sent_at`) as the record of delivery.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A sender's lease; other instances skip the mail until it has passed.
    pub claimed_until: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    /// The SMTP server's last refusal, for the operator.
    pub last_error: Option<String>,
    /// For a password reset mail, its `password_resets` row: the link's token is made at
    /// send time and put where the bodies hold `reset_tokens::SLOT`.
    pub reset_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
