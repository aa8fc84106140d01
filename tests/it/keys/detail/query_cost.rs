//! The detail takes a fixed number of queries, however long the key's history.
use super::me_with;
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The detail costs the same number of queries for a key regenerated twice as for one
/// regenerated twenty times.
#[tokio::test]
async fn the_detail_takes_a_fixed_number_of_queries_whatever_the_history() {
    let app = TestApp::new().await;
    let cookie = app.register("queries@example.com").await;
    let mut counted_db = keyward::server::db::connect(&app.url, 10)
        .await
        .expect("pool");
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    counted_db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let config = Config {
        database_url: app.url.clone(),
        ..Config::default()
    };
    let counted =
        keyward::site::router::router(AppState::new(config, counted_db).expect("app state"));

    let mut costs = Vec::new();
    for (name, regenerations) in [("Short history", 2), ("Long history", 20)] {
        let created = app.create_key(&cookie, name).await;
        let mut id = str_of(&created["id"]).to_owned();
        for _ in 0..regenerations {
            let resp = app.regenerate(Some(&cookie), &id).await;
            let key = str_of(&resp.json["fullKey"]).to_owned();
            assert_eq!(
                app.send(me_with(&key, Some("192.0.2.1"), Some("ua")))
                    .await
                    .status,
                StatusCode::OK
            );
            id = str_of(&resp.json["id"]).to_owned();
        }
        app.state
            .verifier
            .usage()
            .flush(&app.db)
            .await
            .expect("flush");
        let before = statements.load(Ordering::SeqCst);
        let resp = send_to(
            counted.clone(),
            request(
                "GET",
                &format!("{KEYS}/{id}"),
                &[("cookie", cookie.as_str())],
                Body::empty(),
            ),
        )
        .await;
        assert_eq!(resp.status, StatusCode::OK);
        assert_eq!(
            resp.json["versions"].as_array().unwrap().len(),
            regenerations + 1
        );
        costs.push(statements.load(Ordering::SeqCst) - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "queries for 3 versions vs 21 versions: {costs:?}"
    );
    // The session lookup, then versions, usage, clients, restriction changes, the key's
    // security-log entries and the live version they link to.
    assert!(costs[0] <= 7, "{} queries for one detail", costs[0]);
}
