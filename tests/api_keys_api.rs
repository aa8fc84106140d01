//! Managing API keys over HTTP with a session cookie: list, create, regenerate, the
//! validation rules, races, isolation between users and last-used tracking.
#![cfg(feature = "ssr")]

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{json, Value};
use tokio::sync::Barrier;
use uuid::Uuid;

use common::{
    TestApp, DUPLICATE_NAME, INVALID_API_KEY, KEY_NOT_FOUND, NAME_NOT_STRING, NAME_REQUIRED,
    NAME_TOO_LONG, UNAUTHORIZED,
};

const KEYS: &str = "/api/api-keys";
const CREATED_FIELDS: [&str; 7] = [
    "createdAt",
    "expiresAt",
    "fullKey",
    "id",
    "keyPrefix",
    "maskedKey",
    "name",
];
const LISTED_FIELDS: [&str; 7] = [
    "createdAt",
    "expiresAt",
    "id",
    "keyPrefix",
    "lastUsedAt",
    "maskedKey",
    "name",
];

/// Checks the answer of create/regenerate and returns the full key.
#[track_caller]
fn assert_created_shape(created: &Value, name: &str) -> String {
    common::assert_fields(created, &CREATED_FIELDS);
    common::uuid_of(&created["id"]);
    assert_eq!(created["name"], name);
    let full = common::str_of(&created["fullKey"]).to_owned();
    common::assert_key_format(&full);
    let prefix = &full[..12];
    assert_eq!(created["keyPrefix"], prefix);
    assert_eq!(created["maskedKey"], format!("{prefix}****"));
    common::rfc3339_of(&created["createdAt"]);
    full
}

async fn create_raw(app: &TestApp, cookie: &str, body: &Value) -> common::TestResponse {
    app.post_json(KEYS, body, Some(cookie)).await
}

#[tokio::test]
async fn listing_and_creating_require_a_session() {
    let app = TestApp::new().await;
    let list = app.get(KEYS, None).await;
    common::assert_error(&list, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let garbage = app.get(KEYS, Some("keyward_session=garbage")).await;
    common::assert_error(&garbage, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let create = app
        .post_json(KEYS, &json!({ "name": "Zapier" }), None)
        .await;
    common::assert_error(&create, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    assert!(app.all_key_rows().await.is_empty());
}

#[tokio::test]
async fn a_new_user_has_no_keys() {
    let app = TestApp::new().await;
    let cookie = app.register("new@example.com").await;
    let resp = app.get(KEYS, Some(cookie.as_str())).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    assert_eq!(resp.json, json!({ "keys": [] }));
}

#[tokio::test]
async fn create_reveals_the_key_once_and_the_list_never_does() {
    let app = TestApp::new().await;
    let cookie = app.register("zap@example.com").await;
    let created = app.create_key(&cookie, "Zapier").await;
    let full = assert_created_shape(&created, "Zapier");
    let row = app.key_row(common::str_of(&created["id"])).await;

    let resp = app.get(KEYS, Some(cookie.as_str())).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    common::assert_fields(&resp.json, &["keys"]);
    let keys = resp.json["keys"].as_array().expect("keys array");
    assert_eq!(keys.len(), 1, "{}", resp.text);
    let listed = &keys[0];
    common::assert_fields(listed, &LISTED_FIELDS);
    for field in ["id", "name", "keyPrefix", "maskedKey", "createdAt"] {
        assert_eq!(listed[field], created[field], "{field} differs");
    }
    assert!(listed["lastUsedAt"].is_null(), "{listed}");

    assert!(!resp.text.contains(&full), "the list reveals the full key");
    assert!(
        !resp.text.contains(&full[12..]),
        "the list reveals the secret part"
    );
    assert!(
        !resp.text.contains(&row.key_hash),
        "the list reveals the key hash"
    );
    assert!(
        !created.to_string().contains(&row.key_hash),
        "create reveals the key hash"
    );
}

#[tokio::test]
async fn the_database_keeps_only_a_hash_of_the_key() {
    let app = TestApp::new().await;
    let cookie = app.register("db@example.com").await;
    let user_id = app.user_id("db@example.com").await;
    let created = app.create_key(&cookie, "CI").await;
    let full = assert_created_shape(&created, "CI");

    let row = app.key_row(common::str_of(&created["id"])).await;
    assert_eq!(row.user_id, user_id);
    assert_eq!(row.name, "CI");
    assert!(
        common::is_lower_hex_64(&row.key_hash),
        "key_hash {:?} is not 64 lower-case hex characters",
        row.key_hash
    );
    assert_ne!(row.key_hash, full);
    assert_eq!(row.key_prefix, &full[..12]);
    let reported = common::rfc3339_of(&created["createdAt"]).timestamp_millis();
    assert!(
        (row.created_at.timestamp_millis() - reported).abs() < 1000,
        "createdAt {reported} ms does not match the row's {}",
        row.created_at
    );
    assert!(row.last_used_at.is_none());
    assert!(row.deleted_at.is_none());
    assert!(row.replaces_id.is_none());

    // No column of any row holds the key or its secret part.
    let secret = &full[8..];
    for row in app.all_key_rows().await {
        let dump = format!("{row:?}");
        assert!(!dump.contains(secret), "a column holds the key: {dump}");
    }
}

#[tokio::test]
async fn keys_are_listed_newest_first() {
    let app = TestApp::new().await;
    let cookie = app.register("order@example.com").await;
    for name in ["A", "B", "C"] {
        app.create_key(&cookie, name).await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let keys = app.list_keys(&cookie).await;
    assert_eq!(common::names(&keys), ["C", "B", "A"]);
}

#[tokio::test]
async fn names_are_trimmed() {
    let app = TestApp::new().await;
    let cookie = app.register("trim@example.com").await;
    let created = app.create_key(&cookie, "  Spaced  ").await;
    assert_created_shape(&created, "Spaced");
    assert_eq!(
        app.key_row(common::str_of(&created["id"])).await.name,
        "Spaced"
    );
    assert_eq!(common::names(&app.list_keys(&cookie).await), ["Spaced"]);
}

#[tokio::test]
async fn invalid_names_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("names@example.com").await;

    let cases = [
        (json!({ "name": "" }), NAME_REQUIRED),
        (json!({ "name": "   " }), NAME_REQUIRED),
        (json!({}), NAME_REQUIRED),
        (json!({ "name": "a".repeat(101) }), NAME_TOO_LONG),
        (json!({ "name": "é".repeat(101) }), NAME_TOO_LONG),
        (json!({ "name": 5 }), NAME_NOT_STRING),
    ];
    for (body, message) in cases {
        let resp = create_raw(&app, &cookie, &body).await;
        assert_eq!(
            resp.status,
            StatusCode::BAD_REQUEST,
            "for {body}: {}",
            resp.text
        );
        common::assert_error(&resp, StatusCode::BAD_REQUEST, message);
    }

    let malformed = app
        .send(common::request(
            "POST",
            KEYS,
            &[
                ("content-type", "application/json"),
                ("cookie", cookie.as_str()),
            ],
            Body::from(r#"{"name": "#),
        ))
        .await;
    common::assert_error_status(&malformed, StatusCode::BAD_REQUEST);

    assert!(app.list_keys(&cookie).await.is_empty());
    assert!(app.all_key_rows().await.is_empty());
}

#[tokio::test]
async fn a_hundred_multi_byte_characters_are_accepted() {
    let app = TestApp::new().await;
    let cookie = app.register("utf8@example.com").await;
    for name in ["é".repeat(100), "🔑".repeat(100), "a".repeat(100)] {
        let created = app.create_key(&cookie, &name).await;
        assert_created_shape(&created, &name);
        assert_eq!(app.key_row(common::str_of(&created["id"])).await.name, name);
    }
    assert_eq!(app.list_keys(&cookie).await.len(), 3);
}

#[tokio::test]
async fn names_are_unique_per_user() {
    let app = TestApp::new().await;
    let alice = app.register("alice@example.com").await;
    let bob = app.register("bob@example.com").await;
    app.create_key(&alice, "Zapier").await;

    for name in ["Zapier", "  Zapier "] {
        let resp = create_raw(&app, &alice, &json!({ "name": name })).await;
        common::assert_error(&resp, StatusCode::BAD_REQUEST, DUPLICATE_NAME);
    }
    assert_eq!(common::names(&app.list_keys(&alice).await), ["Zapier"]);

    // Another user may use the same name.
    let created = app.create_key(&bob, "Zapier").await;
    assert_created_shape(&created, "Zapier");
    assert_eq!(common::names(&app.list_keys(&bob).await), ["Zapier"]);
    assert_eq!(app.list_keys(&alice).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_with_one_name_make_exactly_one_key() {
    const TASKS: usize = 20;
    let app = TestApp::new().await;
    let cookie = app.register("race@example.com").await;
    let user_id = app.user_id("race@example.com").await;
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let router = app.router.clone();
            let barrier = Arc::clone(&barrier);
            let request = common::json_request(
                "POST",
                KEYS,
                &json!({ "name": "Race" }),
                Some(cookie.as_str()),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                common::send_to(router, request).await
            })
        })
        .collect();

    let mut created = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let resp = task.await.expect("request task panicked");
        if resp.status == StatusCode::OK {
            created.push(resp.json);
        } else {
            common::assert_error(&resp, StatusCode::BAD_REQUEST, DUPLICATE_NAME);
            refused += 1;
        }
    }
    assert_eq!(created.len(), 1, "successful creates: {created:?}");
    assert_eq!(refused, TASKS - 1);

    let keys = app.list_keys(&cookie).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], created[0]["id"]);
    assert_eq!(app.key_rows_of(user_id).await.len(), 1);
}

#[tokio::test]
async fn regenerate_replaces_the_secret_under_the_same_name() {
    let app = TestApp::new().await;
    let cookie = app.register("regen@example.com").await;
    let old = app.create_key(&cookie, "Zapier").await;
    let old_key = assert_created_shape(&old, "Zapier");
    let old_id = common::str_of(&old["id"]).to_owned();
    assert_eq!(app.me(&old_key).await.status, StatusCode::OK);

    let resp = app.regenerate(Some(cookie.as_str()), &old_id).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    let new_key = assert_created_shape(&resp.json, "Zapier");
    let new_id = common::str_of(&resp.json["id"]).to_owned();
    assert_ne!(new_id, old_id);
    assert_ne!(new_key, old_key);

    let keys = app.list_keys(&cookie).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["id"], new_id.as_str());
    assert_eq!(keys[0]["name"], "Zapier");
    assert_eq!(keys[0]["keyPrefix"], &new_key[..12]);

    let old_row = app.key_row(&old_id).await;
    assert!(
        old_row.deleted_at.is_some(),
        "the old row was not soft-deleted"
    );
    let new_row = app.key_row(&new_id).await;
    assert!(new_row.deleted_at.is_none());
    assert_eq!(new_row.replaces_id, Some(old_row.id));
    assert_eq!(new_row.name, "Zapier");
    assert_ne!(new_row.key_hash, old_row.key_hash);

    common::assert_error(
        &app.me(&old_key).await,
        StatusCode::UNAUTHORIZED,
        INVALID_API_KEY,
    );
    let me = app.me(&new_key).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json["key"]["id"], new_id.as_str());

    // The replaced key can no longer be regenerated.
    let again = app.regenerate(Some(cookie.as_str()), &old_id).await;
    common::assert_error(&again, StatusCode::NOT_FOUND, KEY_NOT_FOUND);
    assert_eq!(app.list_keys(&cookie).await.len(), 1);
}

#[tokio::test]
async fn regenerate_answers_404_for_keys_the_user_cannot_see() {
    let app = TestApp::new().await;
    let alice = app.register("alice@example.com").await;
    let mallory = app.register("mallory@example.com").await;
    let created = app.create_key(&alice, "Zapier").await;
    let key = assert_created_shape(&created, "Zapier");
    let id = common::str_of(&created["id"]).to_owned();

    let unknown = app
        .regenerate(Some(alice.as_str()), &Uuid::new_v4().to_string())
        .await;
    common::assert_error(&unknown, StatusCode::NOT_FOUND, KEY_NOT_FOUND);

    let malformed = app.regenerate(Some(alice.as_str()), "not-a-uuid").await;
    common::assert_error(&malformed, StatusCode::NOT_FOUND, KEY_NOT_FOUND);

    let foreign = app.regenerate(Some(mallory.as_str()), &id).await;
    common::assert_error(&foreign, StatusCode::NOT_FOUND, KEY_NOT_FOUND);
    assert_eq!(
        foreign.text, unknown.text,
        "a foreign key is distinguishable"
    );

    let signed_out = app.regenerate(None, &id).await;
    common::assert_error(&signed_out, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    // Nothing happened to the key.
    let keys = app.list_keys(&alice).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], id.as_str());
    assert!(app.key_row(&id).await.deleted_at.is_none());
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    assert_eq!(app.all_key_rows().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_regenerates_replace_a_key_once() {
    let app = TestApp::new().await;
    let cookie = app.register("double@example.com").await;
    let user_id = app.user_id("double@example.com").await;
    let created = app.create_key(&cookie, "Zapier").await;
    let old_id = common::str_of(&created["id"]).to_owned();

    let barrier = Arc::new(Barrier::new(2));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let router = app.router.clone();
            let barrier = Arc::clone(&barrier);
            let request = common::request(
                "POST",
                &format!("{KEYS}/{old_id}"),
                &[("cookie", cookie.as_str())],
                Body::empty(),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                common::send_to(router, request).await
            })
        })
        .collect();

    let mut winners = Vec::new();
    let mut losers = 0;
    for task in tasks {
        let resp = task.await.expect("request task panicked");
        if resp.status == StatusCode::OK {
            winners.push(resp.json);
        } else {
            common::assert_error(&resp, StatusCode::NOT_FOUND, KEY_NOT_FOUND);
            losers += 1;
        }
    }
    assert_eq!(winners.len(), 1, "successful regenerates: {winners:?}");
    assert_eq!(losers, 1);

    let keys = app.list_keys(&cookie).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["id"], winners[0]["id"]);
    assert_eq!(keys[0]["name"], "Zapier");

    let rows = app.key_rows_of(user_id).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    let live: Vec<_> = rows.iter().filter(|r| r.deleted_at.is_none()).collect();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].replaces_id, Some(common::uuid_of(&created["id"])));
}

#[tokio::test]
async fn users_cannot_see_or_touch_each_others_keys() {
    let app = TestApp::new().await;
    let alice = app.register("alice@example.com").await;
    let bob = app.register("bob@example.com").await;
    let zapier = app.create_key(&alice, "Zapier").await;
    let ci = app.create_key(&alice, "CI").await;
    let alice_key = assert_created_shape(&zapier, "Zapier");
    let mine = app.create_key(&bob, "Mine").await;

    let bob_list = app.get(KEYS, Some(bob.as_str())).await;
    assert_eq!(bob_list.status, StatusCode::OK, "{}", bob_list.text);
    let bob_keys = bob_list.json["keys"].as_array().expect("keys array");
    assert_eq!(bob_keys.len(), 1);
    assert_eq!(bob_keys[0]["id"], mine["id"]);
    for foreign in [&zapier, &ci] {
        assert!(!bob_list.text.contains(common::str_of(&foreign["id"])));
        assert!(!bob_list
            .text
            .contains(common::str_of(&foreign["keyPrefix"])));
    }

    let zapier_id = common::str_of(&zapier["id"]);
    let resp = app.regenerate(Some(bob.as_str()), zapier_id).await;
    common::assert_error(&resp, StatusCode::NOT_FOUND, KEY_NOT_FOUND);

    let mut alice_names = common::names(&app.list_keys(&alice).await);
    alice_names.sort();
    assert_eq!(alice_names, ["CI", "Zapier"]);
    assert!(app.key_row(zapier_id).await.deleted_at.is_none());
    let me = app.me(&alice_key).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json["user"]["email"], "alice@example.com");
}

#[tokio::test]
async fn keys_cannot_be_deleted() {
    let app = TestApp::new().await;
    let cookie = app.register("del@example.com").await;
    let created = app.create_key(&cookie, "Keep").await;
    let key = assert_created_shape(&created, "Keep");
    let id = common::str_of(&created["id"]).to_owned();

    let resp = app
        .send(common::request(
            "DELETE",
            &format!("{KEYS}/{id}"),
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await;
    common::assert_error_status(&resp, StatusCode::METHOD_NOT_ALLOWED);

    let keys = app.list_keys(&cookie).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], id.as_str());
    let row = app.key_row(&id).await;
    assert!(row.deleted_at.is_none());
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
}

#[tokio::test]
async fn cross_site_key_changes_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("csrf@example.com").await;

    let create = app
        .send(common::request(
            "POST",
            KEYS,
            &[
                ("content-type", "application/json"),
                ("cookie", cookie.as_str()),
                ("origin", "https://evil.example"),
                ("host", "localhost:3000"),
            ],
            Body::from(json!({ "name": "Evil" }).to_string()),
        ))
        .await;
    common::assert_error_status(&create, StatusCode::FORBIDDEN);
    assert!(app.list_keys(&cookie).await.is_empty());
    assert!(app.all_key_rows().await.is_empty());

    let created = app.create_key(&cookie, "Zapier").await;
    let key = assert_created_shape(&created, "Zapier");
    let id = common::str_of(&created["id"]).to_owned();
    let regenerate = app
        .send(common::request(
            "POST",
            &format!("{KEYS}/{id}"),
            &[
                ("cookie", cookie.as_str()),
                ("sec-fetch-site", "cross-site"),
            ],
            Body::empty(),
        ))
        .await;
    common::assert_error_status(&regenerate, StatusCode::FORBIDDEN);
    let keys = app.list_keys(&cookie).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], id.as_str());
    assert_eq!(app.me(&key).await.status, StatusCode::OK);

    // The same request from the app's own origin goes through.
    let same_origin = app
        .send(common::request(
            "POST",
            KEYS,
            &[
                ("content-type", "application/json"),
                ("cookie", cookie.as_str()),
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000"),
            ],
            Body::from(json!({ "name": "Mine" }).to_string()),
        ))
        .await;
    assert_eq!(same_origin.status, StatusCode::OK, "{}", same_origin.text);
    assert_eq!(app.list_keys(&cookie).await.len(), 2);
}

#[tokio::test]
async fn last_used_at_appears_after_the_first_use() {
    let app = TestApp::new().await;
    let cookie = app.register("used@example.com").await;
    let created = app.create_key(&cookie, "Zapier").await;
    let key = assert_created_shape(&created, "Zapier");
    let other = app.create_key(&cookie, "Unused").await;

    let before = app.list_keys(&cookie).await;
    assert!(
        before.iter().all(|k| k["lastUsedAt"].is_null()),
        "{before:?}"
    );

    let me = app.me(&key).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);

    let after = app.list_keys(&cookie).await;
    let used = after
        .iter()
        .find(|k| k["id"] == created["id"])
        .expect("the used key is listed");
    let last_used = common::rfc3339_of(&used["lastUsedAt"]);
    assert!(last_used >= common::rfc3339_of(&used["createdAt"]));
    let unused = after
        .iter()
        .find(|k| k["id"] == other["id"])
        .expect("the unused key is listed");
    assert!(unused["lastUsedAt"].is_null(), "{unused}");
    assert!(app
        .key_row(common::str_of(&created["id"]))
        .await
        .last_used_at
        .is_some());
}
