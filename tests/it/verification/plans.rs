//! Query plans: the hot lookups use their indexes whatever the statistics.
use crate::common::*;

/// A PostgreSQL test app whose `api_keys` table holds 1,000 live keys of one user and has
/// never been analysed (autovacuum kept away): the planner has no statistics to go on.
/// Returns `None` on SQLite, whose plans are not in question.
async fn never_analysed_table() -> Option<(TestApp, uuid::Uuid)> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::new().await;
    if !app.is_postgres() {
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

/// The hot lookups (key by hash, session by token hash) bind their parameter as text; the
/// columns must compare with text without a cast, or PostgreSQL cannot use the index and
/// scans the whole table on every request (a `char(64)` column did exactly that).
#[tokio::test]
async fn hash_lookups_can_use_their_indexes() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let db = keyward::server::db::connect(&create_postgres_database().await, 10)
        .await
        .expect("connect");
    db.execute_unprepared("SET enable_seqscan = off")
        .await
        .expect("set");
    for (table, column) in [("api_keys", "key_hash"), ("sessions", "token_hash")] {
        let sql = format!("EXPLAIN SELECT * FROM {table} WHERE {column} = $1");
        let plan = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                ["0".repeat(64).into()],
            ))
            .await
            .expect("explain");
        let text: Vec<String> = plan
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("plan line"))
            .collect();
        let text = text.join("\n");
        assert!(
            text.contains("Index"),
            "{table}.{column} lookup cannot use an index:\n{text}"
        );
    }
}

/// On a table PostgreSQL has never analysed, the lookup must still go through the unique
/// hash index, for the one-off plan and for the generic plan a prepared statement settles on.
#[tokio::test]
async fn the_lookup_uses_the_hash_index_on_a_never_analysed_table() {
    let Some((app, _)) = never_analysed_table().await else {
        return skip(
            "the_lookup_uses_the_hash_index_on_a_never_analysed_table",
            "SQLite runs the same lookup through sea-orm, and its plans are not in question",
        );
    };
    let lookup = keyward::server::services::verification::pg_pipeline::LOOKUP_SQL;
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
        return skip(
            "regenerate_and_detail_find_the_key_by_primary_key_on_a_never_analysed_table",
            "SQLite's plans are not in question",
        );
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
