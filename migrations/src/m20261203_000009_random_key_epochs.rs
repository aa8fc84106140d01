//! Makes the epoch triggers write a fresh random value instead of counting up, so a failover or
//! restore that rolls the epochs back can never make a stale cached verdict match again.
use sea_orm_migration::prelude::*;

/// Epochs take a fresh random 63-bit value on every change instead of counting up.
///
/// A counter can come back: a promoted asynchronous standby, a point-in-time restore, this
/// table dropped and re-created, or its rows put back from a copy all return an earlier
/// value, and a cache entry remembered under a later value of that earlier line could match
/// again after one more change. A random value does not repeat (one chance in 2^63 per
/// change), so equality with a remembered epoch still means "no change since", whatever
/// happened to the table. `src/server/services/verification/cache.rs` has the argument.
const POSTGRES_UP: &str = r#"
CREATE OR REPLACE FUNCTION keyward_random_epoch() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT ((floor(random() * 2147483648)::bigint << 32)
            | floor(random() * 4294967296)::bigint)
$$;

CREATE OR REPLACE FUNCTION api_keys_bump_epoch() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE api_key_epochs
    SET epoch = keyward_random_epoch()
    WHERE shard = GREATEST(position(left(OLD.key_hash, 1) IN '0123456789abcdef') - 1, 0);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION users_bump_epochs() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF OLD.email IS DISTINCT FROM NEW.email THEN
        UPDATE api_key_epochs SET epoch = keyward_random_epoch();
    END IF;
    RETURN NULL;
END
$$;

-- Rows a restore or a re-created table brings back start from a value no cache remembers.
ALTER TABLE api_key_epochs ALTER COLUMN epoch SET DEFAULT keyward_random_epoch();
UPDATE api_key_epochs SET epoch = keyward_random_epoch();
"#;

const POSTGRES_DOWN: &str = r#"
CREATE OR REPLACE FUNCTION api_keys_bump_epoch() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE api_key_epochs
    SET epoch = epoch + 1
    WHERE shard = GREATEST(position(left(OLD.key_hash, 1) IN '0123456789abcdef') - 1, 0);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION users_bump_epochs() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF OLD.email IS DISTINCT FROM NEW.email THEN
        UPDATE api_key_epochs SET epoch = epoch + 1;
    END IF;
    RETURN NULL;
END
$$;

ALTER TABLE api_key_epochs ALTER COLUMN epoch SET DEFAULT 0;
DROP FUNCTION IF EXISTS keyward_random_epoch();
"#;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Only PostgreSQL has the verification cache the epochs guard.
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(POSTGRES_UP)
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(POSTGRES_DOWN)
                .await?;
        }
        Ok(())
    }
}
