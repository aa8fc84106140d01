//! A change of a key's restrictions is as strict as a regenerate: once `PATCH` returns, the
//! other instance judges the key by the new rules, whether they tighten or loosen it, idle or
//! under load.
use super::me_request;
use crate::common::*;
use axum::http::StatusCode;
use axum::Router;
use keyward::server::config::Config;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// 1,000 times: on A, fence the key to a network these requests do not come from, or lift
/// the fence; as soon as the 200 arrives, present the key to B. Returns how many answers
/// followed the old rules.
async fn stale_answers_after_patch(a: &TestApp, b: &Router, cookie: &str, name: &str) -> usize {
    let created = a.create_key(cookie, name).await;
    let id = str_of(&created["id"]).to_owned();
    let key = str_of(&created["fullKey"]).to_owned();
    // B knows the key, unrestricted, as a busy instance would.
    assert_eq!(
        send_to(b.clone(), me_request(&key)).await.status,
        StatusCode::OK
    );
    let mut stale = 0;
    for trial in 0..1000 {
        let fenced = trial % 2 == 0;
        let allowed = if fenced {
            json!(["192.0.2.0/24"])
        } else {
            Value::Null
        };
        let patched = a
            .patch_key(cookie, &id, json!({ "allowedIps": allowed }))
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
        let answer = send_to(b.clone(), me_request(&key)).await;
        let expected = if fenced {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        };
        match answer.status {
            status if status == expected => {}
            StatusCode::OK | StatusCode::FORBIDDEN => stale += 1,
            other => panic!("trial {trial}: {other}: {}", answer.text),
        }
    }
    stale
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restriction_change_reaches_another_instance_at_once() {
    let _heavy = heavy_test().await;
    let config = Config {
        key_changes_per_hour: 10_000,
        ..Config::default()
    };
    let a = TestApp::with_config(config.clone()).await;
    let (b, b_state) = a.second_instance(config).await;
    let cookie = a.register("strict-patch@example.com").await;

    assert_eq!(
        stale_answers_after_patch(&a, &b, &cookie, "Fenced while idle").await,
        0,
        "B idle: an answer followed the rules a PATCH had already replaced"
    );

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
    let stale = stale_answers_after_patch(&a, &b, &cookie, "Fenced under load").await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.expect("load task");
    }
    assert!(served.load(Ordering::Relaxed) > 0, "B was under load");
    if a.is_postgres() {
        assert!(b_state.verifier.cache_hits() > 0, "B never used its cache");
    }
    assert_eq!(stale, 0, "B under load: an answer followed replaced rules");

    // Every change is in the key's history, from what to what.
    let listed = a.list_keys(&cookie).await;
    let fenced = listed
        .iter()
        .find(|k| k["name"] == "Fenced under load")
        .expect("listed");
    let detail = a
        .get(
            &format!("/api/api-keys/{}", str_of(&fenced["id"])),
            Some(&cookie),
        )
        .await;
    let changes = detail.json["restrictionChanges"]
        .as_array()
        .expect("changes");
    assert_eq!(changes.len(), 1000);
    assert_eq!(changes[0]["before"]["allowedIps"], json!(["192.0.2.0/24"]));
    assert_eq!(changes[0]["after"]["allowedIps"], Value::Null);
}
