//! The epochs that invalidate remembered answers: each key change moves its own shard only,
//! usage writes move none, and an old copy of the table cannot bring a replaced key back.
use super::me_request;
use crate::common::*;
use axum::http::StatusCode;
use keyward::server::config::Config;

/// The epochs as stored.
async fn stored_epochs(app: &TestApp) -> keyward::server::services::verification::epochs::Epochs {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            keyward::server::services::verification::epochs::READ_SQL,
        ))
        .await
        .expect("epochs");
    keyward::server::services::verification::epochs::epochs_from_rows(rows.iter().map(|row| {
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
    use keyward::server::services::verification::epochs::{shard_of, SHARDS};
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    if !app.is_postgres() {
        return skip(
            "changing_a_key_moves_its_shard_and_usage_writes_move_nothing",
            "the triggers are PostgreSQL's, as is the cache they guard",
        );
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
            assert_eq!(
                after[s] != before[s],
                s == shard,
                "key in shard {shard}: shard {s} went from {} to {}",
                before[s],
                after[s]
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
        (0..SHARDS).all(|s| after[s] != before[s]),
        "a new email moves every shard"
    );
}

/// A restore puts the epochs table back to an earlier copy (a point-in-time restore, a
/// promoted standby that missed the last commits, the table re-created). With counters, the
/// next change landed on a value another instance still remembered, and that instance
/// accepted a replaced key. Random values do not come back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_copy_of_the_epochs_cannot_bring_a_replaced_key_back() {
    use keyward::server::keys::hash_key;
    use keyward::server::services::verification::epochs::shard_of;
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let a = TestApp::new().await;
    if !a.is_postgres() {
        return skip(
            "an_old_copy_of_the_epochs_cannot_bring_a_replaced_key_back",
            "the epochs guard PostgreSQL's cache; SQLite's lookup is not cached",
        );
    }
    let (b, _) = a.second_instance(Config::default()).await;
    let cookie = a.register("restore@example.com").await;
    let k = a.create_key(&cookie, "K").await;
    let k_key = str_of(&k["fullKey"]).to_owned();
    let shard = shard_of(&hash_key(&k_key));
    // J: another key in K's shard.
    let mut j_id = None;
    for i in 0..80 {
        let j = a.create_key(&cookie, &format!("J{i}")).await;
        if shard_of(&hash_key(str_of(&j["fullKey"]))) == shard {
            j_id = Some(str_of(&j["id"]).to_owned());
            break;
        }
    }
    let j_id = j_id.expect("a key in the same shard within 80 tries");
    let me_on_b = |key: String| {
        let b = b.clone();
        async move { send_to(b, me_request(&key)).await.status }
    };

    assert_eq!(
        me_on_b(k_key.clone()).await,
        StatusCode::OK,
        "B remembers K"
    );
    let snapshot: Vec<(i16, i64)> =
        a.db.query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT shard, epoch FROM api_key_epochs",
        ))
        .await
        .expect("snapshot")
        .iter()
        .map(|row| {
            (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        a.regenerate(Some(&cookie), &j_id).await.status,
        StatusCode::OK
    );
    assert_eq!(
        me_on_b(k_key.clone()).await,
        StatusCode::OK,
        "B remembers K again"
    );
    // The restore: the rows put back as they were, as a restore writes them.
    let values: Vec<String> = snapshot
        .iter()
        .map(|(s, e)| format!("({s}, {e})"))
        .collect();
    a.db.execute_unprepared(&format!(
        "DELETE FROM api_key_epochs; INSERT INTO api_key_epochs (shard, epoch) VALUES {}",
        values.join(", ")
    ))
    .await
    .expect("restore the old copy");
    let replaced = a.regenerate(Some(&cookie), str_of(&k["id"])).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(
        me_on_b(k_key).await,
        StatusCode::UNAUTHORIZED,
        "B accepted K after its regenerate"
    );
}
