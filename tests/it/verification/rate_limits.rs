//! Per-key rate limits across two instances sharing one database: nothing under the limit is
//! refused, one instance never admits more than the limit, two never more than 120 % of it,
//! and refused uses are counted apart from the key's usage.
use super::strict::me_request;
use crate::common::*;
use axum::http::StatusCode;
use axum::Router;
use chrono::Utc;
use keyward::server::config::Config;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const LIMIT: u64 = 100;
/// A day: the window cannot end during the test unless it runs across midnight UTC, which the
/// test notices and then runs again.
const WINDOW: u64 = 86_400;

fn limited_key(name: &str) -> Value {
    json!({ "name": name, "rateLimit": { "requests": LIMIT, "perSeconds": WINDOW } })
}

fn same_day(start: chrono::DateTime<Utc>) -> bool {
    start.date_naive() == Utc::now().date_naive()
}

/// Hammers `instance` with `key` from 8 tasks until each has been refused 5 times; returns how
/// many uses it admitted and how many it refused.
fn hammer(instance: Router, key: String) -> tokio::task::JoinHandle<(u64, u64)> {
    tokio::spawn(async move {
        let admitted = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (instance, key, admitted, refused) = (
                    instance.clone(),
                    key.clone(),
                    admitted.clone(),
                    refused.clone(),
                );
                tokio::spawn(async move {
                    let mut mine = 0;
                    while mine < 5 {
                        let answer = send_to(instance.clone(), me_request(&key)).await;
                        match answer.status {
                            StatusCode::OK => admitted.fetch_add(1, Ordering::SeqCst),
                            StatusCode::TOO_MANY_REQUESTS => {
                                mine += 1;
                                refused.fetch_add(1, Ordering::SeqCst)
                            }
                            other => panic!("{other}: {}", answer.text),
                        };
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        (
            admitted.load(Ordering::SeqCst),
            refused.load(Ordering::SeqCst),
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_keep_a_key_within_its_limit() {
    let _heavy = heavy_test().await;
    let a = TestApp::new().await;
    let (b, b_state) = a.second_instance(Config::default()).await;
    let cookie = a.register("rate@example.com").await;

    loop {
        let start = Utc::now();
        // Taking turns: every use under the limit passes, wherever it lands.
        let created = a
            .create_key_with(&cookie, limited_key(&format!("Turns {start}")))
            .await;
        let key = str_of(&created["fullKey"]).to_owned();
        for n in 0..LIMIT {
            let instance = if n % 2 == 0 {
                a.router.clone()
            } else {
                b.clone()
            };
            let answer = send_to(instance, me_request(&key)).await;
            assert_eq!(
                answer.status,
                StatusCode::OK,
                "use {} of {LIMIT} refused: {}",
                n + 1,
                answer.text
            );
        }
        // Past it, each instance may admit what it has not seen the other report (at most a
        // block, a tenth of the limit), then refuses.
        let mut extra = 0;
        let mut last = Vec::new();
        for n in 0..(LIMIT / 2) {
            let instance = if n % 2 == 0 {
                a.router.clone()
            } else {
                b.clone()
            };
            let answer = send_to(instance, me_request(&key)).await;
            match answer.status {
                StatusCode::OK => extra += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    assert_eq!(answer.json, json!({ "error": "Rate limit exceeded" }));
                }
                other => panic!("{other}: {}", answer.text),
            }
            last.push(answer.status);
        }
        assert!(
            (LIMIT + extra) * 100 <= LIMIT * 120,
            "{extra} uses past the limit"
        );
        assert!(
            last[last.len() - 10..]
                .iter()
                .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
            "both instances refuse once the limit is spent: {last:?}"
        );

        // Both at once, as hard as they can.
        let created = a
            .create_key_with(&cookie, limited_key(&format!("Flood {start}")))
            .await;
        let id = str_of(&created["id"]).to_owned();
        let key = str_of(&created["fullKey"]).to_owned();
        let on_a = hammer(a.router.clone(), key.clone());
        let on_b = hammer(b.clone(), key.clone());
        let (admitted_a, refused_a) = on_a.await.expect("A");
        let (admitted_b, refused_b) = on_b.await.expect("B");
        if !same_day(start) {
            continue; // The window ended mid-test: a new one began.
        }
        let admitted = admitted_a + admitted_b;
        assert!(
            admitted_a <= LIMIT && admitted_b <= LIMIT,
            "one instance admitted more than the limit: {admitted_a}, {admitted_b}"
        );
        assert!(
            admitted >= LIMIT,
            "uses under the limit were refused: {admitted} admitted"
        );
        assert!(
            admitted * 100 <= LIMIT * 120,
            "two instances admitted {admitted} uses of a {LIMIT}-use limit (A {admitted_a}, B {admitted_b})"
        );

        // The chart counts what was admitted; what was refused shows apart.
        a.state
            .verifier
            .usage()
            .flush(&a.db)
            .await
            .expect("flush A");
        b_state
            .verifier
            .usage()
            .flush(&a.db)
            .await
            .expect("flush B");
        let detail = a.get(&format!("/api/api-keys/{id}"), Some(&cookie)).await;
        let today = detail.json["usage"]
            .as_array()
            .and_then(|u| u.last().cloned())
            .expect("usage");
        assert_eq!(today["count"], json!(admitted));
        assert_eq!(today["rateLimited"], json!(refused_a + refused_b));
        break;
    }
}
