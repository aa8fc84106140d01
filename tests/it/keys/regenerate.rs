//! Regenerating keys: a new secret under the same name, once, and never a delete.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use std::sync::Arc;
use tokio::sync::Barrier;
use uuid::Uuid;

#[tokio::test]
async fn regenerate_replaces_the_secret_under_the_same_name() {
    let app = TestApp::new().await;
    let cookie = app.register("regen@example.com").await;
    let old = app.create_key(&cookie, "Zapier").await;
    let old_key = assert_created_shape(&old, "Zapier");
    let old_id = crate::common::str_of(&old["id"]).to_owned();
    assert_eq!(app.me(&old_key).await.status, StatusCode::OK);

    let resp = app.regenerate(Some(cookie.as_str()), &old_id).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    let new_key = assert_created_shape(&resp.json, "Zapier");
    let new_id = crate::common::str_of(&resp.json["id"]).to_owned();
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

    crate::common::assert_error(
        &app.me(&old_key).await,
        StatusCode::UNAUTHORIZED,
        INVALID_API_KEY,
    );
    let me = app.me(&new_key).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json["key"]["id"], new_id.as_str());

    // The replaced key can no longer be regenerated.
    let again = app.regenerate(Some(cookie.as_str()), &old_id).await;
    crate::common::assert_error(&again, StatusCode::NOT_FOUND, KEY_NOT_FOUND);
    assert_eq!(app.list_keys(&cookie).await.len(), 1);
}

#[tokio::test]
async fn regenerate_answers_404_for_keys_the_user_cannot_see() {
    let app = TestApp::new().await;
    let alice = app.register("alice@example.com").await;
    let mallory = app.register("mallory@example.com").await;
    let created = app.create_key(&alice, "Zapier").await;
    let key = assert_created_shape(&created, "Zapier");
    let id = crate::common::str_of(&created["id"]).to_owned();

    let unknown = app
        .regenerate(Some(alice.as_str()), &Uuid::new_v4().to_string())
        .await;
    crate::common::assert_error(&unknown, StatusCode::NOT_FOUND, KEY_NOT_FOUND);

    let malformed = app.regenerate(Some(alice.as_str()), "not-a-uuid").await;
    crate::common::assert_error(&malformed, StatusCode::NOT_FOUND, KEY_NOT_FOUND);

    let foreign = app.regenerate(Some(mallory.as_str()), &id).await;
    crate::common::assert_error(&foreign, StatusCode::NOT_FOUND, KEY_NOT_FOUND);
    assert_eq!(
        foreign.text, unknown.text,
        "a foreign key is distinguishable"
    );

    let signed_out = app.regenerate(None, &id).await;
    crate::common::assert_error(&signed_out, StatusCode::UNAUTHORIZED, UNAUTHORIZED);

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
    let old_id = crate::common::str_of(&created["id"]).to_owned();

    let barrier = Arc::new(Barrier::new(2));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let router = app.router.clone();
            let barrier = Arc::clone(&barrier);
            let request = crate::common::request(
                "POST",
                &format!("{KEYS}/{old_id}"),
                &[("cookie", cookie.as_str())],
                Body::empty(),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                crate::common::send_to(router, request).await
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
            crate::common::assert_error(&resp, StatusCode::NOT_FOUND, KEY_NOT_FOUND);
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
    assert_eq!(
        live[0].replaces_id,
        Some(crate::common::uuid_of(&created["id"]))
    );
}

#[tokio::test]
async fn keys_cannot_be_deleted() {
    let app = TestApp::new().await;
    let cookie = app.register("del@example.com").await;
    let created = app.create_key(&cookie, "Keep").await;
    let key = assert_created_shape(&created, "Keep");
    let id = crate::common::str_of(&created["id"]).to_owned();

    let resp = app
        .send(crate::common::request(
            "DELETE",
            &format!("{KEYS}/{id}"),
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await;
    crate::common::assert_error_status(&resp, StatusCode::METHOD_NOT_ALLOWED);

    let keys = app.list_keys(&cookie).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], id.as_str());
    let row = app.key_row(&id).await;
    assert!(row.deleted_at.is_none());
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
}
