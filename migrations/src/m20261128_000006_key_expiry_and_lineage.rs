//! Gives keys an optional expiry and a `lineage_id` shared by every version of a key, so a key's
//! history is one indexed lookup; existing regenerate chains are backfilled along `replaces_id`.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Optional expiry: NULL means the key never expires.
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKeys::Table)
                    .add_column(
                        ColumnDef::new(ApiKeys::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Every version of a key shares the id of the first one, so its history and usage are
        // one indexed lookup instead of a walk along `replaces_id`. Nullable only because
        // SQLite cannot add a NOT NULL column without a default; every row gets a value below
        // and the application always writes one.
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKeys::Table)
                    .add_column(ColumnDef::new(ApiKeys::LineageId).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "WITH RECURSIVE chain(id, root) AS ( \
                   SELECT id, id FROM api_keys WHERE replaces_id IS NULL \
                   UNION ALL \
                   SELECT k.id, chain.root FROM api_keys k JOIN chain ON k.replaces_id = chain.id \
                 ) \
                 UPDATE api_keys SET lineage_id = (SELECT root FROM chain WHERE chain.id = api_keys.id)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_keys_lineage")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::LineageId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_api_keys_lineage")
                    .table(ApiKeys::Table)
                    .to_owned(),
            )
            .await?;
        for column in [ApiKeys::LineageId, ApiKeys::ExpiresAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ApiKeys::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    ExpiresAt,
    LineageId,
}
