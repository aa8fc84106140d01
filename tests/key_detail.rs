#![cfg(feature = "ssr")]
//! Optional expiry, and the key detail: `GET /api/api-keys/{id}` and its page.
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use common::*;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::{json, Value};

const KEYS: &str = "/api/api-keys";

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn create_raw(app: &TestApp, cookie: &str, body: Value) -> TestResponse {
    app.post_json(KEYS, &body, Some(cookie)).await
}

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

/// Makes a one-day key a day and a second old, as time passing would.
async fn age_past_expiry(app: &TestApp, id: &str) {
    let mut row = app.key_row(id).await.into_active_model();
    row.created_at = Set(Utc::now() - Duration::days(1) - Duration::seconds(1));
    row.expires_at = Set(Some(Utc::now() - Duration::seconds(1)));
    row.update(&app.db).await.expect("age the key");
}

fn today_count(detail: &Value) -> i64 {
    let usage = detail["usage"].as_array().expect("usage");
    usage.last().expect("30 days")["count"]
        .as_i64()
        .expect("count")
}

#[tokio::test]
async fn expiry_is_optional_in_the_future_and_at_most_366_days_ahead() {
    let app = TestApp::new().await;
    let cookie = app.register("expiry@example.com").await;

    let never = create_raw(&app, &cookie, json!({ "name": "Never" })).await;
    assert_eq!(never.status, StatusCode::OK);
    assert_eq!(never.json["expiresAt"], Value::Null);
    let null = create_raw(&app, &cookie, json!({ "name": "Null", "expiresAt": null })).await;
    assert_eq!(null.json["expiresAt"], Value::Null);

    let in_a_week = Utc::now() + Duration::days(7);
    let week = create_raw(
        &app,
        &cookie,
        json!({ "name": "Week", "expiresAt": rfc3339(in_a_week) }),
    )
    .await;
    assert_eq!(week.status, StatusCode::OK, "{}", week.text);
    let stored = rfc3339_of(&week.json["expiresAt"]);
    assert!((stored.timestamp_millis() - in_a_week.timestamp_millis()).abs() <= 1);
    let almost_a_year = Utc::now() + Duration::days(366) - Duration::minutes(1);
    let year = create_raw(
        &app,
        &cookie,
        json!({ "name": "Year", "expiresAt": rfc3339(almost_a_year) }),
    )
    .await;
    assert_eq!(year.status, StatusCode::OK, "{}", year.text);

    let now = rfc3339(Utc::now());
    let past = rfc3339(Utc::now() - Duration::minutes(1));
    let too_far = rfc3339(Utc::now() + Duration::days(367));
    for bad in [
        json!(past),
        json!(now),
        json!(too_far),
        json!("tomorrow"),
        json!("2027-13-01T00:00:00Z"),
        json!(1_900_000_000),
        json!({ "days": 7 }),
        json!(["2027-01-01T00:00:00Z"]),
        json!(true),
    ] {
        let resp = create_raw(&app, &cookie, json!({ "name": "Bad", "expiresAt": bad })).await;
        assert_error_status(&resp, StatusCode::BAD_REQUEST);
        assert!(
            str_of(&resp.json["error"]).contains("expiresAt"),
            "{bad}: {}",
            resp.text
        );
    }
    let listed = app.list_keys(&cookie).await;
    assert_eq!(
        names(&listed),
        ["Year", "Week", "Null", "Never"],
        "no bad request created a key"
    );
    for key in &listed {
        assert!(key.as_object().unwrap().contains_key("expiresAt"), "{key}");
    }
}

#[tokio::test]
async fn an_expired_key_is_refused_everywhere_with_the_reason_and_stays_listed() {
    let app = TestApp::new().await;
    let (b, _) = app.second_instance(Config::default()).await;
    let cookie = app.register("expired@example.com").await;
    let created = create_raw(
        &app,
        &cookie,
        json!({
            "name": "Short", "expiresAt": rfc3339(Utc::now() + Duration::days(1)),
        }),
    )
    .await;
    let (id, key) = (
        str_of(&created.json["id"]).to_owned(),
        str_of(&created.json["fullKey"]).to_owned(),
    );
    assert_eq!(
        send_to(b.clone(), me_with(&key, None, None)).await.status,
        StatusCode::OK
    );

    age_past_expiry(&app, &id).await;
    for router in [app.router.clone(), b.clone()] {
        let resp = send_to(router, me_with(&key, None, None)).await;
        assert_error(&resp, StatusCode::UNAUTHORIZED, "API key expired");
        assert!(resp
            .header("www-authenticate")
            .unwrap_or_default()
            .starts_with("Bearer"));
    }
    let listed = app.list_keys(&cookie).await;
    assert_eq!(
        names(&listed),
        ["Short"],
        "an expired key stays in the list"
    );
    assert!(rfc3339_of(&listed[0]["expiresAt"]) < Utc::now());

    // It can be regenerated; the new secret works, for a new day.
    let regenerated = app.regenerate(Some(&cookie), &id).await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
    assert!(rfc3339_of(&regenerated.json["expiresAt"]) > Utc::now() + Duration::hours(23));
    let fresh = str_of(&regenerated.json["fullKey"]).to_owned();
    assert_eq!(
        send_to(b, me_with(&fresh, None, None)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn regenerate_keeps_the_lifetime() {
    let app = TestApp::new().await;
    let cookie = app.register("lifetime@example.com").await;
    let ninety = create_raw(
        &app,
        &cookie,
        json!({
            "name": "Ninety", "expiresAt": rfc3339(Utc::now() + Duration::days(90)),
        }),
    )
    .await;
    let never = app.create_key(&cookie, "Forever").await;

    // Make the 90-day key 30 days old: its successor must still get a full 90 days.
    let id = str_of(&ninety.json["id"]).to_owned();
    let row = app.key_row(&id).await;
    let lifetime = row.expires_at.unwrap() - row.created_at;
    let mut aged = row.into_active_model();
    aged.created_at = Set(Utc::now() - Duration::days(30));
    aged.expires_at = Set(Some(Utc::now() - Duration::days(30) + lifetime));
    aged.update(&app.db).await.expect("age the key");

    let before = Utc::now();
    let regenerated = app.regenerate(Some(&cookie), &id).await;
    let after = Utc::now();
    let expires = rfc3339_of(&regenerated.json["expiresAt"]).with_timezone(&Utc);
    assert!(
        expires >= before + lifetime - Duration::milliseconds(1) && expires <= after + lifetime,
        "{expires}"
    );

    let kept = app.regenerate(Some(&cookie), str_of(&never["id"])).await;
    assert_eq!(
        kept.json["expiresAt"],
        Value::Null,
        "a key that never expired still does not"
    );
}

#[tokio::test]
async fn the_detail_is_owner_only_and_404s_like_regenerate() {
    let app = TestApp::new().await;
    let owner = app.register("owner@example.com").await;
    let other = app.register("other@example.com").await;
    let created = app.create_key(&owner, "Mine").await;
    let id = str_of(&created["id"]).to_owned();

    assert_eq!(detail(&app, Some(&owner), &id).await.status, StatusCode::OK);
    assert_error(
        &detail(&app, None, &id).await,
        StatusCode::UNAUTHORIZED,
        UNAUTHORIZED,
    );
    assert_error(
        &detail(&app, Some(&other), &id).await,
        StatusCode::NOT_FOUND,
        KEY_NOT_FOUND,
    );
    assert_error(
        &detail(&app, Some(&owner), "not-a-uuid").await,
        StatusCode::NOT_FOUND,
        KEY_NOT_FOUND,
    );
    assert_error(
        &detail(&app, Some(&owner), &uuid::Uuid::now_v7().to_string()).await,
        StatusCode::NOT_FOUND,
        KEY_NOT_FOUND,
    );
    assert_eq!(
        app.regenerate(Some(&owner), &id).await.status,
        StatusCode::OK
    );
    assert_error(
        &detail(&app, Some(&owner), &id).await,
        StatusCode::NOT_FOUND,
        KEY_NOT_FOUND,
    );

    // The page follows the same rules, with the not-found page and a real 404.
    let live = str_of(&app.list_keys(&owner).await[0]["id"]).to_owned();
    let page = app
        .get(&format!("/settings/api-keys/{live}"), Some(&owner))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Mine") && page.text.contains("<svg"),
        "the page shows the key and its chart"
    );
    for missing in [id.as_str(), "not-a-uuid", &uuid::Uuid::now_v7().to_string()] {
        let page = app
            .get(&format!("/settings/api-keys/{missing}"), Some(&owner))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(page.text.contains("Page not found"));
    }
    let foreign = app
        .get(&format!("/settings/api-keys/{live}"), Some(&other))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(!foreign.text.contains("Mine"));
    let signed_out = app.get(&format!("/settings/api-keys/{live}"), None).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
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
    app.state.usage.flush(&app.db).await.expect("flush");

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
    a.state.usage.flush(&a.db).await.expect("flush A");
    b_state.usage.flush(&b_state.db).await.expect("flush B");
    assert_eq!(today_count(&detail(&a, Some(&cookie), &id).await.json), 12);

    // A real server: uses pending at shutdown are written by the shutdown itself.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(keyward::server::app::serve_until(
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
    assert!(b_state.usage.pending_len() > 0, "uses wait for a flush");
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
    let mut counted_db = keyward::server::db::connect(&app.url).await.expect("pool");
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    counted_db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let config = Config {
        database_url: app.url.clone(),
        ..Config::default()
    };
    let counted = keyward::server::app::router(AppState::new(config, counted_db));

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
        app.state.usage.flush(&app.db).await.expect("flush");
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
