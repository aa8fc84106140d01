//! Adds per-key scopes, rate limits and IP allowlists, with their change history, per-window
//! rate counters and a daily count of refused uses; the epoch trigger now watches them too.
use sea_orm_migration::prelude::*;

/// What a key may do besides authenticate: its scopes, rate limit and allowed addresses; the
/// history of their changes; the per-window counters of rate limits; and, per day, the uses a
/// rate limit refused.
///
/// A change of a restriction must reach every instance as instantly as a regenerate does: the
/// epoch trigger now watches the new columns too.
const POSTGRES_TRIGGER: &str = r#"
DROP TRIGGER IF EXISTS api_keys_epoch ON api_keys;
CREATE CONSTRAINT TRIGGER api_keys_epoch
AFTER UPDATE OF key_hash, user_id, name, deleted_at, expires_at,
                scopes, rate_limit_requests, rate_limit_seconds, allowed_ips
   OR DELETE ON api_keys
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION api_keys_bump_epoch();
"#;

const POSTGRES_TRIGGER_DOWN: &str = r#"
DROP TRIGGER IF EXISTS api_keys_epoch ON api_keys;
CREATE CONSTRAINT TRIGGER api_keys_epoch
AFTER UPDATE OF key_hash, user_id, name, deleted_at, expires_at OR DELETE ON api_keys
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION api_keys_bump_epoch();
"#;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per column: SQLite adds one column at a time.
        for column in [
            ColumnDef::new(ApiKeys::Scopes).text().null().to_owned(),
            ColumnDef::new(ApiKeys::RateLimitRequests)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(ApiKeys::RateLimitSeconds)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(ApiKeys::AllowedIps).text().null().to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ApiKeys::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKeyUsage::Table)
                    .add_column(
                        ColumnDef::new(ApiKeyUsage::RateLimited)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyRateUsage::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(ApiKeyRateUsage::LineageId).uuid().not_null())
                    .col(
                        ColumnDef::new(ApiKeyRateUsage::WindowStart)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyRateUsage::Used)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ApiKeyRateUsage::LineageId)
                            .col(ApiKeyRateUsage::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyRestrictionChanges::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(ApiKeyRestrictionChanges::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyRestrictionChanges::LineageId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyRestrictionChanges::UserId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyRestrictionChanges::ChangedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyRestrictionChanges::Before)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyRestrictionChanges::After)
                            .text()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_restriction_changes_lineage")
                    .table(ApiKeyRestrictionChanges::Table)
                    .col(ApiKeyRestrictionChanges::LineageId)
                    .col(ApiKeyRestrictionChanges::ChangedAt)
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(POSTGRES_TRIGGER)
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(POSTGRES_TRIGGER_DOWN)
                .await?;
        }
        manager
            .drop_table(
                Table::drop()
                    .table(ApiKeyRestrictionChanges::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ApiKeyRateUsage::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKeyUsage::Table)
                    .drop_column(ApiKeyUsage::RateLimited)
                    .to_owned(),
            )
            .await?;
        for column in [
            ApiKeys::Scopes,
            ApiKeys::RateLimitRequests,
            ApiKeys::RateLimitSeconds,
            ApiKeys::AllowedIps,
        ] {
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
    Scopes,
    RateLimitRequests,
    RateLimitSeconds,
    AllowedIps,
}

#[derive(DeriveIden)]
enum ApiKeyUsage {
    Table,
    RateLimited,
}

#[derive(DeriveIden)]
enum ApiKeyRateUsage {
    Table,
    LineageId,
    WindowStart,
    Used,
}

#[derive(DeriveIden)]
enum ApiKeyRestrictionChanges {
    Table,
    Id,
    LineageId,
    UserId,
    ChangedAt,
    Before,
    After,
}
