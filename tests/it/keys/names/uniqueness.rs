//! Names are unique per user, after trimming invisible ends, even under concurrent creates.
use super::{assert_created_shape, create_raw};
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;
use std::sync::Arc;
use tokio::sync::Barrier;

#[tokio::test]
async fn invisible_ends_are_trimmed_before_the_duplicate_check() {
    let app = TestApp::new().await;
    let cookie = app.register("dupes@example.com").await;
    app.create_key(&cookie, "Zapier").await;
    for lookalike in [
        "Zapier\u{200B}",
        "\u{FEFF}Zapier",
        "Zapier\u{2060}",
        "\u{3164}Zapier\u{2800}",
    ] {
        let resp = app
            .post_json(
                "/api/api-keys",
                &json!({ "name": lookalike }),
                Some(&cookie),
            )
            .await;
        assert_error(&resp, StatusCode::BAD_REQUEST, DUPLICATE_NAME);
    }
}

#[tokio::test]
async fn names_are_unique_per_user() {
    let app = TestApp::new().await;
    let alice = app.register("alice@example.com").await;
    let bob = app.register("bob@example.com").await;
    app.create_key(&alice, "Zapier").await;

    for name in ["Zapier", "  Zapier "] {
        let resp = create_raw(&app, &alice, &json!({ "name": name })).await;
        crate::common::assert_error(&resp, StatusCode::BAD_REQUEST, DUPLICATE_NAME);
    }
    assert_eq!(
        crate::common::names(&app.list_keys(&alice).await),
        ["Zapier"]
    );

    // Another user may use the same name.
    let created = app.create_key(&bob, "Zapier").await;
    assert_created_shape(&created, "Zapier");
    assert_eq!(crate::common::names(&app.list_keys(&bob).await), ["Zapier"]);
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
            let request = crate::common::json_request(
                "POST",
                KEYS,
                &json!({ "name": "Race" }),
                Some(cookie.as_str()),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                crate::common::send_to(router, request).await
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
            crate::common::assert_error(&resp, StatusCode::BAD_REQUEST, DUPLICATE_NAME);
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
