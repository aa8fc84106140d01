//! Counting use without a write per request.
use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn later_uses_within_the_quiet_period_are_coalesced_until_a_flush() {
    let app = TestApp::new().await;
    let cookie = app.register("busy@example.com").await;
    let key = app.create_key(&cookie, "Busy").await;
    let (id, secret) = (
        str_of(&key["id"]).to_owned(),
        str_of(&key["fullKey"]).to_owned(),
    );

    assert_eq!(app.me(&secret).await.status, StatusCode::OK);
    let first = app
        .key_row(&id)
        .await
        .last_used_at
        .expect("the first use is written at once");
    assert!(app.list_keys(&cookie).await[0]["lastUsedAt"].is_string());

    for _ in 0..50 {
        assert_eq!(app.me(&secret).await.status, StatusCode::OK);
    }
    assert_eq!(
        app.key_row(&id).await.last_used_at,
        Some(first),
        "later uses wait for the flush"
    );
    assert_eq!(
        app.state.verifier.usage().pending_len(),
        1,
        "fifty uses of one key are one pending write"
    );

    assert_eq!(
        app.state
            .verifier
            .usage()
            .flush(&app.db)
            .await
            .expect("flush"),
        1
    );
    let flushed = app.key_row(&id).await.last_used_at.expect("still set");
    assert!(
        flushed > first,
        "the flush writes the latest use ({flushed} > {first})"
    );
    assert_eq!(app.state.verifier.usage().pending_len(), 0);
}
