//! Behind nginx only a valid key reaches the upstream, with who it is and without the key;
//! a use counts, a replaced or expired key is refused, and a stopped Keyward fails closed.
use super::nginx_harness::{start_nginx, start_upstream};
use crate::common::*;
use axum::http::StatusCode;
use keyward::server::config::Config;
use sea_orm::ActiveModelTrait;
use sea_orm::IntoActiveModel;
use sea_orm::Set;
use serde_json::json;
use serde_json::Value;
use std::sync::atomic::Ordering;
use tokio::net::TcpListener;

/// Percent-decodes a header value as an upstream would.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_lets_only_valid_keys_reach_the_upstream() {
    let config = Config {
        trust_forwarded_for: true,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind keyward");
    let keyward = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(keyward::site::lifecycle::serve_until(
        listener,
        app.state.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    let (upstream_addr, upstream) = start_upstream().await;
    let nginx = start_nginx(keyward, upstream_addr).await;
    let get = |headers: Vec<(&'static str, String)>| {
        let port = nginx.port;
        async move {
            let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            http(
                std::net::SocketAddr::from(([127, 0, 0, 1], port)),
                "GET",
                "/orders?page=2",
                &pairs,
                None,
            )
            .await
        }
    };

    let cookie = app.register("nginx@example.com").await;
    let user_id = app.user_id("nginx@example.com").await;
    let created = app.create_key(&cookie, "Orders").await;
    let key = str_of(&created["fullKey"]).to_owned();

    // No key: Keyward's JSON 401, and the upstream never hears of it.
    let refused = get(vec![]).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(
        serde_json::from_str::<Value>(&refused.body).ok(),
        Some(json!({ "error": MISSING_API_KEY }))
    );
    assert!(refused
        .header("www-authenticate")
        .unwrap_or_default()
        .starts_with("Bearer"));
    let bad = get(vec![("Authorization", "Bearer pk_live_nope".into())]).await;
    assert_eq!(bad.status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&bad.body).ok(),
        Some(json!({ "error": INVALID_API_KEY }))
    );
    assert_eq!(
        upstream.calls.load(Ordering::SeqCst),
        0,
        "a refused request reached the upstream"
    );

    // A client that sends an X-Keyward-* header of its own is refused (nginx cannot strip
    // headers by pattern), with Keyward's reason, and the upstream never hears of it.
    for forged in ["X-Keyward-User-Id", "X-Keyward-Error", "X-Keyward-Anything"] {
        let refused = get(vec![
            ("Authorization", format!("Bearer {key}")),
            (forged, "00000000-0000-0000-0000-000000000000".into()),
        ])
        .await;
        assert_eq!(refused.status, 403, "{forged}: {}", refused.body);
        assert_eq!(
            serde_json::from_str::<Value>(&refused.body).ok(),
            Some(json!({
                "error": format!("{forged} is set by Keyward, never by a client; remove it from the request")
            }))
        );
    }
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 0);

    // A valid key reaches the upstream with who it is, and without the key itself.
    let ok = get(vec![
        ("Authorization", format!("Bearer {key}")),
        ("User-Agent", "orders-sync/1.0".into()),
    ])
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(upstream.calls.load(Ordering::SeqCst), 1);
    {
        let seen = upstream.last_headers.lock().unwrap();
        let value = |name: &str| {
            let all: Vec<_> = seen
                .get_all(name)
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect();
            assert!(
                all.len() <= 1,
                "{name} arrived {} times: {all:?}",
                all.len()
            );
            all.into_iter().next()
        };
        assert_eq!(value("x-keyward-user-id"), Some(user_id.to_string()));
        assert_eq!(
            value("x-keyward-user-email"),
            Some("nginx@example.com".into())
        );
        assert_eq!(
            value("x-keyward-key-id"),
            created["id"].as_str().map(str::to_owned)
        );
        assert_eq!(value("x-keyward-key-name"), Some("Orders".into()));
        assert_eq!(value("x-keyward-error"), None);
        assert_eq!(
            value("authorization"),
            None,
            "the Keyward key went on to the API"
        );
    }
    // The X-API-Key header works through the proxy too, and is not passed on either.
    assert_eq!(get(vec![("X-API-Key", key.clone())]).await.status, 200);
    assert!(upstream
        .last_headers
        .lock()
        .unwrap()
        .get("x-api-key")
        .is_none());

    // A use through the proxy counts like a call to /me: the key's usage and recent clients,
    // with the caller's address as nginx saw it and its user agent.
    app.state
        .verifier
        .usage()
        .flush(&app.db)
        .await
        .expect("flush");
    let detail = app
        .get(
            &format!("/api/api-keys/{}", str_of(&created["id"])),
            Some(&cookie),
        )
        .await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.text);
    let today = detail.json["usage"]
        .as_array()
        .and_then(|u| u.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(today["count"], 2, "two proxied calls today");
    let clients = detail.json["recentClients"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        clients
            .iter()
            .any(|c| c["ip"] == "127.0.0.1" && c["userAgent"] == "orders-sync/1.0"),
        "{clients:?}"
    );

    // Regenerated a moment ago: the old key is refused through the proxy at once.
    let regenerated = app.regenerate(Some(&cookie), str_of(&created["id"])).await;
    assert_eq!(regenerated.status, StatusCode::OK);
    let calls = upstream.calls.load(Ordering::SeqCst);
    let old = get(vec![("Authorization", format!("Bearer {key}"))]).await;
    assert_eq!(old.status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&old.body).ok(),
        Some(json!({ "error": INVALID_API_KEY }))
    );
    let new_key = str_of(&regenerated.json["fullKey"]).to_owned();
    assert_eq!(
        get(vec![("Authorization", format!("Bearer {new_key}"))])
            .await
            .status,
        200
    );
    assert_eq!(upstream.calls.load(Ordering::SeqCst), calls + 1);

    // An expired key is refused with the reason.
    let expiring = app.create_key(&cookie, "Expiring").await;
    let row = app.key_row(str_of(&expiring["id"])).await;
    let mut active = row.into_active_model();
    active.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    active.update(&app.db).await.expect("expire the key");
    let expired = get(vec![(
        "Authorization",
        format!("Bearer {}", str_of(&expiring["fullKey"])),
    )])
    .await;
    assert_eq!(expired.status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&expired.body).ok(),
        Some(json!({ "error": "API key expired" }))
    );

    // A name with CR/LF and non-ASCII (a row older than today's rules) arrives intact and
    // cannot split a header.
    let odd = app.create_key(&cookie, "Odd").await;
    let odd_name = "Caf\u{e9}\r\nX-Injected: yes 👩‍💻";
    let mut active = app.key_row(str_of(&odd["id"])).await.into_active_model();
    active.name = Set(odd_name.to_owned());
    active.update(&app.db).await.expect("rename");
    let through = get(vec![(
        "Authorization",
        format!("Bearer {}", str_of(&odd["fullKey"])),
    )])
    .await;
    assert_eq!(through.status, 200, "{}", through.body);
    {
        let seen = upstream.last_headers.lock().unwrap();
        assert!(
            seen.get("x-injected").is_none(),
            "a key name injected a header"
        );
        let name = seen
            .get("x-keyward-key-name")
            .expect("name header")
            .to_str()
            .unwrap();
        assert_eq!(percent_decode(name), odd_name);
    }

    // Keyward stopped: the proxy fails closed and the upstream is never called.
    stop.send(()).expect("server running");
    server.await.expect("server task").expect("clean shutdown");
    let calls = upstream.calls.load(Ordering::SeqCst);
    let down = get(vec![("Authorization", format!("Bearer {new_key}"))]).await;
    assert!(
        (500..600).contains(&down.status),
        "Keyward down answered {}",
        down.status
    );
    assert_eq!(
        upstream.calls.load(Ordering::SeqCst),
        calls,
        "a request passed while Keyward was down"
    );
    drop(nginx);
}
