//! Time: the instance's clock for timestamps it writes, the database's clock for every limit
//! (so instances whose clocks disagree still count the same window), and the wire format.
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};

/// Timestamps on the wire: RFC 3339, UTC, millisecond precision.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Shifts this process's clock, in milliseconds (`KEYWARD_TEST_CLOCK_OFFSET_SECS`, test only).
static TEST_OFFSET_MS: AtomicI64 = AtomicI64::new(0);

/// Test only: makes this instance's clock run `secs` ahead (or behind), as a badly synchronised
/// server's would. The tests use it to show that limits do not depend on an instance's clock.
pub fn set_test_clock_offset(secs: i64) {
    TEST_OFFSET_MS.store(secs.saturating_mul(1000), Ordering::Relaxed);
}

/// The instance's clock. Databases keep microseconds at best; truncating up front means what
/// we return equals what a later read returns.
pub fn now() -> DateTime<Utc> {
    let offset = chrono::Duration::milliseconds(TEST_OFFSET_MS.load(Ordering::Relaxed));
    truncate(Utc::now() + offset)
}

/// `t` at the microsecond precision the databases keep.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

/// The database's clock: one clock for every instance, so a limit's window is the same
/// length wherever it is counted.
pub async fn database_now(db: &impl ConnectionTrait) -> Result<DateTime<Utc>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS now"
        }
        _ => "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS now",
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::Custom("the database did not tell the time".into()))?;
    let text: String = row.try_get("", "now")?;
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S%.f")
        .map(|t| truncate(t.and_utc()))
        .map_err(|err| {
            DbErr::Custom(format!(
                "the database's time {text:?} does not parse: {err}"
            ))
        })
}
