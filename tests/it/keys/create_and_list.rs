//! Creating and listing keys: the one-time reveal, masking, order, last use.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn listing_and_creating_require_a_session() {
    let app = TestApp::new().await;
    let list = app.get(KEYS, None).await;
    crate::common::assert_error(&list, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let garbage = app.get(KEYS, Some("keyward_session=garbage")).await;
    crate::common::assert_error(&garbage, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

    let create = app
        .post_json(KEYS, &json!({ "name": "Zapier" }), None)
        .await;
    crate::common::assert_error(&create, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    assert!(app.all_key_rows().await.is_empty());
}

#[tokio::test]
async fn a_new_user_has_no_keys() {
    let app = TestApp::new().await;
    let cookie = app.register("new@example.com").await;
    let resp = app.get(KEYS, Some(cookie.as_str())).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    assert_eq!(resp.json, json!({ "keys": [], "nextCursor": null }));
}

#[tokio::test]
async fn create_reveals_the_key_once_and_the_list_never_does() {
    let app = TestApp::new().await;
    let cookie = app.register("zap@example.com").await;
    let created = app.create_key(&cookie, "Zapier").await;
    let full = assert_created_shape(&created, "Zapier");
    let row = app.key_row(crate::common::str_of(&created["id"])).await;

    let resp = app.get(KEYS, Some(cookie.as_str())).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    crate::common::assert_fields(&resp.json, &["keys", "nextCursor"]);
    let keys = resp.json["keys"].as_array().expect("keys array");
    assert_eq!(keys.len(), 1, "{}", resp.text);
    let listed = &keys[0];
    crate::common::assert_fields(listed, &LISTED_FIELDS);
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

    let row = app.key_row(crate::common::str_of(&created["id"])).await;
    assert_eq!(row.user_id, user_id);
    assert_eq!(row.name, "CI");
    assert!(
        crate::common::is_lower_hex_64(&row.key_hash),
        "key_hash {:?} is not 64 lower-case hex characters",
        row.key_hash
    );
    assert_ne!(row.key_hash, full);
    assert_eq!(row.key_prefix, &full[..12]);
    let reported = crate::common::rfc3339_of(&created["createdAt"]).timestamp_millis();
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
    assert_eq!(crate::common::names(&keys), ["C", "B", "A"]);
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
    let last_used = crate::common::rfc3339_of(&used["lastUsedAt"]);
    assert!(last_used >= crate::common::rfc3339_of(&used["createdAt"]));
    let unused = after
        .iter()
        .find(|k| k["id"] == other["id"])
        .expect("the unused key is listed");
    assert!(unused["lastUsedAt"].is_null(), "{unused}");
    assert!(app
        .key_row(crate::common::str_of(&created["id"]))
        .await
        .last_used_at
        .is_some());
}
