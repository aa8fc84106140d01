//! A key's record: every version, 30 days of usage, recent clients.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use chrono::Duration;
use chrono::Utc;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use serde_json::Value;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::sync::Arc;

async fn detail(app: &TestApp, cookie: Option<&str>, id: &str) -> TestResponse {
    app.get(&format!("{KEYS}/{id}"), cookie).await
}

fn me_with(key: &str, ip: Option<&str>, user_agent: Option<&str>) -> axum::http::Request<Body> {
    let bearer = format!("Bearer {key}");
    let mut headers = vec![("authorization", bearer.as_str())];
    if let Some(ip) = ip {
        headers.push(("x-forwarded-for", ip));
    }
    if let Some(ua) = user_agent {
        headers.push(("user-agent", ua));
    }
    request("GET", "/api/v1/me", &headers, Body::empty())
}

fn today_count(detail: &Value) -> i64 {
    let usage = detail["usage"].as_array().expect("usage");
    usage.last().expect("30 days")["count"]
        .as_i64()
        .expect("count")
}

#[tokio::test]
async fn the_detail_shows_the_whole_lineage_its_usage_and_its_clients() {
    let config = Config {
        trust_forwarded_for: true,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let cookie = app.register("lineage@example.com").await;
    let first = app.create_key(&cookie, "Lineage").await;
    let first_key = str_of(&first["fullKey"]).to_owned();
    for i in 0..3 {
        let ua = format!("client-{i}");
        let resp = app
            .send(me_with(&first_key, Some("198.51.100.1"), Some(&ua)))
            .await;
        assert_eq!(resp.status, StatusCode::OK);
    }
    // Failed and expired attempts are not uses.
    assert_eq!(
        app.send(me_with(&flip_char(&first_key, 20), None, None))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let second = app.regenerate(Some(&cookie), str_of(&first["id"])).await;
    let second_key = str_of(&second.json["fullKey"]).to_owned();
    let long_agent = "x".repeat(300);
    for (ip, ua) in [
        ("203.0.113.1", Some("curl/8.5")),
        ("203.0.113.2", None),
        ("203.0.113.3", Some(long_agent.as_str())),
        ("203.0.113.4", Some("zapier")),
        ("203.0.113.1", Some("curl/8.5")),
    ] {
        assert_eq!(
            app.send(me_with(&second_key, Some(ip), ua)).await.status,
            StatusCode::OK
        );
    }
    // The replaced key's attempt fails and does not count.
    assert_eq!(
        app.send(me_with(&first_key, None, None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.state
        .verifier
        .usage()
        .flush(&app.db)
        .await
        .expect("flush");

    let resp = detail(&app, Some(&cookie), str_of(&second.json["id"])).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    let body = &resp.json;
    assert_fields(body, &["key", "usage", "versions", "recentClients"]);
    assert_fields(
        &body["key"],
        &[
            "id",
            "name",
            "keyPrefix",
            "maskedKey",
            "createdAt",
            "lastUsedAt",
            "expiresAt",
        ],
    );
    assert_eq!(body["key"]["id"], second.json["id"]);

    let usage = body["usage"].as_array().unwrap();
    assert_eq!(usage.len(), 30);
    assert_eq!(
        usage.last().unwrap()["date"],
        Utc::now().format("%Y-%m-%d").to_string()
    );
    assert_eq!(
        usage[0]["date"],
        (Utc::now() - Duration::days(29))
            .format("%Y-%m-%d")
            .to_string()
    );
    assert!(usage.iter().all(|d| d.as_object().unwrap().len() == 2));
    assert_eq!(
        today_count(body),
        8,
        "3 uses of the first version + 5 of the second, nothing else"
    );

    let versions = body["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    for version in versions {
        assert_fields(
            version,
            &["id", "keyPrefix", "maskedKey", "createdAt", "replacedAt"],
        );
        assert!(
            !version.to_string().contains(&first_key[..20])
                && !version.to_string().contains(&second_key[..20])
        );
    }
    assert_eq!(versions[0]["id"], second.json["id"]);
    assert_eq!(versions[0]["replacedAt"], Value::Null);
    assert_eq!(versions[1]["id"], first["id"]);
    assert!(versions[1]["replacedAt"].is_string());

    let clients = body["recentClients"].as_array().unwrap();
    assert_eq!(clients.len(), 5, "{clients:?}");
    for client in clients {
        assert_fields(client, &["ip", "userAgent", "lastSeenAt"]);
    }
    // Most recent first, distinct (ip, user agent) pairs.
    assert_eq!(
        (clients[0]["ip"].as_str(), clients[0]["userAgent"].as_str()),
        (Some("203.0.113.1"), Some("curl/8.5"))
    );
    assert!(clients
        .iter()
        .any(|c| c["ip"] == "203.0.113.2" && c["userAgent"] == ""));
    assert!(clients.iter().any(|c| c["userAgent"] == "x".repeat(200)));
    let seen: Vec<_> = clients
        .iter()
        .map(|c| rfc3339_of(&c["lastSeenAt"]))
        .collect();
    assert!(seen.windows(2).all(|w| w[0] >= w[1]), "{seen:?}");
}

#[tokio::test]
async fn counts_are_exact_across_instances_after_the_flush_and_a_graceful_shutdown() {
    let a = TestApp::new().await;
    let (b, b_state) = a.second_instance(Config::default()).await;
    let cookie = a.register("counts@example.com").await;
    let created = a.create_key(&cookie, "Counted").await;
    let (id, key) = (
        str_of(&created["id"]).to_owned(),
        str_of(&created["fullKey"]).to_owned(),
    );
    for _ in 0..7 {
        assert_eq!(
            a.send(me_with(&key, None, None)).await.status,
            StatusCode::OK
        );
    }
    for _ in 0..5 {
        assert_eq!(
            send_to(b.clone(), me_with(&key, None, None)).await.status,
            StatusCode::OK
        );
    }
    a.state
        .verifier
        .usage()
        .flush(&a.db)
        .await
        .expect("flush A");
    b_state
        .verifier
        .usage()
        .flush(&b_state.db)
        .await
        .expect("flush B");
    assert_eq!(today_count(&detail(&a, Some(&cookie), &id).await.json), 12);

    // A real server: uses pending at shutdown are written by the shutdown itself.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(keyward::site::lifecycle::serve_until(
        listener,
        b_state.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    for _ in 0..4 {
        let status = http_status(addr, "/api/v1/me", &key).await;
        assert_eq!(status, 200);
    }
    assert!(
        b_state.verifier.usage().pending_len() > 0,
        "uses wait for a flush"
    );
    stop.send(()).expect("running");
    server.await.expect("task").expect("clean shutdown");
    assert_eq!(today_count(&detail(&a, Some(&cookie), &id).await.json), 16);
}

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
    // The session lookup, then versions, usage and clients.
    assert!(costs[0] <= 4, "{} queries for one detail", costs[0]);
}

/// What a caller writes is shown as text that cannot turn the page around: a user agent with a
/// direction override, and a forwarded "address" that is not an address at all.
#[tokio::test]
async fn callers_cannot_write_into_the_page() {
    let app = TestApp::with_config(keyward::server::config::Config {
        trust_forwarded_for: true,
        ..Default::default()
    })
    .await;
    let cookie = app.register("callers@example.com").await;
    let created = app.create_key(&cookie, "Callers").await;
    let key = str_of(&created["fullKey"]);
    let agent = "Mozilla/5.0 (evil) \u{202E}fdp.exe";
    for (ip, ua) in [
        ("<img src=x onerror=alert(1)>", agent),
        ("2001:DB8::1", "curl/8"),
    ] {
        let resp = app.send(me_with(key, Some(ip), Some(ua))).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    }
    app.state
        .verifier
        .usage()
        .flush(&app.db)
        .await
        .expect("flush");
    let record = detail(&app, Some(&cookie), str_of(&created["id"])).await;
    let clients = record.json["recentClients"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ips: Vec<&str> = clients.iter().map(|c| str_of(&c["ip"])).collect();
    assert!(
        ips.contains(&"127.0.0.1"),
        "an address that does not parse is not believed: {ips:?}"
    );
    assert!(
        ips.contains(&"2001:db8::1"),
        "addresses are stored normalised: {ips:?}"
    );
    assert!(!record.text.contains("onerror"));
    let agents: Vec<&str> = clients.iter().map(|c| str_of(&c["userAgent"])).collect();
    assert!(
        agents.contains(&"Mozilla/5.0 (evil) \u{FFFD}fdp.exe"),
        "{agents:?}"
    );
    let page = app
        .get(
            &format!("/settings/api-keys/{}", str_of(&created["id"])),
            Some(&cookie),
        )
        .await;
    assert!(
        !page.text.contains('\u{202E}'),
        "a direction override reached the page"
    );
}
