//! The detail shows every version of a key, 30 days of usage counting only real uses, and
//! the recent clients, most recent first.
use super::{detail, me_with, today_count};
use crate::common::*;
use axum::http::StatusCode;
use chrono::Duration;
use chrono::Utc;
use keyward::server::config::Config;
use serde_json::Value;

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
    assert_fields(
        body,
        &[
            "key",
            "usage",
            "versions",
            "recentClients",
            "restrictionChanges",
            "events",
            "weekReminderSentAt",
            "dayReminderSentAt",
        ],
    );
    assert_fields(&body["key"], &LISTED_FIELDS);
    // Its security-log entries, newest first, each linking to the live version.
    let events = body["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| str_of(&e["kind"])).collect();
    assert_eq!(kinds, ["key_regenerated", "key_created"]);
    assert!(events.iter().all(|e| e["keyId"] == second.json["id"]));
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
    for day in usage {
        assert_fields(day, &["date", "count", "rateLimited"]);
    }
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
