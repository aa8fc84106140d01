//! Sessions: listed newest first with where and what from, ended one at a time or all the
//! others at once, on every instance at once; "last seen" written in batches.
use super::*;
use chrono::Duration;
use keyward::server::config::Config;
use keyward::server::entities::sessions;
use sea_orm::{ActiveModelTrait, Set};

#[tokio::test]
async fn sessions_are_listed_and_ended_one_by_one_or_all_but_this_one() {
    let app = TestApp::new().await;
    let first = app.register("sessions@example.com").await;
    let laptop = sign_in_from(&app, "sessions@example.com", "Laptop/1.0").await;
    let phone = sign_in_from(&app, "sessions@example.com", "Phone/2.0").await;

    let listed = app
        .send(from_browser("GET", SESSIONS, &first, "Desk/3.0"))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let sessions = listed.json["sessions"]
        .as_array()
        .expect("sessions")
        .clone();
    assert_eq!(sessions.len(), 3);
    for session in &sessions {
        assert_fields(
            session,
            &[
                "id",
                "current",
                "createdAt",
                "lastSeenAt",
                "ip",
                "userAgent",
            ],
        );
        rfc3339_of(&session["createdAt"]);
        rfc3339_of(&session["lastSeenAt"]);
    }
    // Newest first, and only the asking one is current.
    assert_eq!(sessions[0]["userAgent"], "Phone/2.0");
    assert_eq!(sessions[1]["userAgent"], "Laptop/1.0");
    assert_eq!(sessions[2]["current"], true);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    // The id names the session without opening it.
    let token = cookie_value(&first);
    assert!(sessions.iter().all(|s| !str_of(&s["id"]).contains(token)));

    let phone_id = str_of(&sessions[0]["id"]).to_owned();
    let ended = app
        .send(from_browser(
            "DELETE",
            &format!("{SESSIONS}/{phone_id}"),
            &first,
            "Desk/3.0",
        ))
        .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.text);
    assert_eq!(
        app.get(SESSION, Some(&phone)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Ended already, unknown, and another account's: the same 404.
    let again = app
        .send(from_browser(
            "DELETE",
            &format!("{SESSIONS}/{phone_id}"),
            &first,
            "Desk/3.0",
        ))
        .await;
    assert_error(
        &again,
        StatusCode::NOT_FOUND,
        "Session not found; it may have ended already",
    );
    let stranger = app.register("stranger@example.com").await;
    let strangers = app.get(SESSIONS, Some(&stranger)).await;
    let stranger_id = str_of(&strangers.json["sessions"][0]["id"]).to_owned();
    let foreign = app
        .send(from_browser(
            "DELETE",
            &format!("{SESSIONS}/{stranger_id}"),
            &first,
            "Desk/3.0",
        ))
        .await;
    assert_error(
        &foreign,
        StatusCode::NOT_FOUND,
        "Session not found; it may have ended already",
    );
    assert_eq!(
        app.get(SESSION, Some(&stranger)).await.status,
        StatusCode::OK
    );

    let revoked = app
        .post_empty(&format!("{SESSIONS}/revoke-others"), Some(&first))
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert_eq!(revoked.json, json!({ "ended": 1 }));
    assert_eq!(
        app.get(SESSION, Some(&laptop)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get(SESSION, Some(&first)).await.status, StatusCode::OK);
    let left = app.get(SESSIONS, Some(&first)).await;
    assert_eq!(left.json["sessions"].as_array().map(Vec::len), Some(1));

    let kinds = event_kinds(&app, &first).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "session_ended").count(),
        2,
        "{kinds:?}"
    );

    // Signed out, none of it answers.
    for (method, path) in [
        ("GET", SESSIONS.to_owned()),
        ("DELETE", format!("{SESSIONS}/{phone_id}")),
    ] {
        let answer = app.send(request(method, &path, &[], Body::empty())).await;
        assert_error(&answer, StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_session_ended_on_one_instance_is_refused_by_another_at_once() {
    let app = TestApp::new().await;
    let mine = app.register("two-instances@example.com").await;
    let other = app.login("two-instances@example.com").await;
    let (second, _) = app.second_instance(Config::default()).await;
    let on_second = send_to(
        second.clone(),
        request("GET", SESSION, &[("cookie", other.as_str())], Body::empty()),
    )
    .await;
    assert_eq!(on_second.status, StatusCode::OK);

    let listed = app.get(SESSIONS, Some(&mine)).await;
    let other_id = listed.json["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| str_of(&s["id"]).to_owned())
        .expect("the other session");
    let ended = app
        .send(request(
            "DELETE",
            &format!("{SESSIONS}/{other_id}"),
            &[("cookie", mine.as_str())],
            Body::empty(),
        ))
        .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT);
    let on_second = send_to(
        second,
        request("GET", SESSION, &[("cookie", other.as_str())], Body::empty()),
    )
    .await;
    assert_eq!(on_second.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn last_seen_is_written_in_batches_at_most_once_a_minute() {
    let app = TestApp::new().await;
    let cookie = app.register("last-seen@example.com").await;
    let user = app.user_id("last-seen@example.com").await;
    let row = app.sessions_of(user).await.remove(0);
    let long_ago = row.created_at - Duration::hours(2);
    let mut stale: sessions::ActiveModel = row.into();
    stale.last_seen_at = Set(Some(long_ago));
    stale.update(&app.db).await.unwrap();

    // Requests note the session; nothing is written until the batch is.
    for _ in 0..5 {
        assert_eq!(app.get(SESSION, Some(&cookie)).await.status, StatusCode::OK);
    }
    assert_eq!(app.sessions_of(user).await[0].last_seen_at, Some(long_ago));
    let written = app.state.session_activity.flush(&app.db).await.unwrap();
    assert_eq!(written, 1, "five requests, one write");
    let seen = app.sessions_of(user).await[0].last_seen_at.unwrap();
    assert!(seen > long_ago + Duration::minutes(110));

    // Seen less than a minute ago: further requests note nothing.
    assert_eq!(app.get(SESSION, Some(&cookie)).await.status, StatusCode::OK);
    assert_eq!(app.state.session_activity.flush(&app.db).await.unwrap(), 0);
    let listed = app.get(SESSIONS, Some(&cookie)).await;
    let listed_seen = rfc3339_of(&listed.json["sessions"][0]["lastSeenAt"]);
    assert_eq!(listed_seen.timestamp_millis(), seen.timestamp_millis());
}
