//! The account's endpoints against the document: the password change (with the sign-in
//! throttle it shares), the sessions, the security log.
use super::drift::Drift;
use super::{check_body_guards, cross_site, json_post};
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;

const PASSWORD_PATH: &str = "/api/account/password";
const SESSIONS: &str = "/api/account/sessions";
const SESSION_PATH: &str = "/api/account/sessions/{id}";
const REVOKE: &str = "/api/account/sessions/revoke-others";
const EVENTS: &str = "/api/account/events";

/// `cookie` is the owner's session (kept), `other_cookie` another account's, used up by the
/// throttle at the end.
pub(super) async fn phase(drift: &mut Drift, app: &TestApp, cookie: &str, other_cookie: &str) {
    let send = |req| send_to(app.router.clone(), req);
    let get = |path: &str, cookie: Option<&str>| {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        request("GET", path, &headers, Body::empty())
    };

    // Sessions: listed, one ended, the others ended.
    drift.check("get", SESSIONS, &send(get(SESSIONS, Some(cookie))).await);
    drift.check("get", SESSIONS, &send(get(SESSIONS, None)).await);
    let second = send(json_post(
        LOGIN,
        &json!({ "email": "owner@example.com", "password": PASSWORD }),
        None,
    ))
    .await
    .session_cookie()
    .expect("a second session");
    let listed = send(get(SESSIONS, Some(cookie))).await;
    let second_id = listed.json["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| str_of(&s["id"]).to_owned())
        .expect("another session");
    let one = format!("{SESSIONS}/{second_id}");
    drift.check(
        "delete",
        SESSION_PATH,
        &send(cross_site("DELETE", &one, cookie)).await,
    );
    drift.check(
        "delete",
        SESSION_PATH,
        &send(request("DELETE", &one, &[], Body::empty())).await,
    );
    let ended = send(request(
        "DELETE",
        &one,
        &[("cookie", cookie)],
        Body::empty(),
    ))
    .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.text);
    drift.check("delete", SESSION_PATH, &ended);
    drift.check(
        "delete",
        SESSION_PATH,
        &send(request(
            "DELETE",
            &one,
            &[("cookie", cookie)],
            Body::empty(),
        ))
        .await,
    );
    assert_eq!(
        send(get(SESSION, Some(&second))).await.status,
        StatusCode::UNAUTHORIZED
    );
    drift.check(
        "post",
        REVOKE,
        &send(cross_site("POST", REVOKE, cookie)).await,
    );
    drift.check(
        "post",
        REVOKE,
        &send(request("POST", REVOKE, &[], Body::empty())).await,
    );
    let revoked = send(request(
        "POST",
        REVOKE,
        &[("cookie", cookie)],
        Body::empty(),
    ))
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    drift.check("post", REVOKE, &revoked);

    // The log, and a cursor that is not one.
    drift.check("get", EVENTS, &send(get(EVENTS, Some(cookie))).await);
    drift.check(
        "get",
        EVENTS,
        &send(get(&format!("{EVENTS}?before=nope"), Some(cookie))).await,
    );
    drift.check("get", EVENTS, &send(get(EVENTS, None)).await);

    // The password: changed and back, refused, guarded, and throttled.
    let change =
        |current: &str, new: &str| json!({ "currentPassword": current, "newPassword": new });
    let newer = "a longer and newer passphrase";
    let changed = send(json_post(
        PASSWORD_PATH,
        &change(PASSWORD, newer),
        Some(cookie),
    ))
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
    drift.check("post", PASSWORD_PATH, &changed);
    let back = send(json_post(
        PASSWORD_PATH,
        &change(newer, PASSWORD),
        Some(cookie),
    ))
    .await;
    assert_eq!(back.status, StatusCode::NO_CONTENT, "{}", back.text);
    drift.check(
        "post",
        PASSWORD_PATH,
        &send(json_post(
            PASSWORD_PATH,
            &change(PASSWORD, "short"),
            Some(cookie),
        ))
        .await,
    );
    drift.check(
        "post",
        PASSWORD_PATH,
        &send(json_post(PASSWORD_PATH, &change(PASSWORD, newer), None)).await,
    );
    check_body_guards(drift, app, PASSWORD_PATH, cookie).await;
    let mut wrong = send(json_post(
        PASSWORD_PATH,
        &change("wrong guess here", newer),
        Some(other_cookie),
    ))
    .await;
    while wrong.status == StatusCode::BAD_REQUEST {
        drift.check("post", PASSWORD_PATH, &wrong);
        wrong = send(json_post(
            PASSWORD_PATH,
            &change("wrong guess here", newer),
            Some(other_cookie),
        ))
        .await;
    }
    assert_eq!(
        wrong.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        wrong.text
    );
    drift.check("post", PASSWORD_PATH, &wrong);
}
