//! Schema migrations for Keyward. Each change lives in its own file so that sea-orm records a
//! stable name for it; old migrations must keep compiling, so none imports the live entities.
pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_users;
mod m20261128_000002_create_sessions;
mod m20261128_000003_create_api_keys;
mod m20261128_000004_create_login_failures;
mod m20261128_000005_create_sign_up_attempts;
mod m20261128_000006_key_expiry_and_lineage;
mod m20261128_000007_create_key_usage;
mod m20261128_000008_create_key_epochs;
mod m20261203_000009_random_key_epochs;
mod m20261203_000010_throttle_events;
mod m20261203_000011_key_restrictions;
mod m20261203_000012_last_used_by_lineage;
mod m20261203_000013_sessions_and_security_log;
mod m20261203_000014_mail_resets_reminders;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_users::Migration),
            Box::new(m20261128_000002_create_sessions::Migration),
            Box::new(m20261128_000003_create_api_keys::Migration),
            Box::new(m20261128_000004_create_login_failures::Migration),
            Box::new(m20261128_000005_create_sign_up_attempts::Migration),
            Box::new(m20261128_000006_key_expiry_and_lineage::Migration),
            Box::new(m20261128_000007_create_key_usage::Migration),
            Box::new(m20261128_000008_create_key_epochs::Migration),
            Box::new(m20261203_000009_random_key_epochs::Migration),
            Box::new(m20261203_000010_throttle_events::Migration),
            Box::new(m20261203_000011_key_restrictions::Migration),
            Box::new(m20261203_000012_last_used_by_lineage::Migration),
            Box::new(m20261203_000013_sessions_and_security_log::Migration),
            Box::new(m20261203_000014_mail_resets_reminders::Migration),
        ]
    }
}
