//! Another instance refuses a replaced key as soon as its regenerate returns, idle or under
//! load, and answers with the owner's new email.
use super::me_request;
use crate::common::*;
use axum::http::StatusCode;
use axum::Router;
use keyward::server::config::Config;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering;
use std::sync::Arc;

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
