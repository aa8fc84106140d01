//! The account looking after itself: sessions it can see and end, the password change, and
//! the security log; through the JSON API and through the Security page's plain forms.
mod log;
mod page;
mod password;
mod sessions;

use crate::common::*;

const SESSIONS: &str = "/api/account/sessions";
const EVENTS: &str = "/api/account/events";
const PASSWORD_CHANGE: &str = "/api/account/password";

/// A request with a cookie and a user agent, as a browser sends one.
fn from_browser(method: &str, path: &str, cookie: &str, agent: &str) -> axum::http::Request<Body> {
    request(
        method,
        path,
        &[("cookie", cookie), ("user-agent", agent)],
        Body::empty(),
    )
}

/// Signs `email` in again from a browser that says `agent`; returns the new session's cookie.
async fn sign_in_from(app: &TestApp, email: &str, agent: &str) -> String {
    let body = json!({ "email": email, "password": PASSWORD }).to_string();
    let answer = app
        .send(request(
            "POST",
            LOGIN,
            &[("content-type", "application/json"), ("user-agent", agent)],
            Body::from(body),
        ))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.session_cookie().expect("a session cookie")
}

/// The kinds of the newest entries of the cookie's account log, newest first.
async fn event_kinds(app: &TestApp, cookie: &str) -> Vec<String> {
    let page = app.get(EVENTS, Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    page.json["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|event| str_of(&event["kind"]).to_owned())
        .collect()
}
