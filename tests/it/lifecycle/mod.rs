//! Running instances: health, shutdown, several instances, outages.
mod connections;
mod database_failures;
mod slow_clients;

use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

const OUTAGE_BOUND: Duration = Duration::from_secs(10);

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::new().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json, json!({ "status": "ok" }));
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json, json!({ "status": "ready" }));
}

#[tokio::test]
async fn graceful_shutdown_flushes_pending_last_used_times() {
    let app = TestApp::new().await;
    let cookie = app.register("shutdown@example.com").await;
    let key = app.create_key(&cookie, "Shutdown").await;
    let (id, secret) = (
        str_of(&key["id"]).to_owned(),
        str_of(&key["fullKey"]).to_owned(),
    );

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(keyward::site::lifecycle::serve_until(
        listener,
        app.state.clone(),
        async {
            let _ = stopped.await;
        },
    ));

    assert_eq!(http_status(addr, "/api/v1/me", &secret).await, 200);
    let first = app
        .key_row(&id)
        .await
        .last_used_at
        .expect("first use written at once");
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(http_status(addr, "/api/v1/me", &secret).await, 200);
    assert_eq!(
        app.key_row(&id).await.last_used_at,
        Some(first),
        "second use still pending"
    );

    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("clean shutdown");
    let after = app.key_row(&id).await.last_used_at.expect("set");
    assert!(
        after > first,
        "shutdown wrote the pending use ({after} > {first})"
    );
}

/// Several routers built at once in one process (parallel tests, several instances) must
/// not break each other: leptos finds the page routes by rendering the app with resource
/// loading switched off by a process-wide flag, and two builds used to clear it under each
/// other, so a resource ran with no request context and panicked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn routers_built_at_the_same_time_do_not_interfere() {
    let app = TestApp::new().await;
    for _ in 0..10 {
        let builds: Vec<_> = (0..8)
            .map(|_| {
                let state = app.state.clone();
                tokio::task::spawn_blocking(move || keyward::site::router::router(state))
            })
            .collect();
        for build in builds {
            let router = build.await.expect("a router builds while others do");
            let page = send_to(router, request("GET", "/login", &[], Body::empty())).await;
            assert_eq!(page.status, StatusCode::OK, "and serves pages");
        }
    }
}

#[tokio::test]
async fn two_instances_on_one_database_behave_as_one() {
    let a = TestApp::new().await;
    let (b_router, _) = a.second_instance(Config::default()).await;
    let on_b = |req| send_to(b_router.clone(), req);

    let cookie = a.register("twice@example.com").await;
    let session = on_b(request(
        "GET",
        "/api/auth/session",
        &[("cookie", cookie.as_str())],
        Body::empty(),
    ))
    .await;
    assert_eq!(session.status, StatusCode::OK, "a cookie from A works on B");

    let key = a.create_key(&cookie, "Shared").await;
    let old = str_of(&key["fullKey"]).to_owned();
    let bearer = |k: &str| format!("Bearer {k}");
    let me_on_b = |k: String| {
        on_b(request(
            "GET",
            "/api/v1/me",
            &[("authorization", bearer(&k).as_str())],
            Body::empty(),
        ))
    };
    assert_eq!(me_on_b(old.clone()).await.status, StatusCode::OK);

    let regenerated = a.regenerate(Some(&cookie), str_of(&key["id"])).await;
    assert_eq!(regenerated.status, StatusCode::OK);
    assert_error(
        &me_on_b(old).await,
        StatusCode::UNAUTHORIZED,
        INVALID_API_KEY,
    );
    assert_eq!(
        me_on_b(str_of(&regenerated.json["fullKey"]).to_owned())
            .await
            .status,
        StatusCode::OK
    );

    let logout = on_b(request(
        "POST",
        "/api/auth/logout",
        &[("cookie", cookie.as_str())],
        Body::empty(),
    ))
    .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert_error(
        &a.get("/api/auth/session", Some(&cookie)).await,
        StatusCode::UNAUTHORIZED,
        UNAUTHORIZED,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_gives_quick_503s_and_the_same_process_recovers() {
    // Always PostgreSQL: the outage is a network one, which SQLite (a file) cannot have.
    let direct = create_postgres_database().await;
    let (base, name) = direct.rsplit_once('/').expect("url with a database name");
    let upstream: SocketAddr = base
        .rsplit('@')
        .next()
        .and_then(|host| host.parse().ok())
        .unwrap_or_else(|| "127.0.0.1:5432".parse().unwrap());
    let proxy = Relay::start(upstream).await;
    let via_proxy = format!("postgres://postgres@{}/{name}", proxy.addr);
    let db = keyward::server::db::connect(&via_proxy, 10)
        .await
        .expect("connect through the proxy");
    let config = Config {
        database_url: via_proxy.clone(),
        ..Config::default()
    };
    let router = keyward::site::router::router(AppState::new(config, db).expect("app state"));
    let send = |req| tokio::time::timeout(OUTAGE_BOUND, send_to(router.clone(), req));
    let get = |path: &'static str, headers: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        request("GET", path, &pairs, Body::empty())
    };

    let registered = send(json_request(
        "POST",
        "/api/auth/register",
        &json!({ "email": "outage@example.com", "password": PASSWORD }),
        None,
    ))
    .await
    .expect("no hang");
    let cookie = registered.session_cookie().expect("cookie");
    let created = send(json_request(
        "POST",
        "/api/api-keys",
        &json!({ "name": "Outage" }),
        Some(&cookie),
    ))
    .await
    .expect("no hang");
    let key = str_of(&created.json["fullKey"]).to_owned();
    let bearer = format!("Bearer {key}");
    // Verified once, so the lookup remembers it: an outage must still answer 503, never the
    // remembered answer without a fresh epoch read.
    let warm = send(get("/api/v1/me", vec![("authorization", bearer.clone())]))
        .await
        .expect("no hang");
    assert_eq!(warm.status, StatusCode::OK, "{}", warm.text);

    proxy.cut();
    let list = send(get("/api/api-keys", vec![("cookie", cookie.clone())]))
        .await
        .expect("503 quickly, no hang");
    assert_error_status(&list, StatusCode::SERVICE_UNAVAILABLE);
    let ready = send(get("/readyz", vec![])).await.expect("no hang");
    assert_error_status(&ready, StatusCode::SERVICE_UNAVAILABLE);
    let me = send(get("/api/v1/me", vec![("authorization", bearer.clone())]))
        .await
        .expect("no hang");
    assert_error_status(&me, StatusCode::SERVICE_UNAVAILABLE);
    // A malformed key is refused without the database: still a 401, not a 503.
    let bad_key = send(get(
        "/api/v1/me",
        vec![("authorization", "Bearer pk_live_nope".into())],
    ))
    .await
    .expect("no hang");
    assert_error(&bad_key, StatusCode::UNAUTHORIZED, INVALID_API_KEY);
    assert_eq!(
        send(get("/healthz", vec![])).await.expect("no hang").status,
        StatusCode::OK
    );

    proxy.restore();
    let mut recovered = None;
    for _ in 0..50 {
        let resp = send(get("/api/api-keys", vec![("cookie", cookie.clone())]))
            .await
            .expect("no hang");
        if resp.status == StatusCode::OK {
            recovered = Some(resp);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let recovered = recovered.expect("the same process serves again once the database is back");
    assert_eq!(
        names(recovered.json["keys"].as_array().expect("keys")),
        vec!["Outage".to_owned()]
    );
    let me = send(get("/api/v1/me", vec![("authorization", bearer)]))
        .await
        .expect("no hang");
    assert_eq!(me.status, StatusCode::OK);
}
