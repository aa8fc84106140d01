#![cfg(feature = "ssr")]
//! Key verification on its fast path: revocation is instant on every instance (the
//! strictness test), the lookup uses the unique hash index whatever PostgreSQL's statistics
//! say, and usage is counted without a write per request.
mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::StatusCode;
use axum::Router;
use common::*;
use keyward::server::config::Config;

fn me_request(key: &str) -> axum::http::Request<Body> {
    let bearer = format!("Bearer {key}");
    request(
        "GET",
        "/api/v1/me",
        &[("authorization", bearer.as_str())],
        Body::empty(),
    )
}

/// 1,000 times: regenerate on A, and as soon as the 200 arrives present the old key to B.
/// The old key must never be accepted. Returns how many times it was.
async fn old_keys_accepted_after_regenerate(
    a: &TestApp,
    b: &Router,
    cookie: &str,
    name: &str,
) -> usize {
    let created = a.create_key(cookie, name).await;
    let mut id = str_of(&created["id"]).to_owned();
    let mut key = str_of(&created["fullKey"]).to_owned();
    // B knows the key before it is replaced, as a busy instance would.
    assert_eq!(
        send_to(b.clone(), me_request(&key)).await.status,
        StatusCode::OK
    );
    let mut accepted = 0;
    for _ in 0..1000 {
        let regenerated = a.regenerate(Some(cookie), &id).await;
        assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
        let old = std::mem::replace(&mut key, str_of(&regenerated.json["fullKey"]).to_owned());
        id = str_of(&regenerated.json["id"]).to_owned();
        let answer = send_to(b.clone(), me_request(&old)).await;
        match answer.status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::OK => accepted += 1,
            other => panic!("the old key got {other}: {}", answer.text),
        }
        // And the new one works there at once.
        assert_eq!(
            send_to(b.clone(), me_request(&key)).await.status,
            StatusCode::OK
        );
    }
    accepted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_regenerated_key_is_refused_by_another_instance_at_once() {
    let a = TestApp::new().await;
    let (b, b_state) = a.second_instance(Config::default()).await;
    let cookie = a.register("strict@example.com").await;

    assert_eq!(
        old_keys_accepted_after_regenerate(&a, &b, &cookie, "Rotated while idle").await,
        0,
        "B idle: an old key was accepted after its regenerate returned"
    );

    // Now with B busy verifying another key the whole time.
    let load_key = str_of(&a.create_key(&cookie, "Load").await["fullKey"]).to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicU64::new(0));
    let load: Vec<_> = (0..8)
        .map(|_| {
            let (b, key, stop, served) =
                (b.clone(), load_key.clone(), stop.clone(), served.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let resp = send_to(b.clone(), me_request(&key)).await;
                    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
                    served.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let accepted = old_keys_accepted_after_regenerate(&a, &b, &cookie, "Rotated under load").await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.expect("load task");
    }
    assert!(served.load(Ordering::Relaxed) > 0, "B was under load");
    if a.url.starts_with("postgres") {
        // Not a vacuous pass: B was answering from memory while the old keys were refused.
        assert!(
            b_state.key_lookup.cache_hits() > 0,
            "B never used its cache"
        );
    }
    assert_eq!(
        accepted, 0,
        "B under load: an old key was accepted after its regenerate returned"
    );
}

/// The PostgreSQL lookup remembers answers. Usage and last-used writes leave them valid; a
/// regenerate makes the old key's answer unusable at once on the instance too.
#[tokio::test]
async fn a_remembered_key_survives_usage_writes_and_not_its_regenerate() {
    let app = TestApp::new().await;
    if !app.url.starts_with("postgres") {
        return; // SQLite's lookup is not cached
    }
    let cookie = app.register("cached@example.com").await;
    let created = app.create_key(&cookie, "Cached").await;
    let key = str_of(&created["fullKey"]).to_owned();
    let lookup = &app.state.key_lookup;

    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    let hits = lookup.cache_hits();
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    assert_eq!(
        lookup.cache_hits(),
        hits + 1,
        "the second use is answered from memory"
    );

    let written = app.state.usage.flush(&app.db).await.expect("flush");
    assert!(written > 0, "the flush wrote the pending use");
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    assert_eq!(
        lookup.cache_hits(),
        hits + 2,
        "usage writes keep the answer valid"
    );

    let regenerated = app.regenerate(Some(&cookie), str_of(&created["id"])).await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
    let old = app.me(&key).await;
    assert_error(&old, StatusCode::UNAUTHORIZED, INVALID_API_KEY);
    assert_eq!(
        lookup.cache_hits(),
        hits + 2,
        "the old key was not answered from memory"
    );
    let new_key = str_of(&regenerated.json["fullKey"]).to_owned();
    assert_eq!(app.me(&new_key).await.status, StatusCode::OK);
}

/// The epochs as stored.
async fn stored_epochs(app: &TestApp) -> keyward::server::services::key_epochs::Epochs {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            keyward::server::services::key_epochs::READ_SQL,
        ))
        .await
        .expect("epochs");
    keyward::server::services::key_epochs::epochs_from_rows(rows.iter().map(|row| {
        (
            row.try_get_by_index::<i16>(0).expect("shard"),
            row.try_get_by_index::<i64>(1).expect("epoch"),
        )
    }))
    .expect("every shard")
}

/// The database trigger that moves the epochs and `key_epochs::shard_of` must agree on each
/// key's shard; usage writes must move no epoch, and an owner's new email must move them all.
#[tokio::test]
async fn changing_a_key_moves_its_shard_and_usage_writes_move_nothing() {
    use keyward::server::services::key_epochs::{shard_of, SHARDS};
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    if !app.url.starts_with("postgres") {
        return; // the triggers are PostgreSQL's, as is the cache they guard
    }
    app.register("epochs@example.com").await;
    let owner = app.user_id("epochs@example.com").await;
    let digits = "0123456789abcdef";
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, created_at) \
             SELECT gen_random_uuid(), '{owner}', 'shard-' || d, \
                    d || substr(md5(d) || md5(d || 'x'), 2), 'pk_live_fill', now() \
             FROM regexp_split_to_table('{digits}', '') d"
        ))
        .await
        .expect("one key per shard");
    for digit in digits.chars() {
        let hash_sql = format!("SELECT key_hash FROM api_keys WHERE name = 'shard-{digit}'");
        let before = stored_epochs(&app).await;
        app.db
            .execute_unprepared(&format!(
                "UPDATE api_keys SET expires_at = now() + interval '1 day' \
                 WHERE key_hash = ({hash_sql})"
            ))
            .await
            .expect("change the key");
        let after = stored_epochs(&app).await;
        let shard = shard_of(&digit.to_string());
        for s in 0..SHARDS {
            let moved = after[s] - before[s];
            assert_eq!(
                moved,
                i64::from(s == shard),
                "key in shard {shard}: shard {s} moved by {moved}"
            );
        }
    }

    let before = stored_epochs(&app).await;
    app.db
        .execute_unprepared("UPDATE api_keys SET last_used_at = now()")
        .await
        .expect("a usage write");
    assert_eq!(
        stored_epochs(&app).await,
        before,
        "usage writes move no epoch"
    );

    app.db
        .execute_unprepared(&format!(
            "UPDATE users SET email = 'renamed@example.com' WHERE id = '{owner}'"
        ))
        .await
        .expect("new email");
    let after = stored_epochs(&app).await;
    assert!(
        (0..SHARDS).all(|s| after[s] == before[s] + 1),
        "a new email moves every shard"
    );
}

/// A PostgreSQL test app whose `api_keys` table holds 1,000 live keys of one user and has
/// never been analysed (autovacuum kept away): the planner has no statistics to go on.
/// Returns `None` on SQLite, whose plans are not in question.
async fn never_analysed_table() -> Option<(TestApp, uuid::Uuid)> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::new().await;
    if !app.url.starts_with("postgres") {
        return None;
    }
    let db = &app.db;
    db.execute_unprepared("ALTER TABLE api_keys SET (autovacuum_enabled = false)")
        .await
        .expect("keep autovacuum away");
    app.register("many@example.com").await;
    let owner = app.user_id("many@example.com").await;
    db.execute_unprepared(&format!(
        "INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, created_at, lineage_id) \
         SELECT gen_random_uuid(), '{owner}', 'filler-' || g, md5(g::text) || md5((g + 1)::text), \
                'pk_live_fill', now(), NULL \
         FROM generate_series(1, 1000) g"
    ))
    .await
    .expect("seed keys");
    let analysed = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT (last_analyze IS NULL AND last_autoanalyze IS NULL)::text \
             FROM pg_stat_user_tables WHERE relname = 'api_keys'",
        ))
        .await
        .expect("stats")
        .expect("a row")
        .try_get_by_index::<String>(0)
        .expect("bool");
    assert_eq!(analysed, "true", "the table must not have been analysed");
    Some((app, owner))
}

/// The plans PostgreSQL makes for `sql` (placeholders `$1`…) run with `args` (SQL literals):
/// the one-off (custom) plan, and the generic plan a prepared statement settles on after a
/// few executions, which is what the driver's statement cache ends up running.
async fn plans(app: &TestApp, sql: &str, args: &[String]) -> Vec<(&'static str, String)> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let mut plans = Vec::new();
    for mode in ["force_custom_plan", "force_generic_plan"] {
        let txn = sea_orm::TransactionTrait::begin(&app.db)
            .await
            .expect("txn");
        txn.execute_unprepared(&format!("SET LOCAL plan_cache_mode = {mode}"))
            .await
            .expect("plan mode");
        txn.execute_unprepared(&format!("PREPARE planned AS {sql}"))
            .await
            .expect("prepare");
        let plan = txn
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("EXPLAIN EXECUTE planned({})", args.join(", ")),
            ))
            .await
            .expect("explain");
        let plan: Vec<String> = plan
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("plan line"))
            .collect();
        plans.push((mode, plan.join("\n")));
        // Prepared statements outlive transactions.
        txn.execute_unprepared("DEALLOCATE planned")
            .await
            .expect("deallocate");
        txn.rollback().await.expect("rollback");
    }
    plans
}

/// A statement sea-orm builds, as SQL with placeholders and its values as SQL literals.
fn postgres_sql(statement: &impl sea_orm::QueryTrait) -> (String, Vec<String>) {
    use sea_orm::sea_query::{PostgresQueryBuilder, QueryBuilder};
    let built = statement.build(sea_orm::DbBackend::Postgres);
    let args = built
        .values
        .iter()
        .flat_map(|values| values.0.iter())
        .map(|value| PostgresQueryBuilder.value_to_string(value))
        .collect();
    (built.sql, args)
}

/// On a table PostgreSQL has never analysed, the lookup must still go through the unique
/// hash index, for the one-off plan and for the generic plan a prepared statement settles on.
#[tokio::test]
async fn the_lookup_uses_the_hash_index_on_a_never_analysed_table() {
    let Some((app, _)) = never_analysed_table().await else {
        return; // SQLite runs the same lookup through sea-orm
    };
    let lookup = keyward::server::services::key_lookup::LOOKUP_SQL;
    for (mode, plan) in plans(&app, lookup, &[format!("'{}'", "0".repeat(64))]).await {
        assert!(
            plan.contains("uq_api_keys_key_hash"),
            "{mode}: the lookup does not use the unique hash index:\n{plan}"
        );
    }
}

/// Regenerate and the detail page find one key by id and owner. On a never-analysed table
/// they must go through the primary key, not scan the owner's live keys through the partial
/// (user_id, created_at) index: that cost 18–26 ms per regenerate for a user with many keys.
#[tokio::test]
async fn regenerate_and_detail_find_the_key_by_primary_key_on_a_never_analysed_table() {
    use keyward::server::services::api_keys::{retire_key, versions_of};
    let Some((app, owner)) = never_analysed_table().await else {
        return;
    };
    let key_id = uuid::Uuid::new_v4();
    let statements = [
        (
            "regenerate",
            postgres_sql(&retire_key(owner, key_id, chrono::Utc::now())),
        ),
        ("detail", postgres_sql(&versions_of(owner, key_id))),
    ];
    for (what, (sql, args)) in statements {
        for (mode, plan) in plans(&app, &sql, &args).await {
            assert!(
                plan.contains("api_keys_pkey") && !plan.contains("idx_api_keys_user_live_created"),
                "{what}, {mode}: not planned through the primary key:\n{plan}"
            );
        }
    }
}
