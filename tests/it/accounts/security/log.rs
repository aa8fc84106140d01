//! The security log: what is recorded, with address and user agent, newest first, 50 a page;
//! key events on the key's own record; nothing can change an entry.
use super::*;

/// Polls until the account's newest entry is `kind`: a failed sign-in is written just after
/// its answer, so an unknown email and a wrong password take the same time.
async fn wait_for_newest(app: &TestApp, cookie: &str, kind: &str) {
    for _ in 0..100 {
        if event_kinds(app, cookie).await.first().map(String::as_str) == Some(kind) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!(
        "{kind} never became the newest entry: {:?}",
        event_kinds(app, cookie).await
    );
}

#[tokio::test]
async fn the_log_records_sign_ins_keys_and_sign_outs_with_where_from() {
    let app = TestApp::new().await;
    let cookie = app.register("log@example.com").await;
    let created = app.create_key(&cookie, "Logged").await;
    let first_id = str_of(&created["id"]).to_owned();
    let regenerated = app.regenerate(Some(&cookie), &first_id).await;
    let live_id = str_of(&regenerated.json["id"]).to_owned();
    let patched = app
        .patch_key(&cookie, &live_id, json!({ "scopes": ["read"] }))
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let failed = app
        .post_json(
            LOGIN,
            &json!({ "email": "log@example.com", "password": "not the password" }),
            None,
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    wait_for_newest(&app, &cookie, "sign_in_failed").await;
    // An unknown email has no account to tell.
    let unknown = app
        .post_json(
            LOGIN,
            &json!({ "email": "nobody@example.com", "password": "not the password" }),
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let other = app.login("log@example.com").await;
    let logout = app
        .send(request(
            "POST",
            LOGOUT,
            &[("cookie", other.as_str()), ("user-agent", "Leaving/1.0")],
            Body::empty(),
        ))
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);

    let page = app.get(EVENTS, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_fields(&page.json, &["events", "nextBefore"]);
    assert!(page.json["nextBefore"].is_null());
    let events = page.json["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| str_of(&e["kind"])).collect();
    assert_eq!(
        kinds,
        [
            "sign_out",
            "sign_in",
            "sign_in_failed",
            "key_restrictions_changed",
            "key_regenerated",
            "key_created",
            "sign_in",
        ]
    );
    for event in events {
        assert_fields(
            event,
            &[
                "id",
                "kind",
                "occurredAt",
                "ip",
                "userAgent",
                "keyId",
                "keyName",
            ],
        );
        rfc3339_of(&event["occurredAt"]);
        assert_eq!(event["ip"], "127.0.0.1", "{event}");
    }
    assert_eq!(events[0]["userAgent"], "Leaving/1.0");
    // Key events name the key and lead to its live version, whichever version they were about.
    for event in &events[3..6] {
        assert_eq!(event["keyName"], "Logged");
        assert_eq!(event["keyId"], live_id.as_str());
    }
    assert!(events[0]["keyId"].is_null() && events[0]["keyName"].is_null());

    // The key's own record shows its events.
    let detail = app.get(&format!("{KEYS}/{live_id}"), Some(&cookie)).await;
    let key_kinds: Vec<&str> = detail.json["events"]
        .as_array()
        .expect("events on the key")
        .iter()
        .map(|e| str_of(&e["kind"]))
        .collect();
    assert_eq!(
        key_kinds,
        ["key_restrictions_changed", "key_regenerated", "key_created"]
    );

    // Another account sees none of it.
    let stranger = app.register("log-stranger@example.com").await;
    assert_eq!(event_kinds(&app, &stranger).await, ["sign_in"]);
}

#[tokio::test]
async fn the_log_pages_fifty_at_a_time_and_cannot_be_changed() {
    let app = TestApp::new().await;
    let cookie = app.register("pages@example.com").await;
    for n in 0..54 {
        app.create_key(&cookie, &format!("Key {n:02}")).await;
    }
    let first = app.get(EVENTS, Some(&cookie)).await;
    let events = first.json["events"].as_array().unwrap().clone();
    assert_eq!(events.len(), 50);
    assert_eq!(events[0]["keyName"], "Key 53");
    let cursor = str_of(&first.json["nextBefore"]).to_owned();
    assert_eq!(cursor, str_of(&events[49]["id"]));

    let second = app
        .get(&format!("{EVENTS}?before={cursor}"), Some(&cookie))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let rest = second.json["events"].as_array().unwrap();
    assert_eq!(rest.len(), 5, "4 keys and the sign-up's sign-in");
    assert_eq!(rest[0]["keyName"], "Key 03");
    assert_eq!(rest[4]["kind"], "sign_in");
    assert!(second.json["nextBefore"].is_null());

    let bad = app
        .get(&format!("{EVENTS}?before=yesterday"), Some(&cookie))
        .await;
    assert_error(
        &bad,
        StatusCode::BAD_REQUEST,
        "Invalid cursor: pass the nextBefore value of the previous page",
    );
    // Append-only: no method changes or deletes the log.
    let id = str_of(&events[0]["id"]).to_owned();
    for method in ["DELETE", "PUT", "PATCH", "POST"] {
        for path in [EVENTS.to_owned(), format!("{EVENTS}/{id}")] {
            let answer = app
                .send(request(
                    method,
                    &path,
                    &[("cookie", cookie.as_str())],
                    Body::empty(),
                ))
                .await;
            assert!(
                matches!(
                    answer.status,
                    StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_FOUND
                ),
                "{method} {path}: {}",
                answer.status
            );
        }
    }
    let signed_out = app.get(EVENTS, None).await;
    assert_error(&signed_out, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
}
