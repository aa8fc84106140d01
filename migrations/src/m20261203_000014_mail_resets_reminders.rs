//! Adds mail: a durable `outbox` that senders claim by lease, single-use `password_resets`
//! stored as token hashes, and per-version markers for the week-ahead and same-day expiry
//! reminders.
use sea_orm_migration::prelude::*;

/// Mail as data: an outbox that a crash or an SMTP outage cannot empty, single-use password
/// reset tokens (hashes only), and when each key version's expiry reminders went out.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(Outbox::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Outbox::UserId).uuid().null())
                    .col(ColumnDef::new(Outbox::ToAddress).string_len(320).not_null())
                    .col(ColumnDef::new(Outbox::Subject).string_len(200).not_null())
                    .col(ColumnDef::new(Outbox::TextBody).text().not_null())
                    .col(ColumnDef::new(Outbox::HtmlBody).text().not_null())
                    .col(ts(Outbox::CreatedAt).not_null())
                    .col(
                        ColumnDef::new(Outbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ts(Outbox::NextAttemptAt).not_null())
                    // A sender's lease: another instance leaves the mail alone until it ends.
                    .col(ts(Outbox::ClaimedUntil).null())
                    .col(ts(Outbox::SentAt).null())
                    .col(ColumnDef::new(Outbox::LastError).string_len(500).null())
                    // A reset mail's link: its token is made when the mail is sent, so no
                    // secret is ever stored here (password_resets keeps only its hash).
                    .col(ColumnDef::new(Outbox::ResetId).uuid().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_user")
                            .from(Outbox::Table, Outbox::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::SentAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(PasswordResets::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PasswordResets::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(PasswordResets::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ts(PasswordResets::CreatedAt).not_null())
                    .col(ts(PasswordResets::ExpiresAt).not_null())
                    .col(ts(PasswordResets::UsedAt).null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_password_resets_user")
                            .from(PasswordResets::Table, PasswordResets::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite's ALTER TABLE adds one at a time. Neither column
        // is in the epoch trigger's list: marking a reminder sent changes no verdict.
        for column in [ApiKeys::WeekReminderAt, ApiKeys::DayReminderAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ApiKeys::Table)
                        .add_column(ts(column).null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ApiKeys::WeekReminderAt, ApiKeys::DayReminderAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ApiKeys::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await
    }
}

fn ts(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().to_owned()
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    UserId,
    ToAddress,
    Subject,
    TextBody,
    HtmlBody,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    LastError,
    ResetId,
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    WeekReminderAt,
    DayReminderAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
