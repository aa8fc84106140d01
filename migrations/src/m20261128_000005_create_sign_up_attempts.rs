//! Creates `sign_up_attempts`: one row per registration from a client address, so the sign-up
//! limit holds across instances. Superseded by `throttle_events`, which drops this table.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Registrations per client IP, counted in the database like sign-in failures so the
        // limit holds across instances.
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
            .create_index(
                Index::create()
                    .name("idx_sign_up_attempts_ip_created")
                    .table(SignUpAttempts::Table)
                    .col(SignUpAttempts::Ip)
                    .col(SignUpAttempts::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignUpAttempts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SignUpAttempts {
    Table,
    Id,
    Ip,
    CreatedAt,
}
