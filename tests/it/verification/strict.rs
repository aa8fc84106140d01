//! Strict verification: a replaced key is refused everywhere the moment its regenerate returns.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use axum::Router;
use keyward::server::config::Config;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering;
use std::sync::Arc;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_regenerated_key_is_refused_by_another_instance_at_once() {
    let _heavy = heavy_test().await;
    // 2 × 1,000 regenerates by one user: far past the hourly allowance of a person.
    let config = Config {
        key_changes_per_hour: 10_000,
        ..Config::default()
    };
    let a = TestApp::with_config(config.clone()).await;
    let (b, b_state) = a.second_instance(config).await;
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
    if a.is_postgres() {
        // Not a vacuous pass: B was answering from memory while the old keys were refused.
        assert!(b_state.verifier.cache_hits() > 0, "B never used its cache");
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
    if !app.is_postgres() {
        return skip(
            "a_remembered_key_survives_usage_writes_and_not_its_regenerate",
            "SQLite's lookup is not cached",
        );
    }
    let cookie = app.register("cached@example.com").await;
    let created = app.create_key(&cookie, "Cached").await;
    let key = str_of(&created["fullKey"]).to_owned();
    let lookup = &app.state.verifier;

    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    let hits = lookup.cache_hits();
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    assert_eq!(
        lookup.cache_hits(),
        hits + 1,
        "the second use is answered from memory"
    );

    let written = app
        .state
        .verifier
        .usage()
        .flush(&app.db)
        .await
        .expect("flush");
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

/// A change of the owner's email reaches the other instance's answers, not only its epochs.
#[tokio::test]
async fn a_new_email_is_what_the_other_instance_answers() {
    use sea_orm::ConnectionTrait;
    let a = TestApp::new().await;
    let (b, _) = a.second_instance(Config::default()).await;
    let cookie = a.register("before@example.com").await;
    let key = str_of(&a.create_key(&cookie, "Email").await["fullKey"]).to_owned();
    let first = send_to(b.clone(), me_request(&key)).await;
    assert_eq!(first.json["user"]["email"], "before@example.com");
    a.db.execute_unprepared(
        "UPDATE users SET email = 'after@example.com' WHERE email = 'before@example.com'",
    )
    .await
    .expect("change the email");
    let second = send_to(b, me_request(&key)).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.json["user"]["email"], "after@example.com");
}
