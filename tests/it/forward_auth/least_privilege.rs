//! Behind the real nginx and the shipped configuration: a key's scopes, rate limit and
//! allowlist decide what reaches the upstream, and a client cannot choose what is judged.
use super::listening::Listening;
use super::nginx_harness::{start_nginx, start_upstream};
use crate::common::*;
use keyward::server::config::Config;
use keyward::server::permissions::{Catalog, ScopeConfig};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// A catalog like the README's: orders to read, orders to write.
pub(super) fn orders_catalog() -> Arc<Catalog> {
    let scope = |name: &str, allow: &[&str]| ScopeConfig {
        name: name.into(),
        description: format!("{name} for the test"),
        allow: allow.iter().map(|r| (*r).to_owned()).collect(),
    };
    Arc::new(
        Catalog::new(&[
            scope("orders:read", &["GET /orders", "GET /orders/**"]),
            scope(
                "orders:write",
                &["POST /orders", "PUT /orders/*", "PATCH /orders/*"],
            ),
        ])
        .expect("catalog"),
    )
}

/// nginx on this machine forwards from 127.0.0.1: that, and only that, is trusted.
pub(super) fn behind_local_proxy() -> Config {
    Config {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        scopes: orders_catalog(),
        ..Config::default()
    }
}

async fn call(
    port: u16,
    method: &str,
    path: &str,
    key: &str,
    extra: &[(&str, &str)],
) -> HttpAnswer {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("Authorization", auth.as_str())];
    headers.extend_from_slice(extra);
    let body = (method != "GET").then(|| json!({ "id": 1 }));
    http(
        SocketAddr::from(([127, 0, 0, 1], port)),
        method,
        path,
        &headers,
        body.as_ref(),
    )
    .await
}

#[track_caller]
fn assert_json_error(answer: &HttpAnswer, status: u16, message: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(
        serde_json::from_str::<Value>(&answer.body).ok(),
        Some(json!({ "error": message })),
        "{}",
        answer.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scopes_limits_and_allowlists_hold_at_the_proxy() {
    let app = TestApp::with_config(behind_local_proxy()).await;
    let keyward = Listening::start(&app).await;
    let (upstream_addr, upstream) = start_upstream().await;
    let nginx = start_nginx(keyward.addr, upstream_addr).await;
    let port = nginx.port;
    let cookie = app.register("least@example.com").await;
    let key_of = |created: &Value| str_of(&created["fullKey"]).to_owned();

    // Read only: a GET passes, with the granted scopes for the upstream; a POST is refused
    // with the reason and RFC 6750's challenge, and never reaches the upstream.
    let reader = key_of(
        &app.create_key_with(&cookie, json!({ "name": "Reader", "scopes": ["read"] }))
            .await,
    );
    let ok = call(port, "GET", "/orders/7", &reader, &[]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        upstream
            .last_headers
            .lock()
            .unwrap()
            .get("x-keyward-scopes")
            .map(|v| v.to_str().unwrap().to_owned()),
        Some("read".to_owned())
    );
    let post = call(port, "POST", "/orders", &reader, &[]).await;
    assert_json_error(&post, 403, "This key may not POST /orders");
    assert_eq!(
        post.header("www-authenticate"),
        Some(r#"Bearer realm="keyward", error="insufficient_scope""#)
    );
    assert_eq!(
        upstream.calls.load(Ordering::SeqCst),
        1,
        "a refused POST reached the upstream"
    );

    // A client cannot choose what is judged: nginx sets its own X-Original-* and clears the
    // other proxies' names, so the POST is judged as the POST it is.
    for forged in [
        [("X-Original-Method", "GET"), ("X-Original-URI", "/orders")],
        [
            ("X-Forwarded-Method", "GET"),
            ("X-Forwarded-Uri", "/orders"),
        ],
    ] {
        let answer = call(port, "POST", "/orders", &reader, &forged).await;
        assert_json_error(&answer, 403, "This key may not POST /orders");
    }

    // Custom scopes, and paths that try to climb out of them.
    let orders = key_of(
        &app.create_key_with(
            &cookie,
            json!({ "name": "Orders", "scopes": ["orders:read", "orders:write"] }),
        )
        .await,
    );
    assert_eq!(
        call(port, "POST", "/orders", &orders, &[]).await.status,
        200
    );
    assert_eq!(
        call(port, "GET", "/orders/7/lines", &orders, &[])
            .await
            .status,
        200
    );
    for (method, path, judged) in [
        ("DELETE", "/orders/7", "DELETE /orders/7"),
        ("GET", "/orders/../admin", "GET /admin"),
        ("GET", "/orders/%2e%2e/admin", "GET /admin"),
        ("GET", "/orders/..%2fadmin", "GET /admin"),
        ("PUT", "/orders/7/../../admin", "PUT /admin"),
    ] {
        let answer = call(port, method, path, &orders, &[]).await;
        assert_eq!(
            answer.status, 403,
            "{method} {path} passed: {}",
            answer.body
        );
        assert!(
            answer.body.contains(judged) || answer.body.contains("may not"),
            "{method} {path}: {}",
            answer.body
        );
    }
    let before = upstream.calls.load(Ordering::SeqCst);

    // A rate limit: the uses within it pass with the RateLimit fields at the client; the next
    // is a 429 with Retry-After, as Keyward itself answers it, and reaches nobody.
    let limited = key_of(
        &app.create_key_with(
            &cookie,
            json!({ "name": "Limited", "rateLimit": { "requests": 3, "perSeconds": 3600 } }),
        )
        .await,
    );
    for left in [2, 1, 0] {
        let ok = call(port, "GET", "/orders", &limited, &[]).await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert_eq!(ok.header("ratelimit-policy"), Some(r#""key";q=3;w=3600"#));
        let fields = ok.header("ratelimit").expect("RateLimit on success");
        assert!(
            fields.starts_with(&format!(r#""key";r={left};t="#)),
            "{fields}"
        );
    }
    let over = call(port, "GET", "/orders", &limited, &[]).await;
    assert_json_error(&over, 429, "Rate limit exceeded");
    let retry: u64 = over
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=3600).contains(&retry), "Retry-After {retry}");
    assert_eq!(over.header("ratelimit-policy"), Some(r#""key";q=3;w=3600"#));
    assert!(over
        .header("ratelimit")
        .is_some_and(|v| v.starts_with(r#""key";r=0;t="#)));
    assert!(
        over.header("x-keyward-status").is_none(),
        "nginx's signal leaked to the client"
    );
    assert_eq!(upstream.calls.load(Ordering::SeqCst), before + 3);

    // An allowlist: nginx forwards from 127.0.0.1, which Keyward trusts to name the client.
    let fenced = key_of(
        &app.create_key_with(
            &cookie,
            json!({ "name": "Fenced", "allowedIps": ["192.0.2.0/24"] }),
        )
        .await,
    );
    let outside = call(port, "GET", "/orders", &fenced, &[]).await;
    assert_json_error(&outside, 403, "This key may not be used from 127.0.0.1");
    // A client's own X-Forwarded-For cannot move it inside: nginx replaces the header.
    let forged = call(
        port,
        "GET",
        "/orders",
        &fenced,
        &[("X-Forwarded-For", "192.0.2.10")],
    )
    .await;
    assert_json_error(&forged, 403, "This key may not be used from 127.0.0.1");
    let local = key_of(
        &app.create_key_with(
            &cookie,
            json!({ "name": "Local", "allowedIps": ["127.0.0.0/8", "::1"] }),
        )
        .await,
    );
    assert_eq!(call(port, "GET", "/orders", &local, &[]).await.status, 200);
    assert_eq!(upstream.calls.load(Ordering::SeqCst), before + 4);

    drop(nginx);
    keyward.stop().await;
}
