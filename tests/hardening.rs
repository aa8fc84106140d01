#![cfg(feature = "ssr")]
//! Production hardening: sign-in throttling, health checks, security headers, last-used
//! coalescing and its flush on shutdown, two instances on one database, and surviving a
//! database outage.
mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

async fn failed_login(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        "/api/auth/login",
        &json!({ "email": email, "password": "not the password" }),
        None,
    )
    .await
}

async fn good_login(app: &TestApp, email: &str) -> TestResponse {
    app.post_json(
        "/api/auth/login",
        &json!({ "email": email, "password": PASSWORD }),
        None,
    )
    .await
}

#[track_caller]
fn assert_throttled(resp: &TestResponse) {
    assert_error_status(resp, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = resp
        .header("retry-after")
        .expect("a 429 carries Retry-After")
        .parse()
        .expect("Retry-After is a number of seconds");
    assert!(
        (1..=900).contains(&retry_after),
        "Retry-After {retry_after} outside the window"
    );
}

#[tokio::test]
async fn ten_failures_lock_an_email_even_for_the_right_password() {
    let app = TestApp::new().await;
    app.register("victim@example.com").await;
    app.register("bystander@example.com").await;
    for _ in 0..10 {
        assert_error(
            &failed_login(&app, "victim@example.com").await,
            StatusCode::UNAUTHORIZED,
            INVALID_CREDENTIALS,
        );
    }
    assert_throttled(&good_login(&app, "victim@example.com").await);
    assert_throttled(&failed_login(&app, "Victim@Example.com ").await);
    // Another account from the same client is not locked out by someone else's failures.
    assert_eq!(
        good_login(&app, "bystander@example.com").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_email_counter() {
    let app = TestApp::new().await;
    app.register("forgetful@example.com").await;
    for _ in 0..9 {
        assert_eq!(
            failed_login(&app, "forgetful@example.com").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        good_login(&app, "forgetful@example.com").await.status,
        StatusCode::OK
    );
    for _ in 0..10 {
        assert_eq!(
            failed_login(&app, "forgetful@example.com").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_throttled(&failed_login(&app, "forgetful@example.com").await);
}

#[tokio::test]
async fn failures_from_one_ip_across_emails_are_throttled() {
    let config = Config {
        login_max_failures_per_ip: 5,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    for i in 0..5 {
        let resp = failed_login(&app, &format!("guess{i}@example.com")).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    assert_throttled(&failed_login(&app, "guess-next@example.com").await);
}

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
async fn pages_carry_a_nonce_csp_and_hardening_headers() {
    let app = TestApp::new().await;
    let first = app.get("/login", None).await;
    assert_eq!(first.status, StatusCode::OK);
    let csp = first
        .header("content-security-policy")
        .expect("pages carry a CSP")
        .to_owned();
    for part in [
        "script-src 'self' 'nonce-",
        "'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "CSP {csp:?} lacks {part:?}");
    }
    assert!(
        !csp.contains("'unsafe-inline'"),
        "CSP must not allow inline scripts: {csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce");
    assert!(
        first.text.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the header's nonce"
    );
    assert_eq!(first.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(first.header("referrer-policy"), Some("same-origin"));
    assert_eq!(first.header("cache-control"), Some("no-store"));

    let second = app.get("/login", None).await;
    let csp2 = second.header("content-security-policy").unwrap_or_default();
    assert_ne!(csp, csp2, "every response gets a fresh nonce");
}

#[tokio::test]
async fn api_answers_with_secrets_or_lists_are_not_cacheable() {
    let app = TestApp::new().await;
    let cookie = app.register("headers@example.com").await;
    let created = app
        .post_json("/api/api-keys", &json!({ "name": "Cache" }), Some(&cookie))
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let list = app.get("/api/api-keys", Some(&cookie)).await;
    for resp in [&created, &list] {
        assert_eq!(resp.header("cache-control"), Some("no-store"));
        assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
        assert!(resp
            .header("content-security-policy")
            .unwrap_or_default()
            .contains("frame-ancestors 'none'"));
    }
}

#[tokio::test]
async fn later_uses_within_the_quiet_period_are_coalesced_until_a_flush() {
    let app = TestApp::new().await;
    let cookie = app.register("busy@example.com").await;
    let key = app.create_key(&cookie, "Busy").await;
    let (id, secret) = (
        str_of(&key["id"]).to_owned(),
        str_of(&key["fullKey"]).to_owned(),
    );

    assert_eq!(app.me(&secret).await.status, StatusCode::OK);
    let first = app
        .key_row(&id)
        .await
        .last_used_at
        .expect("the first use is written at once");
    assert!(app.list_keys(&cookie).await[0]["lastUsedAt"].is_string());

    for _ in 0..50 {
        assert_eq!(app.me(&secret).await.status, StatusCode::OK);
    }
    assert_eq!(
        app.key_row(&id).await.last_used_at,
        Some(first),
        "later uses wait for the flush"
    );
    assert_eq!(
        app.state.usage.pending_len(),
        1,
        "fifty uses of one key are one pending write"
    );

    assert_eq!(app.state.usage.flush(&app.db).await.expect("flush"), 1);
    let flushed = app.key_row(&id).await.last_used_at.expect("still set");
    assert!(
        flushed > first,
        "the flush writes the latest use ({flushed} > {first})"
    );
    assert_eq!(app.state.usage.pending_len(), 0);
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
    let server = tokio::spawn(keyward::server::app::serve_until(
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
                tokio::task::spawn_blocking(move || keyward::server::app::router(state))
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

/// A TCP proxy in front of PostgreSQL that can be cut (every connection dropped, new ones
/// refused) and restored: a database outage without touching the shared server.
struct CuttableProxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl CuttableProxy {
    async fn start(upstream: SocketAddr) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, links2) = (up.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropping the socket refuses the connection
                }
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                links2.lock().unwrap().push(link);
            }
        });
        CuttableProxy { addr, up, links }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

const OUTAGE_BOUND: Duration = Duration::from_secs(10);

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
    let proxy = CuttableProxy::start(upstream).await;
    let via_proxy = format!("postgres://postgres@{}/{name}", proxy.addr);
    let db = keyward::server::db::connect(&via_proxy)
        .await
        .expect("connect through the proxy");
    let config = Config {
        database_url: via_proxy.clone(),
        ..Config::default()
    };
    let router = keyward::server::app::router(AppState::new(config, db));
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

/// The hot lookups (key by hash, session by token hash) bind their parameter as text; the
/// columns must compare with text without a cast, or PostgreSQL cannot use the index and
/// scans the whole table on every request (a `char(64)` column did exactly that).
#[tokio::test]
async fn hash_lookups_can_use_their_indexes() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let db = keyward::server::db::connect(&create_postgres_database().await)
        .await
        .expect("connect");
    db.execute_unprepared("SET enable_seqscan = off")
        .await
        .expect("set");
    for (table, column) in [("api_keys", "key_hash"), ("sessions", "token_hash")] {
        let sql = format!("EXPLAIN SELECT * FROM {table} WHERE {column} = $1");
        let plan = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                ["0".repeat(64).into()],
            ))
            .await
            .expect("explain");
        let text: Vec<String> = plan
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("plan line"))
            .collect();
        let text = text.join("\n");
        assert!(
            text.contains("Index"),
            "{table}.{column} lookup cannot use an index:\n{text}"
        );
    }
}

/// Static files: content-hashed names are cached for good, the brotli file compressed at
/// build time is sent as is to browsers that take brotli, and a missing file is never cached.
#[tokio::test]
async fn hashed_static_files_are_immutable_and_sent_precompressed() {
    let site = std::env::temp_dir().join(format!("keyward-site-{}", uuid::Uuid::new_v4().simple()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site dir");
    let hashed = "keyward.Ab3dEf6hIj9lMn2pQr5tUv.wasm";
    std::fs::write(pkg.join(hashed), b"\0asm raw bytes").expect("wasm");
    std::fs::write(pkg.join(format!("{hashed}.br")), b"pretend brotli").expect("br");
    std::fs::write(pkg.join("keyward.css"), b"body{}").expect("css");
    let config = Config {
        site_root: site.display().to_string(),
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let get = |path: String, encoding: &'static str| {
        request(
            "GET",
            &path,
            &[("accept-encoding", encoding)],
            Body::empty(),
        )
    };

    let br = app.send(get(format!("/pkg/{hashed}"), "gzip, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(&br.body[..], b"pretend brotli");
    assert_eq!(
        br.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    let plain = app.send(get(format!("/pkg/{hashed}"), "identity")).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(&plain.body[..], b"\0asm raw bytes");

    // Unhashed names (development builds) are revalidated; missing files are not kept.
    let css = app.send(get("/pkg/keyward.css".into(), "identity")).await;
    assert_eq!(css.header("cache-control"), Some("no-cache"));
    let missing = app
        .send(get("/pkg/keyward.Zz3dEf6hIj9lMn2pQr5tUv.wasm".into(), "br"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(
        missing.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let _ = std::fs::remove_dir_all(&site);
}
