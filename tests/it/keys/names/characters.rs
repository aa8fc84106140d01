//! Which characters a name may hold: no control, bidi or invisible characters, what people
//! really type is kept, and rows stored before the rules still render.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

async fn insert_key_row(app: &TestApp, owner: uuid::Uuid, name: &str, hash: &str) {
    use keyward::server::entities::api_keys;
    use sea_orm::{ActiveModelTrait, Set};
    let id = uuid::Uuid::now_v7();
    api_keys::ActiveModel {
        id: Set(id),
        user_id: Set(owner),
        name: Set(name.to_owned()),
        key_hash: Set(hash.to_owned()),
        key_prefix: Set("pk_live_odd1".to_owned()),
        created_at: Set(chrono::Utc::now()),
        last_used_at: Set(None),
        deleted_at: Set(None),
        replaces_id: Set(None),
        expires_at: Set(None),
        lineage_id: Set(Some(id)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert a legacy row");
}

#[tokio::test]
async fn names_with_control_bidi_or_only_invisible_characters_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("names@example.com").await;
    for name in [
        "\u{0}",
        "line\nbreak",
        "carriage\rreturn",
        "tab\there",
        "abc\u{202E}gpj.exe",
        "\u{2066}isolated\u{2069}",
        "\u{200B}",
        "\u{FEFF}",
        "\u{2060}",
        "\u{3164}",
        "\u{2800}",
    ] {
        let resp = app
            .post_json("/api/api-keys", &json!({ "name": name }), Some(&cookie))
            .await;
        assert_error_status(&resp, StatusCode::BAD_REQUEST);
        assert_ne!(
            resp.json["error"],
            "Something went wrong on our side; please try again"
        );
    }
    assert!(
        app.list_keys(&cookie).await.is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn what_people_really_type_is_kept() {
    let app = TestApp::new().await;
    let cookie = app.register("emoji@example.com").await;
    for name in [
        "👩‍💻 laptop",
        "Café Zürich",
        "東京の鍵",
        "مفتاح زابير",
        "❤\u{FE0F} CI",
    ] {
        let created = app.create_key(&cookie, name).await;
        assert_eq!(created["name"], name);
    }
}

/// Rows written before the rules existed must still render: each odd character shows as
/// U+FFFD, and nothing the HTML parser would drop (NUL) reaches the page.
#[tokio::test]
async fn stored_names_with_odd_characters_still_render() {
    let app = TestApp::new().await;
    let cookie = app.register("legacy@example.com").await;
    let owner = app.user_id("legacy@example.com").await;
    let mut odd = vec!["cr\r\nlf", "abc\u{202E}gpj.exe", "\u{200B}"];
    if !app.url.starts_with("postgres") {
        odd.push("nul\u{0}"); // PostgreSQL cannot store NUL in text at all
    }
    for (i, name) in odd.iter().enumerate() {
        insert_key_row(&app, owner, name, &format!("{i:064}")).await;
    }
    let page = app.get("/settings/api-keys", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html_body = page.text.split("<script").next().unwrap_or_default();
    assert!(
        !html_body.contains('\u{0}')
            && !html_body.contains('\r')
            && !html_body.contains('\u{202E}')
    );
    assert!(
        page.text.contains("cr\u{FFFD}\u{FFFD}lf"),
        "CR LF shown as replacement characters"
    );
    assert!(page.text.contains("abc\u{FFFD}gpj.exe"));
    assert!(page.text.contains("(unnamed key)"));
    // The JSON API still returns what is stored, escaped by JSON.
    let listed = names(&app.list_keys(&cookie).await);
    for name in &odd {
        assert!(listed.contains(&name.to_string()), "{name:?} in {listed:?}");
    }
}

/// Invisible characters inside a name would make a second key that looks like the first.
#[tokio::test]
async fn lookalike_names_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.register("lookalike@example.com").await;
    app.create_key(&cookie, "Zapier").await;
    for lookalike in [
        "Zap\u{200B}ier",
        "Zap\u{200E}ier",
        "Zap\u{200F}ier",
        "Zap\u{061C}ier",
    ] {
        let resp = app
            .post_json(KEYS, &json!({ "name": lookalike }), Some(&cookie))
            .await;
        assert_error(
            &resp,
            StatusCode::BAD_REQUEST,
            "Name cannot contain invisible characters such as zero-width spaces or direction marks between its letters",
        );
    }
    for blank in ["\u{13430}", "\u{1D159}\u{1D159}"] {
        let resp = app
            .post_json(KEYS, &json!({ "name": blank }), Some(&cookie))
            .await;
        assert_error(
            &resp,
            StatusCode::BAD_REQUEST,
            "Name must contain at least one visible character",
        );
    }
    // Joiners that spell something are kept.
    for good in ["❤\u{FE0F}\u{200D}🔥 deploys", "کلید\u{200C}ها"] {
        let resp = app
            .post_json(KEYS, &json!({ "name": good }), Some(&cookie))
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{good:?}: {}", resp.text);
    }
    assert_eq!(app.list_keys(&cookie).await.len(), 3);
}
