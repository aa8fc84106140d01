//! Limits that hold whatever the instances' clocks say, and the per-user limit on key
//! changes that keeps one account from flooding everyone.
use crate::common::server_process::ServerProcess;
use crate::common::*;
use keyward::server::config::Config;

/// Two instances, one with its clock 20 minutes fast: the sign-in throttle still evaluates
/// exactly 10 failures in its window. Counted by each instance's clock, the fast one would
/// count a different window, and its start-up purge would delete the other's failures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_hold_exactly_across_instances_whose_clocks_disagree() {
    let _heavy = heavy_test().await;
    let a = TestApp::new().await;
    if !a.is_postgres() {
        return skip(
            "limits_hold_exactly_across_instances_whose_clocks_disagree",
            "an embedded SQLite file is one instance on one clock",
        );
    }
    a.register("skewed@example.com").await;
    let wrong = json!({ "email": "skewed@example.com", "password": "not the password" });
    for _ in 0..6 {
        let resp = a.post_json(LOGIN, &wrong, None).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{}", resp.text);
    }
    let b = ServerProcess::start(&a.url, &[("KEYWARD_TEST_CLOCK_OFFSET_SECS", "1200")]).await;
    for i in 0..4 {
        let resp = http(b.addr, "POST", LOGIN, &[], Some(&wrong)).await;
        assert_eq!(
            resp.status,
            401,
            "failure {} of 10, on the fast instance: {}",
            7 + i,
            resp.body
        );
    }
    let eleventh = http(b.addr, "POST", LOGIN, &[], Some(&wrong)).await;
    assert_eq!(eleventh.status, 429, "{}\n{}", eleventh.body, b.output());
    let right = json!({ "email": "skewed@example.com", "password": PASSWORD });
    assert_eq!(
        a.post_json(LOGIN, &right, None).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        http(b.addr, "POST", LOGIN, &[], Some(&right)).await.status,
        429
    );
}

/// A script that creates keys as fast as it can gets 100 an hour, then 429 with Retry-After;
/// creates and regenerates count together; a refused or failed one does not count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_changes_are_limited_per_user() {
    let _heavy = heavy_test().await;
    let app = TestApp::new().await;
    let cookie = app.register("script@example.com").await;
    let other = app.register("person@example.com").await;
    let burst: Vec<_> = (0..200)
        .map(|i| {
            let router = app.router.clone();
            let request = json_request(
                "POST",
                KEYS,
                &json!({ "name": format!("k{i}") }),
                Some(&cookie),
            );
            tokio::spawn(async move { send_to(router, request).await })
        })
        .collect();
    let mut created = Vec::new();
    let mut limited = 0;
    for answer in burst {
        let answer = answer.await.expect("task");
        match answer.status {
            StatusCode::OK => created.push(answer.json),
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(answer
                    .header("retry-after")
                    .and_then(|v| v.parse::<u64>().ok())
                    .is_some_and(|s| (1..=3600).contains(&s)));
                limited += 1;
            }
            other => panic!("{other}: {}", answer.text),
        }
    }
    assert_eq!(created.len(), 100, "200 creates in a burst: 100 allowed");
    assert_eq!(limited, 100);
    // Regenerates count in the same allowance.
    let regenerate = app
        .regenerate(Some(&cookie), str_of(&created[0]["id"]))
        .await;
    assert_error_status(&regenerate, StatusCode::TOO_MANY_REQUESTS);
    // Another user is not affected.
    assert_eq!(
        app.post_json(KEYS, &json!({ "name": "mine" }), Some(&other))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.list_keys(&cookie).await.len(), 100);
}

/// A duplicate name (400) or an unknown key (404) does not use up the allowance.
#[tokio::test]
async fn failed_key_changes_do_not_count() {
    let app = TestApp::with_config(Config {
        key_changes_per_hour: 2,
        ..Config::default()
    })
    .await;
    let cookie = app.register("careful@example.com").await;
    app.create_key(&cookie, "One").await;
    for _ in 0..5 {
        let duplicate = app
            .post_json(KEYS, &json!({ "name": "One" }), Some(&cookie))
            .await;
        assert_error(&duplicate, StatusCode::BAD_REQUEST, DUPLICATE_NAME);
        let unknown = app
            .regenerate(Some(&cookie), "0196e0f3-1b2c-7a4d-8e5f-6a7b8c9d0e1f")
            .await;
        assert_error(&unknown, StatusCode::NOT_FOUND, KEY_NOT_FOUND);
    }
    app.create_key(&cookie, "Two").await;
    let third = app
        .post_json(KEYS, &json!({ "name": "Three" }), Some(&cookie))
        .await;
    assert_error_status(&third, StatusCode::TOO_MANY_REQUESTS);
}
