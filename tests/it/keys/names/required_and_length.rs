//! A name is required, a string, at most 100 characters (not bytes), and trimmed.
use super::{assert_created_shape, create_raw};
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;

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
