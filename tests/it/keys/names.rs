//! Key names: the character rules, trimming, uniqueness, and showing old names.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::Barrier;

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
    }
    .insert(&app.db)
    .await
    .expect("insert a legacy row");
}

/// Checks the answer of create/regenerate and returns the full key.
#[track_caller]
fn assert_created_shape(created: &Value, name: &str) -> String {
    crate::common::assert_fields(created, &CREATED_FIELDS);
    crate::common::uuid_of(&created["id"]);
    assert_eq!(created["name"], name);
    let full = crate::common::str_of(&created["fullKey"]).to_owned();
    crate::common::assert_key_format(&full);
    let prefix = &full[..12];
    assert_eq!(created["keyPrefix"], prefix);
    assert_eq!(created["maskedKey"], format!("{prefix}****"));
    crate::common::rfc3339_of(&created["createdAt"]);
    full
}

async fn create_raw(app: &TestApp, cookie: &str, body: &Value) -> crate::common::TestResponse {
    app.post_json(KEYS, body, Some(cookie)).await
}

const CREATED_FIELDS: [&str; 7] = [
    "createdAt",
    "expiresAt",
    "fullKey",
    "id",
    "keyPrefix",
    "maskedKey",
    "name",
];

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

#[tokio::test]
async fn names_are_trimmed() {
    let app = TestApp::new().await;
    let cookie = app.register("trim@example.com").await;
    let created = app.create_key(&cookie, "  Spaced  ").await;
    assert_created_shape(&created, "Spaced");
    assert_eq!(
        app.key_row(crate::common::str_of(&created["id"]))
            .await
            .name,
        "Spaced"
    );
    assert_eq!(
        crate::common::names(&app.list_keys(&cookie).await),
        ["Spaced"]
    );
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
        crate::common::assert_error(&resp, StatusCode::BAD_REQUEST, message);
    }

    let malformed = app
        .send(crate::common::request(
            "POST",
            KEYS,
            &[
                ("content-type", "application/json"),
                ("cookie", cookie.as_str()),
            ],
            Body::from(r#"{"name": "#),
        ))
        .await;
    crate::common::assert_error_status(&malformed, StatusCode::BAD_REQUEST);

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
        assert_eq!(
            app.key_row(crate::common::str_of(&created["id"]))
                .await
                .name,
            name
        );
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
