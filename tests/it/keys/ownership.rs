//! Ownership: nobody sees or touches another user's keys.
use crate::common::*;
use axum::http::StatusCode;

async fn detail(app: &TestApp, cookie: Option<&str>, id: &str) -> TestResponse {
    app.get(&format!("{KEYS}/{id}"), cookie).await
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
        assert!(!bob_list
            .text
            .contains(crate::common::str_of(&foreign["id"])));
        assert!(!bob_list
            .text
            .contains(crate::common::str_of(&foreign["keyPrefix"])));
    }

    let zapier_id = crate::common::str_of(&zapier["id"]);
    let resp = app.regenerate(Some(bob.as_str()), zapier_id).await;
    crate::common::assert_error(&resp, StatusCode::NOT_FOUND, KEY_NOT_FOUND);

    let mut alice_names = crate::common::names(&app.list_keys(&alice).await);
    alice_names.sort();
    assert_eq!(alice_names, ["CI", "Zapier"]);
    assert!(app.key_row(zapier_id).await.deleted_at.is_none());
    let me = app.me(&alice_key).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json["user"]["email"], "alice@example.com");
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
    // A replaced version's page leads people to the current one (the JSON API says 404).
    let replaced = app
        .get(&format!("/settings/api-keys/{id}"), Some(&owner))
        .await;
    assert_eq!(replaced.status, StatusCode::SEE_OTHER);
    assert_eq!(
        replaced.header("location"),
        Some(format!("/settings/api-keys/{live}").as_str())
    );
    for missing in ["not-a-uuid", &uuid::Uuid::now_v7().to_string()] {
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
