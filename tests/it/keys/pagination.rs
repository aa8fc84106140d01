//! A long list of keys comes a page of 100 at a time, on the JSON API and on the page, and
//! can be searched by name.
use crate::common::*;

/// `n` live keys for `owner`, written straight to the table (creating them through the API
/// would take the hour's allowance many times over).
async fn insert_keys(app: &TestApp, owner: uuid::Uuid, n: usize) {
    use keyward::server::entities::api_keys;
    use sea_orm::{EntityTrait, Set};
    let base = chrono::Utc::now() - chrono::Duration::days(1);
    for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
        let rows = chunk.iter().map(|i| {
            let id = uuid::Uuid::now_v7();
            api_keys::ActiveModel {
                id: Set(id),
                user_id: Set(owner),
                name: Set(format!("Key {i:04}")),
                key_hash: Set(format!("{:064x}", id.as_u128() ^ (*i as u128))),
                key_prefix: Set("pk_live_page".into()),
                created_at: Set(base + chrono::Duration::seconds(*i as i64)),
                last_used_at: Set(None),
                deleted_at: Set(None),
                replaces_id: Set(None),
                expires_at: Set(None),
                lineage_id: Set(Some(id)),
                ..Default::default()
            }
        });
        api_keys::Entity::insert_many(rows)
            .exec(&app.db)
            .await
            .expect("insert keys");
    }
}

async fn page(app: &TestApp, cookie: &str, query: &str) -> TestResponse {
    app.get(&format!("{KEYS}{query}"), Some(cookie)).await
}

#[tokio::test]
async fn the_list_comes_100_at_a_time_without_gaps_or_repeats() {
    let app = TestApp::new().await;
    let cookie = app.register("many@example.com").await;
    let owner = app.user_id("many@example.com").await;
    insert_keys(&app, owner, 250).await;

    let mut seen = Vec::new();
    let mut query = String::new();
    let mut pages = 0;
    loop {
        let answer = page(&app, &cookie, &query).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let keys = answer.json["keys"].as_array().expect("keys").clone();
        assert!(keys.len() <= 100);
        seen.extend(keys.iter().map(|k| str_of(&k["name"]).to_owned()));
        pages += 1;
        match answer.json["nextCursor"].as_str() {
            Some(cursor) => query = format!("?cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..250).rev().map(|i| format!("Key {i:04}")).collect();
    assert_eq!(seen, expected, "newest first, each key once");

    let small = page(&app, &cookie, "?limit=7").await;
    assert_eq!(small.json["keys"].as_array().map(Vec::len), Some(7));
    assert!(small.json["nextCursor"].is_string());
    for bad in [
        "?limit=0",
        "?limit=101",
        "?limit=ten",
        "?cursor=nonsense",
        "?cursor=1-2",
    ] {
        assert_error_status(&page(&app, &cookie, bad).await, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_list_of_up_to_100_keys_comes_whole() {
    let app = TestApp::new().await;
    let cookie = app.register("hundred@example.com").await;
    let owner = app.user_id("hundred@example.com").await;
    insert_keys(&app, owner, 100).await;
    let answer = page(&app, &cookie, "").await;
    assert_eq!(answer.json["keys"].as_array().map(Vec::len), Some(100));
    assert_eq!(answer.json["nextCursor"], Value::Null);
}

#[tokio::test]
async fn keys_can_be_searched_by_name() {
    let app = TestApp::new().await;
    let cookie = app.register("search@example.com").await;
    for name in ["Zapier production", "zapier staging", "CI", "100% coverage"] {
        app.create_key(&cookie, name).await;
    }
    let names = |answer: &TestResponse| -> Vec<String> {
        answer.json["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| str_of(&k["name"]).to_owned())
            .collect()
    };
    assert_eq!(
        names(&page(&app, &cookie, "?q=ZAPIER").await),
        ["zapier staging", "Zapier production"]
    );
    assert_eq!(
        names(&page(&app, &cookie, "?q=%25").await),
        ["100% coverage"],
        "% matches itself"
    );
    assert!(names(&page(&app, &cookie, "?q=nothing").await).is_empty());
    // Only the owner's keys, whatever the search.
    let other = app.register("other-search@example.com").await;
    assert!(names(&page(&app, &other, "?q=zapier").await).is_empty());
}

#[tokio::test]
async fn the_page_shows_100_keys_and_the_way_to_the_rest() {
    let app = TestApp::new().await;
    let cookie = app.register("page@example.com").await;
    let owner = app.user_id("page@example.com").await;
    insert_keys(&app, owner, 130).await;
    let html = app.get("/settings/api-keys", Some(&cookie)).await;
    assert_eq!(html.status, StatusCode::OK);
    assert_eq!(html.text.matches("data-label=\"Name\"").count(), 100);
    assert!(html.text.contains("Next 100 keys"));
    let next = html
        .text
        .split("href=\"/settings/api-keys?cursor=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the next page");
    let second = app
        .get(&format!("/settings/api-keys?cursor={next}"), Some(&cookie))
        .await;
    assert_eq!(second.text.matches("data-label=\"Name\"").count(), 30);
    assert!(second.text.contains("First page"));
    let searched = app.get("/settings/api-keys?q=Key+012", Some(&cookie)).await;
    // Key 0120 … Key 0129
    assert_eq!(
        searched.text.matches("data-label=\"Name\"").count(),
        10,
        "{}",
        searched.text.len()
    );
}
