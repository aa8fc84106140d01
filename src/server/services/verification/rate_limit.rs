//! Per-key rate limits, counted across instances without a database round trip per request.
//!
//! Windows are fixed and aligned to the database's clock (`window_start` = the start of the
//! `per_seconds`-long window `now()` falls in), and each key's uses in a window are one row
//! every instance adds to (`… SET used = used + n RETURNING used`), learning the total each
//! time. Far from the limit an instance admits on its own knowledge (its last reading of the
//! total plus its own uses since) and reports in blocks of a tenth of the limit. Near the
//! limit, and for its first use in a window, it asks first: the use is added, and admitted
//! only if the total it returns is within the limit. So:
//!
//! - **Nothing is refused under the limit.** A refusal rests on a count of real uses: the
//!   instance's own, or a total the database returned, which only grows within a window and
//!   to which a refused use adds only once the limit is reached.
//! - **Never more than the limit on one instance**, by the same check.
//! - **Across instances, at most one block each over the limit**: an instance admits on its
//!   own at most a block beyond its last reading of the total (a request that would go further
//!   waits for the report in flight), and near the limit admits only what the database
//!   confirms. Two instances stay within 120 % of the limit; N within limit × (1 + N / 10).
//! - Steady state costs one round trip per block of requests; only the uses near the limit
//!   pay one each.
use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};
use uuid::Uuid;

use crate::api::RateLimit;

/// Keys whose window state an instance keeps (a few dozen bytes each).
const MAX_TRACKED: usize = 100_000;

/// The answer for one use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub admitted: bool,
    /// The key's limit and window, for the `RateLimit-Policy` field.
    pub limit: u32,
    pub window_secs: u32,
    /// Uses left in this window, as far as this instance knows.
    pub remaining: u32,
    /// Seconds until the window ends.
    pub reset_secs: u32,
}

#[derive(Clone, Copy, Debug)]
struct KeyWindow {
    /// Unix seconds, by the database's clock.
    window_start: i64,
    per_seconds: i64,
    limit: u32,
    /// The total the database reported, this instance's reported uses included.
    known_total: u64,
    unreported: u64,
    /// Uses in the report on its way.
    in_flight: u64,
    /// A report is on its way: others admit locally meanwhile, up to a block.
    reporting: bool,
}

pub struct RateLimiter {
    db: DatabaseConnection,
    windows: Mutex<HashMap<Uuid, KeyWindow>>,
    /// The database's clock minus this instance's, in seconds, as last measured.
    clock_offset: Mutex<i64>,
    /// Wakes the requests waiting for a report to end.
    reported: tokio::sync::Notify,
}

impl RateLimiter {
    pub fn new(db: DatabaseConnection) -> RateLimiter {
        RateLimiter {
            db,
            windows: Mutex::new(HashMap::new()),
            clock_offset: Mutex::new(0),
            reported: tokio::sync::Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, KeyWindow>> {
        self.windows.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn database_now(&self, local: DateTime<Utc>) -> i64 {
        local.timestamp() + *self.clock_offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts one use of the key (`lineage`: the same for every version of it) under `limit`.
    pub async fn admit(
        &self,
        lineage: Uuid,
        limit: RateLimit,
        now: DateTime<Utc>,
    ) -> Result<Quota, DbErr> {
        let per = i64::from(limit.per_seconds.max(1));
        let block = u64::from((limit.requests / 10).max(1));
        let requests = u64::from(limit.requests);
        let now_db = self.database_now(now);
        let window_start = now_db - now_db.rem_euclid(per);
        let (uses, asking) = loop {
            // Registered before the state is read, so a report ending in between still wakes
            // this request.
            let reported = self.reported.notified();
            tokio::pin!(reported);
            reported.as_mut().enable();
            match self.step(lineage, limit, block, window_start, now_db) {
                Step::Answer(quota) => return Ok(quota),
                Step::Report(uses) => break (uses, false),
                Step::Ask(uses) => break (uses, true),
                Step::Wait => reported.await,
            }
        };
        let reported = self.report(lineage, per, uses, now).await;
        let answer = {
            let mut windows = self.lock();
            match windows.get_mut(&lineage) {
                Some(window) if window.window_start == window_start && window.reporting => {
                    window.reporting = false;
                    window.in_flight = 0;
                    match reported {
                        Ok((db_window_start, total)) => {
                            if db_window_start == window.window_start {
                                window.known_total = window.known_total.max(total);
                            }
                            // Asking, this use is in `total`: admitted if that is within the
                            // limit. Reporting, it was admitted already.
                            let admitted = !asking || total <= requests;
                            let left =
                                requests.saturating_sub(window.known_total + window.unreported);
                            Ok(quota(
                                admitted,
                                limit,
                                left,
                                window.window_start + per - now_db,
                            ))
                        }
                        Err(err) => {
                            // The admitted uses are not lost: counted with the next report.
                            window.unreported += if asking { uses - 1 } else { uses };
                            Err(err)
                        }
                    }
                }
                // The window this report was for is gone (ended, or the limit changed).
                _ => reported.map(|(_, total)| quota(!asking || total <= requests, limit, 0, per)),
            }
        };
        self.reported.notify_waiters();
        answer
    }

    /// One look at the key's window, under the lock: answer, report, or wait for the report in
    /// flight.
    fn step(
        &self,
        lineage: Uuid,
        limit: RateLimit,
        block: u64,
        window_start: i64,
        now_db: i64,
    ) -> Step {
        let per = i64::from(limit.per_seconds.max(1));
        let requests = u64::from(limit.requests);
        let mut windows = self.lock();
        if windows.len() >= MAX_TRACKED {
            windows.retain(|_, w| w.window_start + w.per_seconds > now_db);
        }
        let fresh = KeyWindow {
            window_start,
            per_seconds: per,
            limit: limit.requests,
            known_total: 0,
            unreported: 0,
            in_flight: 0,
            reporting: false,
        };
        let window = windows.entry(lineage).or_insert(fresh);
        if window.window_start != window_start
            || window.per_seconds != per
            || window.limit != limit.requests
        {
            // A new window (or a changed limit): what was counted belongs to the old one.
            *window = fresh;
        }
        let used = window.known_total + window.unreported + window.in_flight;
        if used >= requests {
            return Step::Answer(quota(false, limit, 0, window_start + per - now_db));
        }
        let near_limit = used + 1 + block >= requests;
        let first = window.known_total == 0 && window.in_flight == 0 && window.unreported == 0;
        if window.reporting && (near_limit || window.unreported + window.in_flight >= block) {
            // Near the limit uses are confirmed one report at a time; elsewhere a block is all
            // an instance may admit beyond what the others can see. Either way: wait for the
            // report on its way.
            return Step::Wait;
        }
        if near_limit || first {
            // Ask: this use, with any admitted but unreported, goes to the database first.
            window.reporting = true;
            window.in_flight = std::mem::take(&mut window.unreported) + 1;
            return Step::Ask(window.in_flight);
        }
        window.unreported += 1;
        if !window.reporting && window.unreported >= block {
            window.reporting = true;
            window.in_flight = std::mem::take(&mut window.unreported);
            return Step::Report(window.in_flight);
        }
        let left = requests.saturating_sub(used + 1);
        Step::Answer(quota(true, limit, left, window_start + per - now_db))
    }

    /// Adds `uses` to the key's row for the database's current window; returns that window's
    /// start and the new total.
    async fn report(
        &self,
        lineage: Uuid,
        per: i64,
        uses: u64,
        local_now: DateTime<Utc>,
    ) -> Result<(i64, u64), DbErr> {
        let backend = self.db.get_database_backend();
        let now_sql = match backend {
            DatabaseBackend::Postgres => "CAST(floor(extract(epoch from now())) AS BIGINT)",
            _ => "CAST(strftime('%s','now') AS INTEGER)",
        };
        let sql = format!(
            "INSERT INTO api_key_rate_usage (lineage_id, window_start, used) \
             VALUES ($1, ({now_sql} / $2) * $2, $3) \
             ON CONFLICT (lineage_id, window_start) \
             DO UPDATE SET used = api_key_rate_usage.used + excluded.used \
             RETURNING window_start, used, {now_sql} AS now"
        );
        let statement = Statement::from_sql_and_values(
            backend,
            sql,
            [lineage.into(), per.into(), (uses as i64).into()],
        );
        let row = self
            .db
            .query_one_raw(statement)
            .await?
            .ok_or_else(|| DbErr::Custom("the rate counter returned nothing".into()))?;
        let window_start: i64 = row.try_get("", "window_start")?;
        let used: i64 = row.try_get("", "used")?;
        let now: i64 = row.try_get("", "now")?;
        *self.clock_offset.lock().unwrap_or_else(|p| p.into_inner()) = now - local_now.timestamp();
        Ok((window_start, used.max(0) as u64))
    }
}

enum Step {
    Answer(Quota),
    /// Admitted; report these uses (this one included).
    Report(u64),
    /// Add these uses (this one last) and admit this one only if the total allows it.
    Ask(u64),
    Wait,
}

fn quota(admitted: bool, limit: RateLimit, remaining: u64, reset: i64) -> Quota {
    Quota {
        admitted,
        limit: limit.requests,
        window_secs: limit.per_seconds,
        remaining: remaining.min(u64::from(u32::MAX)) as u32,
        reset_secs: reset.clamp(1, i64::from(u32::MAX)) as u32,
    }
}

/// Deletes the counters of windows that ended over a day ago (the longest window is a day, so
/// none of them can be read again).
pub async fn purge_expired(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let cutoff = crate::server::time::now().timestamp()
        - 2 * i64::from(crate::api::restrictions::MAX_WINDOW_SECS);
    let statement = Statement::from_sql_and_values(
        backend,
        "DELETE FROM api_key_rate_usage WHERE window_start < $1",
        [cutoff.into()],
    );
    Ok(db.execute_raw(statement).await?.rows_affected())
}
