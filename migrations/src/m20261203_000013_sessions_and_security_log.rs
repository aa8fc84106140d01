//! Lets people see and end their sessions (last seen, address, user agent), and adds the
//! append-only `security_events` log, keyed by UUIDv7 so the id doubles as the paging cursor.
use sea_orm_migration::prelude::*;

/// Sessions a person can see and end (where and when each was last used), and the account's
/// append-only security log.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [
            ColumnDef::new(Sessions::LastSeenAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Sessions::Ip)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(Sessions::UserAgent)
                .string_len(512)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user_id")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SecurityEvents::Table)
                    .if_not_exists()
                    // UUIDv7: ordered by time, so it is also the paging cursor.
                    .col(
                        ColumnDef::new(SecurityEvents::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SecurityEvents::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(SecurityEvents::Kind)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SecurityEvents::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SecurityEvents::Ip).string_len(64).null())
                    .col(
                        ColumnDef::new(SecurityEvents::UserAgent)
                            .string_len(512)
                            .null(),
                    )
                    // The key's lineage (every version of a key shares it), for key events.
                    .col(ColumnDef::new(SecurityEvents::LineageId).uuid().null())
                    .col(
                        ColumnDef::new(SecurityEvents::Detail)
                            .string_len(200)
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_security_events_user")
                            .from(SecurityEvents::Table, SecurityEvents::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_security_events_user_id")
                    .table(SecurityEvents::Table)
                    .col(SecurityEvents::UserId)
                    .col(SecurityEvents::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_security_events_lineage")
                    .table(SecurityEvents::Table)
                    .col(SecurityEvents::LineageId)
                    .col(SecurityEvents::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SecurityEvents::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sessions_user_id")
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Sessions::LastSeenAt, Sessions::Ip, Sessions::UserAgent] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserId,
    LastSeenAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum SecurityEvents {
    Table,
    Id,
    UserId,
    Kind,
    OccurredAt,
    Ip,
    UserAgent,
    LineageId,
    Detail,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
