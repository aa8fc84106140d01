//! Database connection: PostgreSQL in production, an embedded SQLite file by default.
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Which database a URL names; decided here once, from the URL's scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Postgres,
    Sqlite,
    Other,
}

impl DatabaseKind {
    pub fn of(url: &str) -> DatabaseKind {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => DatabaseKind::Postgres,
            "sqlite" => DatabaseKind::Sqlite,
            _ => DatabaseKind::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DatabaseKind::Postgres => "PostgreSQL",
            DatabaseKind::Sqlite => "SQLite",
            DatabaseKind::Other => "unknown",
        }
    }
}

/// Connects with a pool of at most `max_connections` and applies pending migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    if DatabaseKind::of(url) == DatabaseKind::Sqlite {
        prepare_sqlite_file(url);
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(max_connections.max(1))
        .min_connections(1)
        // During an outage a request must fail fast with 503 rather than hang.
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(Duration::from_secs(3))
        // A connection idle across a database restart is dead: ping it before reuse, but only
        // after a second of idleness, so a busy pool pays no extra round trip per query.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false);
    let db = Database::connect(opts).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`IMMEDIATE`): a deferred transaction that reads and then writes, after another connection
/// (or instance) has committed in between, fails at once with `SQLITE_BUSY` instead of waiting
/// out the busy timeout, and the caller would see a 503. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// A first run on the default `sqlite://data/keyward.db` should not fail because `data/`
/// does not exist yet. The file holds password and key hashes: it is created readable by its
/// owner only (SQLite gives its journal and WAL files the same mode), and a file that other
/// users can read is tightened.
fn prepare_sqlite_file(url: &str) {
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return;
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        return;
    }
    let path = std::path::Path::new(path);
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() && !parent.exists() {
            let _ = create_private_dir(parent);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !path.exists() {
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            if meta.permissions().mode() & 0o077 != 0 {
                match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                    Ok(()) => tracing::info!(file = ?file, "made the database file private (0600)"),
                    Err(err) => {
                        tracing::warn!(file = ?file, error = %err, "the database file is readable by other users")
                    }
                }
            }
        }
    }
}

fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_the_scheme() {
        assert_eq!(
            DatabaseKind::of("postgres://u@h/db"),
            DatabaseKind::Postgres
        );
        assert_eq!(
            DatabaseKind::of("PostgreSQL://u@h/db"),
            DatabaseKind::Postgres
        );
        assert_eq!(
            DatabaseKind::of("sqlite://data/k.db?mode=rwc"),
            DatabaseKind::Sqlite
        );
        assert_eq!(DatabaseKind::of("mysql://x"), DatabaseKind::Other);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_sqlite_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir =
            std::env::temp_dir().join(format!("keyward_perm_{}", uuid::Uuid::new_v4().simple()));
        let file = dir.join("k.db");
        prepare_sqlite_file(&format!("sqlite://{}?mode=rwc", file.display()));
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        prepare_sqlite_file(&format!("sqlite://{}", file.display()));
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
