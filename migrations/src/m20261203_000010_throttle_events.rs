//! Moves every windowed limit except sign-in's onto one `throttle_events` table of named buckets
//! (dropping `sign_up_attempts`), and lets a failed sign-in refused for its address skip counting
//! against its email, so nobody can lock an account out from an address already refused.
use sea_orm_migration::prelude::*;

/// One table for every "at most N per window" limit that is not sign-in's (registrations per
/// address, key changes per user, and later password resets): each row is one counted event in
/// a named bucket (`sign-up:203.0.113.7`, `key-changes:<user id>`), stamped with the database's
/// clock. Registration attempts move here from `sign_up_attempts`; their throttle restarts
/// at the upgrade (at most one window of history is dropped).
///
/// Sign-in failures keep their table, which gains `counts_for_email`: an attempt refused
/// for its address no longer counts against the email it named, so nobody can lock an account
/// out by failing from an address that is already refused.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ThrottleEvents::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(ThrottleEvents::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ThrottleEvents::Bucket)
                            .string_len(320)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ThrottleEvents::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ThrottleEvents::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_throttle_events_bucket_created")
                    .table(ThrottleEvents::Table)
                    .col(ThrottleEvents::Bucket)
                    .col(ThrottleEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_throttle_events_expires")
                    .table(ThrottleEvents::Table)
                    .col(ThrottleEvents::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(SignUpAttempts::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LoginFailures::Table)
                    .add_column(
                        ColumnDef::new(LoginFailures::CountsForEmail)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoginFailures::Table)
                    .drop_column(LoginFailures::CountsForEmail)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignUpAttempts::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(SignUpAttempts::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SignUpAttempts::Ip).string_len(64).not_null())
                    .col(
                        ColumnDef::new(SignUpAttempts::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ThrottleEvents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ThrottleEvents {
    Table,
    Id,
    Bucket,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SignUpAttempts {
    Table,
    Id,
    Ip,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    CountsForEmail,
}
