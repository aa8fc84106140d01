//! The PostgreSQL lookup's memory: usage writes leave a remembered answer valid, a
//! regenerate makes it unusable at once.
use crate::common::*;
use axum::http::StatusCode;

/// The PostgreSQL lookup remembers answers. Usage and last-used writes leave them valid; a
/// regenerate makes the old key's answer unusable at once on the instance too.
#[tokio::test]
async fn a_remembered_key_survives_usage_writes_and_not_its_regenerate() {
    let app = TestApp::new().await;
    if !app.is_postgres() {
        return skip(
            "a_remembered_key_survives_usage_writes_and_not_its_regenerate",
            "SQLite's lookup is not cached",
        );
    }
    let cookie = app.register("cached@example.com").await;
    let created = app.create_key(&cookie, "Cached").await;
    let key = str_of(&created["fullKey"]).to_owned();
    let lookup = &app.state.verifier;

    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    let hits = lookup.cache_hits();
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    assert_eq!(
        lookup.cache_hits(),
        hits + 1,
        "the second use is answered from memory"
    );

    let written = app
        .state
        .verifier
        .usage()
        .flush(&app.db)
        .await
        .expect("flush");
    assert!(written > 0, "the flush wrote the pending use");
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    assert_eq!(
        lookup.cache_hits(),
        hits + 2,
        "usage writes keep the answer valid"
    );

    let regenerated = app.regenerate(Some(&cookie), str_of(&created["id"])).await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
    let old = app.me(&key).await;
    assert_error(&old, StatusCode::UNAUTHORIZED, INVALID_API_KEY);
    assert_eq!(
        lookup.cache_hits(),
        hits + 2,
        "the old key was not answered from memory"
    );
    let new_key = str_of(&regenerated.json["fullKey"]).to_owned();
    assert_eq!(app.me(&new_key).await.status, StatusCode::OK);
}
