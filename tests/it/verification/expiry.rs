//! Expiry on the verification path: judged when the answer is given, cached or not.
use crate::common::*;
use sea_orm::{ConnectionTrait, TransactionTrait};
use std::time::Duration;

/// Sets `id`'s expiry `millis` from now (which moves its epoch: the next use looks it up
/// afresh).
async fn expire_in(app: &TestApp, id: &str, millis: i64) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut key = app.key_row(id).await.into_active_model();
    key.expires_at = Set(Some(
        chrono::Utc::now() + chrono::Duration::milliseconds(millis),
    ));
    key.update(&app.db).await.expect("set the expiry");
}

/// A remembered key still expires: the cache has no time-to-live, and needs none.
#[tokio::test]
async fn a_remembered_key_expires_on_time() {
    let app = TestApp::new().await;
    let cookie = app.register("ttl@example.com").await;
    let created = app.create_key(&cookie, "Short-lived").await;
    let key = str_of(&created["fullKey"]).to_owned();
    expire_in(&app, str_of(&created["id"]), 1500).await;
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    let hits = app.state.verifier.cache_hits();
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let expired = app.me(&key).await;
    assert_error(&expired, StatusCode::UNAUTHORIZED, "API key expired");
    if app.is_postgres() {
        assert_eq!(
            app.state.verifier.cache_hits(),
            hits + 1,
            "the expired answer came from the cache, which was still in use"
        );
    }
}

/// A key that expires while its request waits (here for an epoch read held up by a lock) is
/// refused: expiry is judged when the answer is given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_expires_while_its_request_waits_is_refused() {
    let app = TestApp::new().await;
    if !app.is_postgres() {
        return skip(
            "a_key_that_expires_while_its_request_waits_is_refused",
            "the wait is made with a lock on PostgreSQL's epochs table",
        );
    }
    let cookie = app.register("waits@example.com").await;
    let created = app.create_key(&cookie, "Waits").await;
    let key = str_of(&created["fullKey"]).to_owned();
    expire_in(&app, str_of(&created["id"]), 700).await;
    let lock = app.db.begin().await.expect("begin");
    lock.execute_unprepared("LOCK TABLE api_key_epochs IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("hold the epochs");
    let router = app.router.clone();
    let bearer = format!("Bearer {key}");
    let waiting = tokio::spawn(async move {
        send_to(
            router,
            request(
                "GET",
                "/api/v1/me",
                &[("authorization", bearer.as_str())],
                Body::empty(),
            ),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !waiting.is_finished(),
        "the request waits for the epoch read"
    );
    lock.commit().await.expect("release");
    let answer = waiting.await.expect("request task");
    assert_error(&answer, StatusCode::UNAUTHORIZED, "API key expired");
}
