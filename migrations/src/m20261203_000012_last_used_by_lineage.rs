//! Data-only backfill: each live key's `last_used_at` becomes the latest use of any of its
//! versions, matching how a regenerate now carries it over.
use sea_orm_migration::prelude::*;

/// A key's "last used" covers every version of it: a regenerate now carries it to the new
/// version, and this gives the live versions of keys regenerated before that the latest use
/// of any of their versions. (Data only; nothing to undo.)
const BACKFILL: &str = "
UPDATE api_keys SET last_used_at = (
    SELECT MAX(v.last_used_at) FROM api_keys v WHERE v.lineage_id = api_keys.lineage_id
)
WHERE deleted_at IS NULL AND lineage_id IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM api_keys v
    WHERE v.lineage_id = api_keys.lineage_id AND v.last_used_at IS NOT NULL
      AND (api_keys.last_used_at IS NULL OR v.last_used_at > api_keys.last_used_at)
  )";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
