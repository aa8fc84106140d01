//! Creates each key version's usage record: daily counts of successful authentications
//! (`api_key_usage`) and the clients seen using it (`api_key_clients`), written in batches
//! by the usage writer rather than once per request.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Successful authentications per key version and UTC day, added to in batches by the
        // usage writer (never a write per request).
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyUsage::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(ApiKeyUsage::KeyId).uuid().not_null())
                    .col(ColumnDef::new(ApiKeyUsage::Day).date().not_null())
                    .col(ColumnDef::new(ApiKeyUsage::Count).big_integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(ApiKeyUsage::KeyId)
                            .col(ApiKeyUsage::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_key_usage_key")
                            .from(ApiKeyUsage::Table, ApiKeyUsage::KeyId)
                            .to(ApiKeys::Table, ApiKeys::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // The clients (IP, user agent) that used each key version, with when each was last seen.
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyClients::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(ApiKeyClients::KeyId).uuid().not_null())
                    .col(ColumnDef::new(ApiKeyClients::Ip).string_len(64).not_null())
                    .col(
                        ColumnDef::new(ApiKeyClients::UserAgent)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyClients::LastSeenAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ApiKeyClients::KeyId)
                            .col(ApiKeyClients::Ip)
                            .col(ApiKeyClients::UserAgent),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_key_clients_key")
                            .from(ApiKeyClients::Table, ApiKeyClients::KeyId)
                            .to(ApiKeys::Table, ApiKeys::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_key_clients_key_seen")
                    .table(ApiKeyClients::Table)
                    .col(ApiKeyClients::KeyId)
                    .col(ApiKeyClients::LastSeenAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiKeyClients::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApiKeyUsage::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ApiKeyUsage {
    Table,
    KeyId,
    Day,
    Count,
}

#[derive(DeriveIden)]
enum ApiKeyClients {
    Table,
    KeyId,
    Ip,
    UserAgent,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
}
