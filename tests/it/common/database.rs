//! Where a test's data lives: a fresh PostgreSQL database of its own, or (with
//! `KEYWARD_TEST_BACKEND=sqlite`) a SQLite file.
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

use super::DEFAULT_PG_URL;

pub(super) enum Backend {
    Postgres,
    Sqlite,
}

pub(super) fn backend() -> Backend {
    let value = std::env::var("KEYWARD_TEST_BACKEND").unwrap_or_default();
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "postgres" | "postgresql" => Backend::Postgres,
        "sqlite" => Backend::Sqlite,
        other => panic!("KEYWARD_TEST_BACKEND must be `postgres` or `sqlite`, not {other:?}"),
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Creates a fresh, empty PostgreSQL database for one test and returns its URL.
pub async fn create_postgres_database() -> String {
    let base = env_or("KEYWARD_TEST_PG_URL", DEFAULT_PG_URL);
    let base = base.trim_end_matches('/').to_owned();
    let run = env_or("KEYWARD_TEST_RUN", "local");
    let mut name = format!("keyward_t_{run}_{}", Uuid::new_v4().simple());
    // PostgreSQL silently truncates identifiers to 63 bytes; do it ourselves so the URL
    // names the database that was actually created.
    name.truncate(63);

    let admin_url = format!("{base}/postgres");
    let admin = Database::connect(admin_url.as_str())
        .await
        .unwrap_or_else(|err| panic!("cannot connect to PostgreSQL at {admin_url}: {err}"));
    let sql = format!("CREATE DATABASE \"{name}\"");
    let mut attempt = 0;
    loop {
        attempt += 1;
        match admin.execute_unprepared(&sql).await {
            Ok(_) => break,
            // Concurrent CREATE DATABASE can briefly conflict on the template; retry.
            Err(err) if attempt < 5 => {
                eprintln!("CREATE DATABASE {name} failed (attempt {attempt}): {err}; retrying");
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
            }
            Err(err) => panic!("cannot create test database {name}: {err}"),
        }
    }
    let _ = admin.close().await;
    format!("{base}/{name}")
}
