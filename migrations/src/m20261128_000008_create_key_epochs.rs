//! Creates the sharded verification epochs and, on PostgreSQL, triggers that bump a shard in the
//! same transaction as any change to what a key verification answers, so every instance's cache
//! sees a regenerate at once, whichever code path (or hand-written UPDATE) made it.
use sea_orm_migration::prelude::*;

/// How many epoch rows there are: a key hash's first hex digit picks one, here in SQL and in
/// `key_epochs::shard_of` (a test checks that the two agree).
const SHARDS: i16 = 16;

/// The epochs move in the database itself, not in the code that changes keys, so that no path
/// can forget: a regenerate, a future rename or revocation, an operator's hand-written UPDATE.
/// Deferred to commit time, so a shard's row is locked only while its transaction commits,
/// and still inside that transaction, so the new epoch and the change become visible
/// together. Usage and last-used writes touch none of the watched columns and leave the
/// epochs alone.
const POSTGRES_TRIGGERS: &str = r#"
CREATE FUNCTION api_keys_bump_epoch() RETURNS trigger LANGUAGE plpgsql
-- The schema the tables were created in, whatever the path of the session that fires it.
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE api_key_epochs
    SET epoch = epoch + 1
    WHERE shard = GREATEST(position(left(OLD.key_hash, 1) IN '0123456789abcdef') - 1, 0);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER api_keys_epoch
AFTER UPDATE OF key_hash, user_id, name, deleted_at, expires_at OR DELETE ON api_keys
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION api_keys_bump_epoch();

-- An owner's email is part of every answer for their keys, in any shard. (Users are never
-- deleted while they have keys: the foreign key restricts it.)
CREATE FUNCTION users_bump_epochs() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF OLD.email IS DISTINCT FROM NEW.email THEN
        UPDATE api_key_epochs SET epoch = epoch + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER users_epoch
AFTER UPDATE OF email ON users
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION users_bump_epochs();
"#;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Verification epochs (src/server/services/key_epochs.rs): any change to what a key
        // verification answers adds one to the epoch of the key's shard in the transaction that
        // makes it, so an instance that reads the epochs afterwards knows its remembered answer
        // for that key may be stale. Sharded by the key hash so that regenerates of unrelated
        // keys do not queue on one row.
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyEpochs::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(ApiKeyEpochs::Shard)
                            .small_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyEpochs::Epoch)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let mut rows = Query::insert();
        rows.into_table(ApiKeyEpochs::Table)
            .columns([ApiKeyEpochs::Shard, ApiKeyEpochs::Epoch]);
        for shard in 0..SHARDS {
            rows.values_panic([shard.into(), 0i64.into()]);
        }
        manager.exec_stmt(rows).await?;
        // Only PostgreSQL has the cache the epochs guard (the SQLite lookup is uncached), so
        // only PostgreSQL needs the triggers.
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(POSTGRES_TRIGGERS)
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "DROP TRIGGER IF EXISTS api_keys_epoch ON api_keys; \
                     DROP TRIGGER IF EXISTS users_epoch ON users; \
                     DROP FUNCTION IF EXISTS api_keys_bump_epoch(); \
                     DROP FUNCTION IF EXISTS users_bump_epochs();",
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ApiKeyEpochs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ApiKeyEpochs {
    Table,
    Shard,
    Epoch,
}
