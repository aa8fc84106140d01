//! Connections that fit several instances: six instances under mixed load share PostgreSQL's
//! default 100 connections with room to spare, and "too many clients" is a 503 the instance
//! recovers from.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::cluster::{Cluster, PASSWORD_ROLE, ROLE_PASSWORD};
use crate::common::*;
use keyward::server::config::Config;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_instances_under_load_fit_in_the_default_hundred_connections() {
    let _heavy = heavy_test().await;
    if !postgres_pass("six_instances_under_load_fit_in_the_default_hundred_connections") {
        return;
    }
    // PostgreSQL's defaults: 100 connections, 3 of them kept for superusers.
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(100))
        .await
        .unwrap();
    let url = cluster.url(PASSWORD_ROLE, "sslmode=disable");
    let config = Config {
        sign_up_max_per_ip: 1000,
        ..Config::default()
    };
    let mut instances = Vec::new();
    for _ in 0..6 {
        instances.push(Arc::new(TestApp::on_url(&url, config.clone()).await));
    }
    let failures = Arc::new(AtomicUsize::new(0));
    let served = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (n, app) in instances.iter().enumerate() {
        // Four clients each: enough to keep every instance's pool busy; more, on two cores
        // shared with PostgreSQL and the rest of the suite, waits on the CPU long enough for
        // a pool's 3 s acquire timeout, which is not what this test measures.
        for t in 0..4 {
            let (app, failures, served) = (app.clone(), failures.clone(), served.clone());
            tasks.push(tokio::spawn(async move {
                let cookie = app.register(&format!("load{n}-{t}@example.com")).await;
                let key = str_of(&app.create_key(&cookie, "Load").await["fullKey"]).to_owned();
                for round in 0..40 {
                    let answers = [
                        app.me(&key).await,
                        app.get(KEYS, Some(&cookie)).await,
                        if round % 10 == 0 {
                            app.post_json(
                                KEYS,
                                &json!({ "name": format!("r{round}") }),
                                Some(&cookie),
                            )
                            .await
                        } else {
                            app.get("/settings/api-keys", Some(&cookie)).await
                        },
                    ];
                    for answer in answers {
                        if answer.status.is_server_error() {
                            failures.fetch_add(1, Ordering::Relaxed);
                            eprintln!("instance {n}: {} {}", answer.status, answer.text);
                        } else {
                            served.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
    }
    // While they run: how many connections the instances hold.
    let monitor = TestApp::on_url(
        &cluster.url("postgres", "sslmode=disable"),
        Config {
            max_connections: 1,
            key_lookup_connections: 1,
            ..Config::default()
        },
    )
    .await;
    let mut most = 0;
    while !tasks.iter().all(|t| t.is_finished()) {
        let row = monitor
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = '{PASSWORD_ROLE}'"
                ),
            ))
            .await
            .expect("count connections")
            .expect("a row");
        most = most.max(row.try_get::<i64>("", "n").expect("n"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for task in tasks {
        task.await.expect("load task");
    }
    assert_eq!(failures.load(Ordering::Relaxed), 0, "an answer was 5xx");
    assert!(served.load(Ordering::Relaxed) >= 6 * 4 * 40 * 3);
    assert!(
        most <= 6 * 12,
        "six instances held {most} connections, more than 6 × (10 pooled + 2 lookup)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_clients_is_a_503_with_retry_after_and_the_instance_recovers() {
    let _heavy = heavy_test().await;
    if !postgres_pass("too_many_clients_is_a_503_with_retry_after_and_the_instance_recovers") {
        return;
    }
    // 20 connections, 3 kept for superusers: 17 for everyone else, enough for the instance's
    // 10 pooled and 2 lookup connections once nobody else takes them.
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(20))
        .await
        .unwrap();
    let url = cluster.url(PASSWORD_ROLE, "sslmode=disable");
    let app = TestApp::on_url(&url, Config::default()).await;
    let cookie = app.register("crowded@example.com").await;
    // Another client takes every connection left.
    let mut hogs = Vec::new();
    loop {
        let dsn = format!("host=127.0.0.1 port={} user={PASSWORD_ROLE} password={ROLE_PASSWORD} dbname=keyward sslmode=disable", cluster.port);
        match tokio_postgres::connect(&dsn, tokio_postgres::NoTls).await {
            Ok((client, connection)) => {
                tokio::spawn(connection);
                hogs.push(client);
            }
            Err(_) => break,
        }
        assert!(hogs.len() < 30, "the server should run out of connections");
    }
    // Requests that need more connections than the instance holds now.
    let burst: Vec<_> = (0..12)
        .map(|_| {
            let router = app.router.clone();
            let req = request("GET", KEYS, &[("cookie", cookie.as_str())], Body::empty());
            tokio::spawn(async move { send_to(router, req).await })
        })
        .collect();
    let mut refused = 0;
    for answer in burst {
        let answer = answer.await.expect("task");
        assert!(
            answer.status == StatusCode::OK || answer.status == StatusCode::SERVICE_UNAVAILABLE,
            "{}: {}",
            answer.status,
            answer.text
        );
        if answer.status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(answer.header("retry-after").is_some());
            refused += 1;
        }
    }
    assert!(
        refused > 0,
        "with every connection taken, some requests must have been refused"
    );
    drop(hogs);
    for _ in 0..40 {
        let burst: Vec<_> = (0..12)
            .map(|_| {
                let router = app.router.clone();
                let req = request("GET", KEYS, &[("cookie", cookie.as_str())], Body::empty());
                tokio::spawn(async move { send_to(router, req).await.status })
            })
            .collect();
        let mut all_ok = true;
        for status in burst {
            all_ok &= status.await.expect("task") == StatusCode::OK;
        }
        if all_ok {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the instance did not recover once connections were free again");
}
